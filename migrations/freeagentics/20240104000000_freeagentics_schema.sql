-- FreeAgentics: agents, conversations and messages between them, knowledge graphs,
-- coalitions, system logs, and the junction tables conversation_participants and
-- coalition_members. Each row has an integer key and a public uuid, as the document's
-- models do. Columns the document leaves open are designed here (descriptions,
-- timestamps, participant roles, member contributions, log levels). A CHECK on a value
-- set only where the document states the set (conversation and knowledge graph types);
-- agent types ("explorer, merchant, guardian, etc."), statuses, roles, message types and
-- log levels are open text. Every foreign key is indexed, as the document says.

-- migrate:up
CREATE SCHEMA freeagentics;

CREATE TABLE freeagentics.agents (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  uuid uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  type text NOT NULL,  -- explorer, merchant, guardian, etc.: open
  status text NOT NULL DEFAULT 'active',
  config jsonb NOT NULL DEFAULT '{}'::jsonb,
  state jsonb NOT NULL DEFAULT '{}'::jsonb,
  beliefs jsonb NOT NULL DEFAULT '{}'::jsonb,
  location text,  -- H3 hexagon index
  energy_level double precision NOT NULL DEFAULT 1.0,
  experience_points integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  last_active_at timestamptz,
  CONSTRAINT agents_uuid_key UNIQUE (uuid)
);
CREATE INDEX ix_agents_name ON freeagentics.agents (name);
CREATE INDEX ix_agents_type ON freeagentics.agents (type);
CREATE INDEX ix_agents_status ON freeagentics.agents (status);
CREATE INDEX ix_agents_location ON freeagentics.agents (location);
CREATE TRIGGER agents_updated_at BEFORE UPDATE ON freeagentics.agents
  FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TABLE freeagentics.conversations (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  uuid uuid NOT NULL DEFAULT gen_random_uuid(),
  title text,
  type text NOT NULL DEFAULT 'direct' CHECK (type IN ('direct', 'group', 'broadcast', 'system')),
  meta_data jsonb NOT NULL DEFAULT '{}'::jsonb,
  context jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  last_message_at timestamptz,
  CONSTRAINT conversations_uuid_key UNIQUE (uuid)
);
CREATE INDEX ix_conversations_type ON freeagentics.conversations (type);
CREATE TRIGGER conversations_updated_at BEFORE UPDATE ON freeagentics.conversations
  FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TABLE freeagentics.conversation_participants (
  conversation_id bigint NOT NULL REFERENCES freeagentics.conversations (id) ON DELETE CASCADE,
  agent_id bigint NOT NULL REFERENCES freeagentics.agents (id) ON DELETE CASCADE,
  role text NOT NULL DEFAULT 'participant',
  joined_at timestamptz NOT NULL DEFAULT now(),
  left_at timestamptz,
  PRIMARY KEY (conversation_id, agent_id)
);
CREATE INDEX ix_conversation_participants_agent_id ON freeagentics.conversation_participants (agent_id);

CREATE TABLE freeagentics.messages (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  uuid uuid NOT NULL DEFAULT gen_random_uuid(),
  conversation_id bigint NOT NULL REFERENCES freeagentics.conversations (id) ON DELETE CASCADE,
  sender_id bigint REFERENCES freeagentics.agents (id) ON DELETE SET NULL,
  content text NOT NULL,
  type text NOT NULL DEFAULT 'text',
  meta_data jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT messages_uuid_key UNIQUE (uuid)
);
CREATE INDEX ix_messages_conversation_id_created_at ON freeagentics.messages (conversation_id, created_at);
CREATE INDEX ix_messages_sender_id ON freeagentics.messages (sender_id);

-- nodes and edges are JSON arrays; access_list holds the uuids of agents with access.
CREATE TABLE freeagentics.knowledge_graphs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  uuid uuid NOT NULL DEFAULT gen_random_uuid(),
  owner_id bigint REFERENCES freeagentics.agents (id) ON DELETE CASCADE,
  name text NOT NULL,
  description text,
  type text NOT NULL DEFAULT 'personal' CHECK (type IN ('personal', 'shared', 'global')),
  nodes jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(nodes) = 'array'),
  edges jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(edges) = 'array'),
  meta_data jsonb NOT NULL DEFAULT '{}'::jsonb,
  is_public boolean NOT NULL DEFAULT false,
  access_list jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(access_list) = 'array'),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT knowledge_graphs_uuid_key UNIQUE (uuid)
);
CREATE INDEX ix_knowledge_graphs_owner_id ON freeagentics.knowledge_graphs (owner_id);
CREATE INDEX ix_knowledge_graphs_type ON freeagentics.knowledge_graphs (type);
CREATE INDEX ix_knowledge_graphs_public ON freeagentics.knowledge_graphs (is_public) WHERE is_public;
CREATE INDEX ix_knowledge_graphs_access_list ON freeagentics.knowledge_graphs USING gin (access_list);
CREATE TRIGGER knowledge_graphs_updated_at BEFORE UPDATE ON freeagentics.knowledge_graphs
  FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TABLE freeagentics.coalitions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  uuid uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  description text,
  goals jsonb NOT NULL DEFAULT '[]'::jsonb,
  rules jsonb NOT NULL DEFAULT '{}'::jsonb,
  status text NOT NULL DEFAULT 'forming',
  value_pool numeric NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  dissolved_at timestamptz,
  CONSTRAINT coalitions_uuid_key UNIQUE (uuid)
);
CREATE INDEX ix_coalitions_status ON freeagentics.coalitions (status);
CREATE TRIGGER coalitions_updated_at BEFORE UPDATE ON freeagentics.coalitions
  FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TABLE freeagentics.coalition_members (
  coalition_id bigint NOT NULL REFERENCES freeagentics.coalitions (id) ON DELETE CASCADE,
  agent_id bigint NOT NULL REFERENCES freeagentics.agents (id) ON DELETE CASCADE,
  role text NOT NULL DEFAULT 'member',
  contribution numeric NOT NULL DEFAULT 0,
  joined_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (coalition_id, agent_id)
);
CREATE INDEX ix_coalition_members_agent_id ON freeagentics.coalition_members (agent_id);

CREATE TABLE freeagentics.system_logs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  "timestamp" timestamptz NOT NULL DEFAULT now(),
  level text NOT NULL DEFAULT 'INFO',
  component text NOT NULL,
  message text NOT NULL,
  agent_id bigint REFERENCES freeagentics.agents (id) ON DELETE SET NULL,
  conversation_id bigint REFERENCES freeagentics.conversations (id) ON DELETE SET NULL,
  coalition_id bigint REFERENCES freeagentics.coalitions (id) ON DELETE SET NULL,
  data jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX ix_system_logs_timestamp ON freeagentics.system_logs ("timestamp");
CREATE INDEX ix_system_logs_level ON freeagentics.system_logs (level);
CREATE INDEX ix_system_logs_agent_id ON freeagentics.system_logs (agent_id);
CREATE INDEX ix_system_logs_conversation_id ON freeagentics.system_logs (conversation_id);
CREATE INDEX ix_system_logs_coalition_id ON freeagentics.system_logs (coalition_id);

-- migrate:down
-- What the up created, and nothing else: an object of the user's that depends on one of
-- these (a view, a foreign key) stops the rollback with the server naming it.
DROP TABLE freeagentics.system_logs;
DROP TABLE freeagentics.coalition_members;
DROP TABLE freeagentics.coalitions;
DROP TABLE freeagentics.knowledge_graphs;
DROP TABLE freeagentics.messages;
DROP TABLE freeagentics.conversation_participants;
DROP TABLE freeagentics.conversations;
DROP TABLE freeagentics.agents;
DROP SCHEMA freeagentics;
