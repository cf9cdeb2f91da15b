-- Agent Agency V3, task management: the document's SQL, in schema agency, with updated_at
-- kept by a trigger. The document's DDL has no CHECK constraints and states no value set
-- (status, execution_mode, risk_tier are free), so there are none here either.

-- agentpg-lint: disable-file=prefer-text-field (the document's DDL types, as written)
-- migrate:up
CREATE SCHEMA agency;

CREATE TABLE agency.tasks (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    task_id VARCHAR(255) NOT NULL UNIQUE,
    description TEXT NOT NULL,
    status VARCHAR(50) NOT NULL DEFAULT 'pending',
    execution_mode VARCHAR(20) DEFAULT 'auto',
    risk_tier INTEGER DEFAULT 2,
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW(),
    started_at TIMESTAMPTZ,
    completed_at TIMESTAMPTZ,
    error_message TEXT,
    metadata JSONB DEFAULT '{}'::jsonb
);
CREATE TRIGGER tasks_updated_at BEFORE UPDATE ON agency.tasks FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TABLE agency.task_artifacts (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    task_id UUID NOT NULL REFERENCES agency.tasks(id),
    artifact_type VARCHAR(50) NOT NULL,
    content JSONB NOT NULL,
    created_at TIMESTAMPTZ DEFAULT NOW()
);

CREATE TABLE agency.task_progress (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    task_id UUID NOT NULL REFERENCES agency.tasks(id),
    phase VARCHAR(100) NOT NULL,
    progress_percentage DECIMAL(5,2),
    message TEXT,
    metadata JSONB DEFAULT '{}'::jsonb,
    created_at TIMESTAMPTZ DEFAULT NOW()
);

-- migrate:down
DROP TABLE agency.task_progress;
DROP TABLE agency.task_artifacts;
DROP TABLE agency.tasks;
DROP SCHEMA agency;
