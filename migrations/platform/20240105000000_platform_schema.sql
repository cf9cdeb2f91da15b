-- AI-First Software Engineering Platform: users, projects, agents, tasks, evidence,
-- agent executions, the immutable audit log, task comments and attachments, and the
-- activity feed, with the document's key fields and indexes (GIN on JSONB tags and
-- labels). Columns the document leaves open are designed here (titles, descriptions,
-- sizes, timestamps). audit_logs is append-only: an is_immutable CHECK and a trigger
-- that rejects UPDATE and DELETE. A CHECK on a value set only where the document states
-- the set (role; task type, status and priority; execution status); project status and
-- evidence source_type ("code analysis, test result, AI output, etc.") are open text.
-- Every foreign key is indexed, also those the document's index lists leave out.

-- migrate:up
CREATE SCHEMA platform;

CREATE TABLE platform.users (
  user_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  username text NOT NULL,
  email text NOT NULL,
  full_name text,
  role text NOT NULL DEFAULT 'user' CHECK (role IN ('admin', 'manager', 'user', 'service')),
  github_id bigint,
  github_username text,
  avatar_url text,
  is_active boolean NOT NULL DEFAULT true,
  last_login_at timestamptz,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  preferences jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT users_username_key UNIQUE (username),
  CONSTRAINT users_email_key UNIQUE (email)
);
CREATE INDEX ix_users_github_username ON platform.users (github_username);
CREATE INDEX ix_users_is_active ON platform.users (is_active);
CREATE INDEX ix_users_created_at ON platform.users (created_at);
CREATE TRIGGER users_updated_at BEFORE UPDATE ON platform.users FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TABLE platform.projects (
  project_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  slug text NOT NULL,
  description text,
  repository_url text,
  owner_id uuid NOT NULL REFERENCES platform.users (user_id) ON DELETE RESTRICT,
  status text NOT NULL DEFAULT 'active',
  technology_stack jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(technology_stack) = 'array'),
  pr_merge_rate numeric(5, 4) CHECK (pr_merge_rate BETWEEN 0 AND 1),
  test_coverage_percent numeric(5, 2) CHECK (test_coverage_percent BETWEEN 0 AND 100),
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT projects_slug_key UNIQUE (slug)
);
CREATE INDEX ix_projects_owner_id ON platform.projects (owner_id);
CREATE INDEX ix_projects_repository_url ON platform.projects (repository_url);
CREATE INDEX ix_projects_status ON platform.projects (status);
CREATE TRIGGER projects_updated_at BEFORE UPDATE ON platform.projects FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TABLE platform.agents (
  agent_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  agent_type text NOT NULL,
  description text,
  model_provider text NOT NULL,
  model_name text NOT NULL,
  capabilities jsonb NOT NULL DEFAULT '{}'::jsonb,
  configuration jsonb NOT NULL DEFAULT '{}'::jsonb,
  success_rate numeric(5, 4) CHECK (success_rate BETWEEN 0 AND 1),
  avg_execution_time_ms integer CHECK (avg_execution_time_ms >= 0),
  total_executions integer NOT NULL DEFAULT 0 CHECK (total_executions >= 0),
  is_active boolean NOT NULL DEFAULT true,
  is_experimental boolean NOT NULL DEFAULT false,
  version text NOT NULL DEFAULT '1.0.0',
  tags jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(tags) = 'array'),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT agents_name_key UNIQUE (name)
);
CREATE INDEX ix_agents_agent_type ON platform.agents (agent_type);
CREATE INDEX ix_agents_is_active ON platform.agents (is_active);
CREATE INDEX ix_agents_model_provider ON platform.agents (model_provider);
CREATE INDEX ix_agents_tags ON platform.agents USING gin (tags);
CREATE TRIGGER agents_updated_at BEFORE UPDATE ON platform.agents FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TABLE platform.tasks (
  task_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id uuid NOT NULL REFERENCES platform.projects (project_id) ON DELETE CASCADE,
  title text NOT NULL,
  description text,
  github_issue_number integer CHECK (github_issue_number > 0),
  github_pr_number integer CHECK (github_pr_number > 0),
  type text NOT NULL DEFAULT 'task'
    CHECK (type IN ('bug', 'feature', 'refactor', 'test', 'documentation', 'task', 'chore')),
  status text NOT NULL DEFAULT 'open'
    CHECK (status IN ('open', 'in_progress', 'in_review', 'blocked', 'closed', 'draft')),
  priority text NOT NULL DEFAULT 'medium' CHECK (priority IN ('critical', 'high', 'medium', 'low')),
  assigned_to_user_id uuid REFERENCES platform.users (user_id) ON DELETE SET NULL,
  assigned_to_agent_id uuid REFERENCES platform.agents (agent_id) ON DELETE SET NULL,
  created_by_user_id uuid REFERENCES platform.users (user_id) ON DELETE SET NULL,
  labels jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(labels) = 'array'),
  ai_analysis jsonb,
  ai_suggestions jsonb,
  estimated_hours numeric(6, 2) CHECK (estimated_hours >= 0),
  due_date date,
  closed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_tasks_project_id ON platform.tasks (project_id);
CREATE INDEX ix_tasks_status ON platform.tasks (status);
CREATE INDEX ix_tasks_priority ON platform.tasks (priority);
CREATE INDEX ix_tasks_type ON platform.tasks (type);
CREATE INDEX ix_tasks_assigned_to_user_id ON platform.tasks (assigned_to_user_id) WHERE assigned_to_user_id IS NOT NULL;
CREATE INDEX ix_tasks_assigned_to_agent_id ON platform.tasks (assigned_to_agent_id) WHERE assigned_to_agent_id IS NOT NULL;
CREATE INDEX ix_tasks_created_by_user_id ON platform.tasks (created_by_user_id) WHERE created_by_user_id IS NOT NULL;
CREATE INDEX ix_tasks_github_issue_number ON platform.tasks (project_id, github_issue_number) WHERE github_issue_number IS NOT NULL;
CREATE INDEX ix_tasks_github_pr_number ON platform.tasks (project_id, github_pr_number) WHERE github_pr_number IS NOT NULL;
CREATE INDEX ix_tasks_labels ON platform.tasks USING gin (labels);
CREATE TRIGGER tasks_updated_at BEFORE UPDATE ON platform.tasks FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TABLE platform.evidence (
  evidence_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  task_id uuid REFERENCES platform.tasks (task_id) ON DELETE CASCADE,
  project_id uuid NOT NULL REFERENCES platform.projects (project_id) ON DELETE CASCADE,
  source_type text NOT NULL,  -- code analysis, test result, AI output, etc.: open
  source_reference text,
  title text NOT NULL,
  content jsonb NOT NULL DEFAULT '{}'::jsonb,
  credibility_score numeric(3, 2) NOT NULL CHECK (credibility_score BETWEEN 0.0 AND 1.0),
  is_verified boolean NOT NULL DEFAULT false,
  verified_by uuid REFERENCES platform.users (user_id) ON DELETE SET NULL,
  verified_at timestamptz,
  related_evidence jsonb NOT NULL DEFAULT '[]'::jsonb,
  contradicting_evidence jsonb NOT NULL DEFAULT '[]'::jsonb,
  tags jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(tags) = 'array'),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_evidence_task_id ON platform.evidence (task_id);
CREATE INDEX ix_evidence_project_id ON platform.evidence (project_id);
CREATE INDEX ix_evidence_source_type ON platform.evidence (source_type);
CREATE INDEX ix_evidence_credibility_score ON platform.evidence (credibility_score);
CREATE INDEX ix_evidence_is_verified ON platform.evidence (is_verified);
CREATE INDEX ix_evidence_tags ON platform.evidence USING gin (tags);
CREATE INDEX ix_evidence_verified_by ON platform.evidence (verified_by);
CREATE TRIGGER evidence_updated_at BEFORE UPDATE ON platform.evidence FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TABLE platform.agent_executions (
  execution_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  agent_id uuid NOT NULL REFERENCES platform.agents (agent_id) ON DELETE RESTRICT,
  task_id uuid REFERENCES platform.tasks (task_id) ON DELETE SET NULL,
  project_id uuid REFERENCES platform.projects (project_id) ON DELETE SET NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'success', 'failure', 'timeout')),
  input jsonb NOT NULL DEFAULT '{}'::jsonb,
  result jsonb,
  error_message text,
  input_tokens integer NOT NULL DEFAULT 0 CHECK (input_tokens >= 0),
  output_tokens integer NOT NULL DEFAULT 0 CHECK (output_tokens >= 0),
  cost_usd numeric(12, 6) NOT NULL DEFAULT 0 CHECK (cost_usd >= 0),
  duration_ms integer CHECK (duration_ms >= 0),
  evidence_id uuid REFERENCES platform.evidence (evidence_id) ON DELETE SET NULL,
  started_at timestamptz,
  completed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_agent_executions_agent_id ON platform.agent_executions (agent_id);
CREATE INDEX ix_agent_executions_task_id ON platform.agent_executions (task_id);
CREATE INDEX ix_agent_executions_project_id ON platform.agent_executions (project_id);
CREATE INDEX ix_agent_executions_status ON platform.agent_executions (status);
CREATE INDEX ix_agent_executions_created_at ON platform.agent_executions (created_at);
CREATE INDEX ix_agent_executions_evidence_id ON platform.agent_executions (evidence_id);

-- Append-only: references without ON DELETE actions, since a cascading change would be
-- an UPDATE or DELETE of history.
CREATE TABLE platform.audit_logs (
  log_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid REFERENCES platform.users (user_id),
  agent_id uuid REFERENCES platform.agents (agent_id),
  event_type text NOT NULL,
  resource_type text NOT NULL,
  resource_id uuid,
  old_values jsonb,
  new_values jsonb,
  ip_address inet,
  user_agent text,
  is_immutable boolean NOT NULL DEFAULT true CHECK (is_immutable),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_audit_logs_user_id ON platform.audit_logs (user_id);
CREATE INDEX ix_audit_logs_agent_id ON platform.audit_logs (agent_id);
CREATE INDEX ix_audit_logs_event_type ON platform.audit_logs (event_type);
CREATE INDEX ix_audit_logs_resource_type ON platform.audit_logs (resource_type);
CREATE INDEX ix_audit_logs_resource_id ON platform.audit_logs (resource_id);
CREATE INDEX ix_audit_logs_created_at ON platform.audit_logs (created_at);
CREATE TRIGGER audit_logs_immutable BEFORE UPDATE OR DELETE ON platform.audit_logs
  FOR EACH ROW EXECUTE FUNCTION core.reject_mutation();
CREATE TRIGGER audit_logs_no_truncate BEFORE TRUNCATE ON platform.audit_logs
  FOR EACH STATEMENT EXECUTE FUNCTION core.reject_mutation();

CREATE TABLE platform.task_comments (
  comment_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  task_id uuid NOT NULL REFERENCES platform.tasks (task_id) ON DELETE CASCADE,
  author_id uuid REFERENCES platform.users (user_id) ON DELETE SET NULL,
  agent_id uuid REFERENCES platform.agents (agent_id) ON DELETE SET NULL,
  body text NOT NULL,
  github_comment_id bigint,
  is_ai_generated boolean NOT NULL DEFAULT false,
  ai_metadata jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_task_comments_task_id ON platform.task_comments (task_id);
CREATE INDEX ix_task_comments_author_id ON platform.task_comments (author_id);
CREATE INDEX ix_task_comments_created_at ON platform.task_comments (created_at);
CREATE INDEX ix_task_comments_agent_id ON platform.task_comments (agent_id);
CREATE TRIGGER task_comments_updated_at BEFORE UPDATE ON platform.task_comments
  FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TABLE platform.task_attachments (
  attachment_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  task_id uuid NOT NULL REFERENCES platform.tasks (task_id) ON DELETE CASCADE,
  file_name text NOT NULL,
  content_type text,
  size_bytes bigint CHECK (size_bytes >= 0),
  storage_path text NOT NULL,
  uploaded_by uuid REFERENCES platform.users (user_id) ON DELETE SET NULL,
  is_evidence boolean NOT NULL DEFAULT false,
  evidence_id uuid REFERENCES platform.evidence (evidence_id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_task_attachments_task_id ON platform.task_attachments (task_id);
CREATE INDEX ix_task_attachments_is_evidence ON platform.task_attachments (is_evidence) WHERE is_evidence;
CREATE INDEX ix_task_attachments_uploaded_by ON platform.task_attachments (uploaded_by);
CREATE INDEX ix_task_attachments_evidence_id ON platform.task_attachments (evidence_id);

CREATE TABLE platform.activity_feed (
  activity_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id uuid REFERENCES platform.projects (project_id) ON DELETE CASCADE,
  task_id uuid REFERENCES platform.tasks (task_id) ON DELETE CASCADE,
  user_id uuid REFERENCES platform.users (user_id) ON DELETE SET NULL,
  agent_id uuid REFERENCES platform.agents (agent_id) ON DELETE SET NULL,
  activity_type text NOT NULL,
  summary text NOT NULL,
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  is_public boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_activity_feed_project_id ON platform.activity_feed (project_id);
CREATE INDEX ix_activity_feed_task_id ON platform.activity_feed (task_id);
CREATE INDEX ix_activity_feed_user_id ON platform.activity_feed (user_id);
CREATE INDEX ix_activity_feed_created_at ON platform.activity_feed (created_at);
CREATE INDEX ix_activity_feed_is_public ON platform.activity_feed (is_public);
CREATE INDEX ix_activity_feed_agent_id ON platform.activity_feed (agent_id);

-- migrate:down
-- What the up created, and nothing else: an object of the user's that depends on one of
-- these (a view, a foreign key) stops the rollback with the server naming it.
DROP TABLE platform.activity_feed;
DROP TABLE platform.task_attachments;
DROP TABLE platform.task_comments;
DROP TABLE platform.audit_logs;
DROP TABLE platform.agent_executions;
DROP TABLE platform.evidence;
DROP TABLE platform.tasks;
DROP TABLE platform.agents;
DROP TABLE platform.projects;
DROP TABLE platform.users;
DROP SCHEMA platform;
