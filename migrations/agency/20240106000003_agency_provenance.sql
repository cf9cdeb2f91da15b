-- Agent Agency V3, provenance: signed provenance records and the git commits they link to.

-- agentpg-lint: disable-file=prefer-text-field (the document's DDL types, as written)
-- migrate:up
CREATE TABLE agency.provenance_records (
    verdict_id UUID PRIMARY KEY,
    task_id UUID NOT NULL,
    decision_type VARCHAR(50) NOT NULL,
    decision_data JSONB NOT NULL,
    consensus_score DECIMAL(3,2) NOT NULL,
    judge_verdicts JSONB NOT NULL DEFAULT '{}',
    caws_compliance JSONB NOT NULL,
    claim_verification JSONB,
    git_commit_hash VARCHAR(40),
    git_trailer TEXT NOT NULL,
    signature TEXT NOT NULL,
    timestamp TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    metadata JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ DEFAULT NOW()
);

CREATE TABLE agency.git_commits (
    hash VARCHAR(40) PRIMARY KEY,
    author VARCHAR(255),
    message TEXT,
    timestamp TIMESTAMPTZ,
    provenance_record_id UUID REFERENCES agency.provenance_records(verdict_id),
    created_at TIMESTAMPTZ DEFAULT NOW()
);

-- migrate:down
DROP TABLE agency.git_commits;
DROP TABLE agency.provenance_records;
