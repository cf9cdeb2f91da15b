-- requires: caracal
-- fills: caracal.ledger_events
-- Caracal's ledger is append-only, so its seed appends once: events tagged with this
-- seed are written only when none are there yet.
INSERT INTO caracal.ledger_events (agent_id, "timestamp", resource_type, quantity, cost, currency, metadata)
SELECT a.agent_id, e.ts::timestamptz, e.resource, e.quantity, e.cost, 'USD',
       jsonb_build_object('seed', 'development', 'model', e.model)
  FROM (VALUES
    ('research-crawler',    '2025-01-10T09:01:00Z', 'api.openai.gpt4o-mini',      1200, 0.0018, 'gpt-4o-mini'),
    ('research-crawler',    '2025-01-10T09:12:00Z', 'api.openai.gpt4o-mini',      3400, 0.0051, 'gpt-4o-mini'),
    ('research-summarizer', '2025-01-10T10:00:00Z', 'api.anthropic.claude-sonnet', 8000, 0.0240, 'claude-3-5-sonnet'),
    ('research-summarizer', '2025-01-11T10:30:00Z', 'api.anthropic.claude-sonnet', 6100, 0.0183, 'claude-3-5-sonnet'),
    ('support-triage',      '2025-01-11T14:01:00Z', 'api.openai.gpt4o',            2500, 0.0125, 'gpt-4o'),
    ('support-triage',      '2025-01-11T14:20:00Z', 'api.openai.gpt4o',            1900, 0.0095, 'gpt-4o'),
    ('support-triage',      '2025-01-12T08:31:00Z', 'tool.web_search',                1, 0.0050, 'web-search')
  ) AS e(agent, ts, resource, quantity, cost, model)
  JOIN caracal.agent_identities a ON a.name = e.agent
 WHERE NOT EXISTS (SELECT 1 FROM caracal.ledger_events WHERE metadata->>'seed' = 'development');
