-- requires: chad
-- fills: chad.embeddings
-- Embeddings of the runs' requests: 1536 deterministic values each (a few sine waves),
-- so similar texts get similar vectors and search_embeddings has something to rank.
INSERT INTO chad.embeddings (id, content, embedding, metadata_json, source_type, source_id)
SELECT e.id::uuid, e.content,
       (SELECT array_agg((sin(i * e.f1) + 0.5 * cos(i * e.f2))::real ORDER BY i) FROM generate_series(1, 1536) i),
       jsonb_build_object('category', e.category), 'run', e.source::uuid
  FROM (VALUES
    ('cf708192-0007-4000-8000-000000000001', 'User requested data analysis on sales Q4', 0.010, 0.020, 'request', '8b3c4d5e-0003-4000-8000-000000000001'),
    ('cf708192-0007-4000-8000-000000000002', 'Draft a churn report for the board', 0.011, 0.021, 'request', '8b3c4d5e-0003-4000-8000-000000000002'),
    ('cf708192-0007-4000-8000-000000000003', 'Rotate stale API keys', 0.050, 0.003, 'request', '8b3c4d5e-0003-4000-8000-000000000003')
  ) AS e(id, content, f1, f2, category, source)
ON CONFLICT (id) DO NOTHING;
