-- FreeAgentics, multi-tenant isolation (the document: "implement row-level security for
-- multi-tenant scenarios"). Every table gets a tenant_id and a row level security policy
-- keyed on the session's tenant (freeagentics.current_tenant(): the setting app.tenant_id):
--   * a role other than the tables' owner sees, changes and deletes only its tenant's rows,
--     and writes rows only for its tenant; without app.tenant_id it sees and writes nothing;
--   * a row that refers to another (a message to its conversation, a member to its agent)
--     may only refer to a row its tenant sees, so no tenant attaches rows to another's;
--   * the tables' owner (migrations, seeds, maintenance) is not subject to the policies, as
--     usual in PostgreSQL (not FORCE: the document does not ask that the owner be confined).
--     Connect the application as a role of its own: README, "How an application connects".
-- tenant_id defaults to the session's tenant, else 'default' (rows the owner writes without
-- a tenant, such as seeds). The default is stable, not volatile: adding the column does not
-- rewrite the tables. The indexes on tenant_id serve the policies' filter.

-- agentpg-lint: disable-file=adding-field-with-default (the default calls freeagentics.current_tenant(),
-- declared STABLE below: PostgreSQL records such a default in the catalog, no table rewrite)
-- agentpg-lint: disable-file=require-concurrent-index-creation,require-timeout-settings (each
-- index is on the column this same transaction adds, so the table stays locked by ADD COLUMN
-- until the commit anyway; on tables with many rows, apply it in a quiet window, with
-- migration_lock_timeout set so that it gives up rather than queue behind long queries)

-- migrate:up
-- The session's tenant: the setting app.tenant_id, NULL when unset or empty.
CREATE FUNCTION freeagentics.current_tenant() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT nullif(pg_catalog.current_setting('app.tenant_id', true), '')
$$;

ALTER TABLE freeagentics.agents ADD COLUMN tenant_id text NOT NULL DEFAULT coalesce(freeagentics.current_tenant(), 'default');
ALTER TABLE freeagentics.conversations ADD COLUMN tenant_id text NOT NULL DEFAULT coalesce(freeagentics.current_tenant(), 'default');
ALTER TABLE freeagentics.conversation_participants ADD COLUMN tenant_id text NOT NULL DEFAULT coalesce(freeagentics.current_tenant(), 'default');
ALTER TABLE freeagentics.messages ADD COLUMN tenant_id text NOT NULL DEFAULT coalesce(freeagentics.current_tenant(), 'default');
ALTER TABLE freeagentics.knowledge_graphs ADD COLUMN tenant_id text NOT NULL DEFAULT coalesce(freeagentics.current_tenant(), 'default');
ALTER TABLE freeagentics.coalitions ADD COLUMN tenant_id text NOT NULL DEFAULT coalesce(freeagentics.current_tenant(), 'default');
ALTER TABLE freeagentics.coalition_members ADD COLUMN tenant_id text NOT NULL DEFAULT coalesce(freeagentics.current_tenant(), 'default');
ALTER TABLE freeagentics.system_logs ADD COLUMN tenant_id text NOT NULL DEFAULT coalesce(freeagentics.current_tenant(), 'default');

CREATE INDEX ix_agents_tenant_id ON freeagentics.agents (tenant_id);
CREATE INDEX ix_conversations_tenant_id ON freeagentics.conversations (tenant_id);
CREATE INDEX ix_conversation_participants_tenant_id ON freeagentics.conversation_participants (tenant_id);
CREATE INDEX ix_messages_tenant_id ON freeagentics.messages (tenant_id);
CREATE INDEX ix_knowledge_graphs_tenant_id ON freeagentics.knowledge_graphs (tenant_id);
CREATE INDEX ix_coalitions_tenant_id ON freeagentics.coalitions (tenant_id);
CREATE INDEX ix_coalition_members_tenant_id ON freeagentics.coalition_members (tenant_id);
CREATE INDEX ix_system_logs_tenant_id ON freeagentics.system_logs (tenant_id);

ALTER TABLE freeagentics.agents ENABLE ROW LEVEL SECURITY;
ALTER TABLE freeagentics.conversations ENABLE ROW LEVEL SECURITY;
ALTER TABLE freeagentics.conversation_participants ENABLE ROW LEVEL SECURITY;
ALTER TABLE freeagentics.messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE freeagentics.knowledge_graphs ENABLE ROW LEVEL SECURITY;
ALTER TABLE freeagentics.coalitions ENABLE ROW LEVEL SECURITY;
ALTER TABLE freeagentics.coalition_members ENABLE ROW LEVEL SECURITY;
ALTER TABLE freeagentics.system_logs ENABLE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON freeagentics.agents
    USING (tenant_id = freeagentics.current_tenant())
    WITH CHECK (tenant_id = freeagentics.current_tenant());
CREATE POLICY tenant_isolation ON freeagentics.conversations
    USING (tenant_id = freeagentics.current_tenant())
    WITH CHECK (tenant_id = freeagentics.current_tenant());
CREATE POLICY tenant_isolation ON freeagentics.coalitions
    USING (tenant_id = freeagentics.current_tenant())
    WITH CHECK (tenant_id = freeagentics.current_tenant());
-- The subqueries below are themselves under the referenced table's policy: they find
-- only rows of the session's tenant.
CREATE POLICY tenant_isolation ON freeagentics.conversation_participants
    USING (tenant_id = freeagentics.current_tenant())
    WITH CHECK (tenant_id = freeagentics.current_tenant()
                AND EXISTS (SELECT 1 FROM freeagentics.conversations c WHERE c.id = conversation_participants.conversation_id)
                AND EXISTS (SELECT 1 FROM freeagentics.agents a WHERE a.id = conversation_participants.agent_id));
CREATE POLICY tenant_isolation ON freeagentics.messages
    USING (tenant_id = freeagentics.current_tenant())
    WITH CHECK (tenant_id = freeagentics.current_tenant()
                AND EXISTS (SELECT 1 FROM freeagentics.conversations c WHERE c.id = messages.conversation_id)
                AND (sender_id IS NULL OR EXISTS (SELECT 1 FROM freeagentics.agents a WHERE a.id = messages.sender_id)));
CREATE POLICY tenant_isolation ON freeagentics.knowledge_graphs
    USING (tenant_id = freeagentics.current_tenant())
    WITH CHECK (tenant_id = freeagentics.current_tenant()
                AND (owner_id IS NULL OR EXISTS (SELECT 1 FROM freeagentics.agents a WHERE a.id = knowledge_graphs.owner_id)));
CREATE POLICY tenant_isolation ON freeagentics.coalition_members
    USING (tenant_id = freeagentics.current_tenant())
    WITH CHECK (tenant_id = freeagentics.current_tenant()
                AND EXISTS (SELECT 1 FROM freeagentics.coalitions c WHERE c.id = coalition_members.coalition_id)
                AND EXISTS (SELECT 1 FROM freeagentics.agents a WHERE a.id = coalition_members.agent_id));
CREATE POLICY tenant_isolation ON freeagentics.system_logs
    USING (tenant_id = freeagentics.current_tenant())
    WITH CHECK (tenant_id = freeagentics.current_tenant()
                AND (agent_id IS NULL OR EXISTS (SELECT 1 FROM freeagentics.agents a WHERE a.id = system_logs.agent_id))
                AND (conversation_id IS NULL OR EXISTS (SELECT 1 FROM freeagentics.conversations c WHERE c.id = system_logs.conversation_id))
                AND (coalition_id IS NULL OR EXISTS (SELECT 1 FROM freeagentics.coalitions c WHERE c.id = system_logs.coalition_id)));

-- migrate:down
DROP POLICY tenant_isolation ON freeagentics.system_logs;
DROP POLICY tenant_isolation ON freeagentics.coalition_members;
DROP POLICY tenant_isolation ON freeagentics.knowledge_graphs;
DROP POLICY tenant_isolation ON freeagentics.messages;
DROP POLICY tenant_isolation ON freeagentics.conversation_participants;
DROP POLICY tenant_isolation ON freeagentics.coalitions;
DROP POLICY tenant_isolation ON freeagentics.conversations;
DROP POLICY tenant_isolation ON freeagentics.agents;

ALTER TABLE freeagentics.system_logs DISABLE ROW LEVEL SECURITY;
ALTER TABLE freeagentics.coalition_members DISABLE ROW LEVEL SECURITY;
ALTER TABLE freeagentics.coalitions DISABLE ROW LEVEL SECURITY;
ALTER TABLE freeagentics.knowledge_graphs DISABLE ROW LEVEL SECURITY;
ALTER TABLE freeagentics.messages DISABLE ROW LEVEL SECURITY;
ALTER TABLE freeagentics.conversation_participants DISABLE ROW LEVEL SECURITY;
ALTER TABLE freeagentics.conversations DISABLE ROW LEVEL SECURITY;
ALTER TABLE freeagentics.agents DISABLE ROW LEVEL SECURITY;

DROP INDEX freeagentics.ix_system_logs_tenant_id;
DROP INDEX freeagentics.ix_coalition_members_tenant_id;
DROP INDEX freeagentics.ix_coalitions_tenant_id;
DROP INDEX freeagentics.ix_knowledge_graphs_tenant_id;
DROP INDEX freeagentics.ix_messages_tenant_id;
DROP INDEX freeagentics.ix_conversation_participants_tenant_id;
DROP INDEX freeagentics.ix_conversations_tenant_id;
DROP INDEX freeagentics.ix_agents_tenant_id;

ALTER TABLE freeagentics.system_logs DROP COLUMN tenant_id;
ALTER TABLE freeagentics.coalition_members DROP COLUMN tenant_id;
ALTER TABLE freeagentics.coalitions DROP COLUMN tenant_id;
ALTER TABLE freeagentics.knowledge_graphs DROP COLUMN tenant_id;
ALTER TABLE freeagentics.messages DROP COLUMN tenant_id;
ALTER TABLE freeagentics.conversation_participants DROP COLUMN tenant_id;
ALTER TABLE freeagentics.conversations DROP COLUMN tenant_id;
ALTER TABLE freeagentics.agents DROP COLUMN tenant_id;

DROP FUNCTION freeagentics.current_tenant();
