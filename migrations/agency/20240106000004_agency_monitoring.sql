-- Agent Agency V3, monitoring: metrics, SLO measurements and alerts.

-- agentpg-lint: disable-file=prefer-text-field (the document's DDL types, as written)
-- migrate:up
CREATE TABLE agency.system_metrics (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    metric_name VARCHAR(100) NOT NULL,
    metric_value DECIMAL(15,6) NOT NULL,
    labels JSONB DEFAULT '{}'::jsonb,
    collected_at TIMESTAMPTZ DEFAULT NOW()
);

CREATE TABLE agency.slo_measurements (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    slo_name VARCHAR(100) NOT NULL,
    target_value DECIMAL(10,4),
    actual_value DECIMAL(10,4),
    compliance_percentage DECIMAL(5,2),
    measurement_period INTERVAL,
    measured_at TIMESTAMPTZ DEFAULT NOW()
);

CREATE TABLE agency.alerts (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    alert_type VARCHAR(50) NOT NULL,
    severity VARCHAR(20) NOT NULL,
    title VARCHAR(255) NOT NULL,
    description TEXT,
    status VARCHAR(20) NOT NULL DEFAULT 'active',
    acknowledged_by VARCHAR(255),
    acknowledged_at TIMESTAMPTZ,
    resolved_at TIMESTAMPTZ,
    metadata JSONB DEFAULT '{}'::jsonb,
    created_at TIMESTAMPTZ DEFAULT NOW()
);

-- migrate:down
DROP TABLE agency.alerts;
DROP TABLE agency.slo_measurements;
DROP TABLE agency.system_metrics;
