-- Agent Agency V3, governance: council verdicts, quality-gate waivers, CAWS violations.

-- agentpg-lint: disable-file=prefer-text-field (the document's DDL types, as written)
-- migrate:up
CREATE TABLE agency.council_verdicts (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    task_id UUID NOT NULL REFERENCES agency.tasks(id),
    judge_type VARCHAR(50) NOT NULL,
    verdict VARCHAR(20) NOT NULL,
    confidence_score DECIMAL(3,2),
    reasoning TEXT,
    evidence JSONB DEFAULT '{}'::jsonb,
    created_at TIMESTAMPTZ DEFAULT NOW()
);

CREATE TABLE agency.waivers (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    title VARCHAR(255) NOT NULL,
    reason VARCHAR(100) NOT NULL,
    description TEXT NOT NULL,
    gates TEXT[] NOT NULL,
    approved_by VARCHAR(255) NOT NULL,
    impact_level VARCHAR(20) NOT NULL DEFAULT 'medium',
    mitigation_plan TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    status VARCHAR(20) NOT NULL DEFAULT 'active',
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW()
);
CREATE TRIGGER waivers_updated_at BEFORE UPDATE ON agency.waivers FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TABLE agency.caws_violations (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    task_id UUID NOT NULL REFERENCES agency.tasks(id),
    rule VARCHAR(100) NOT NULL,
    severity VARCHAR(20) NOT NULL,
    description TEXT,
    violation_data JSONB DEFAULT '{}'::jsonb,
    resolved BOOLEAN DEFAULT FALSE,
    created_at TIMESTAMPTZ DEFAULT NOW()
);

-- migrate:down
DROP TABLE agency.caws_violations;
DROP TABLE agency.waivers;
DROP TABLE agency.council_verdicts;
