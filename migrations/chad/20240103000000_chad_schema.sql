-- Chad-Core: runs, their steps, artifacts, LLM calls and embeddings. Every child row
-- goes with its run (ON DELETE CASCADE). Status is free text with no database constraint,
-- as the document decides ("Text is flexible but no DB-level constraint").
-- Embeddings: with the pgvector extension available, vector(1536) with an HNSW cosine
-- index; without it (or with chad.embeddings = 'portable', below), a portable real[] of
-- 1536 values with an exact scan and pgvector's errors for a malformed query. The function
-- chad.search_embeddings(query real[], result_limit) has one signature in both modes,
-- and `agentpg check` says which mode is in use. The down section leaves the vector
-- extension installed (other schemas may use it).

-- migrate:up
CREATE SCHEMA chad;

CREATE TABLE chad.runs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  actor text NOT NULL,
  request_payload jsonb NOT NULL DEFAULT '{}'::jsonb,
  status text NOT NULL DEFAULT 'pending',
  autonomy_level text,
  trace_id text,
  idempotency_key text,
  created_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  error_message text,
  CONSTRAINT runs_trace_id_key UNIQUE (trace_id),
  CONSTRAINT runs_idempotency_key_key UNIQUE (idempotency_key)
);
CREATE INDEX ix_runs_actor ON chad.runs (actor);
CREATE INDEX ix_runs_status ON chad.runs (status);
CREATE INDEX ix_runs_created_at ON chad.runs (created_at);

CREATE TABLE chad.steps (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  run_id uuid NOT NULL REFERENCES chad.runs (id) ON DELETE CASCADE,
  step_number integer NOT NULL CHECK (step_number >= 1),
  node_name text NOT NULL,
  input_data jsonb,
  output_data jsonb,
  llm_call_id text,
  started_at timestamptz,
  completed_at timestamptz,
  status text NOT NULL DEFAULT 'pending',
  error_message text,
  CONSTRAINT steps_run_id_step_number_key UNIQUE (run_id, step_number)
);
CREATE INDEX ix_steps_run_id ON chad.steps (run_id);
CREATE INDEX ix_steps_status ON chad.steps (status);

CREATE TABLE chad.artifacts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  run_id uuid NOT NULL REFERENCES chad.runs (id) ON DELETE CASCADE,
  artifact_type text NOT NULL,
  url text NOT NULL,
  metadata_json jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_artifacts_run_id ON chad.artifacts (run_id);
CREATE INDEX ix_artifacts_artifact_type ON chad.artifacts (artifact_type);

-- cost_usd is text, as the document decides, to avoid float rounding.
CREATE TABLE chad.llm_calls (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  run_id uuid NOT NULL REFERENCES chad.runs (id) ON DELETE CASCADE,
  step_id uuid REFERENCES chad.steps (id) ON DELETE CASCADE,
  model text NOT NULL,
  provider text NOT NULL,
  prompt_tokens integer NOT NULL DEFAULT 0 CHECK (prompt_tokens >= 0),
  completion_tokens integer NOT NULL DEFAULT 0 CHECK (completion_tokens >= 0),
  total_tokens integer NOT NULL DEFAULT 0 CHECK (total_tokens >= 0),
  cost_usd text,
  latency_ms integer CHECK (latency_ms >= 0),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_llm_calls_run_id ON chad.llm_calls (run_id);
CREATE INDEX ix_llm_calls_step_id ON chad.llm_calls (step_id);

-- The document's get_run_stats: steps, LLM calls, tokens, and the run's duration
-- (to now while it has not completed).
CREATE FUNCTION chad.run_stats(p_run_id uuid)
RETURNS TABLE (run_id uuid, step_count bigint, llm_calls bigint, total_tokens bigint, duration_seconds double precision)
LANGUAGE sql STABLE AS $$
  SELECT r.id,
         (SELECT count(*) FROM chad.steps s WHERE s.run_id = r.id),
         (SELECT count(*) FROM chad.llm_calls c WHERE c.run_id = r.id),
         (SELECT coalesce(sum(c.total_tokens), 0)::bigint FROM chad.llm_calls c WHERE c.run_id = r.id),
         extract(epoch FROM coalesce(r.completed_at, now()) - r.created_at)::double precision
    FROM chad.runs r
   WHERE r.id = p_run_id
$$;

-- Cosine similarity of two equally long arrays (NULL when either is all zeros).
CREATE FUNCTION chad.cosine_similarity(a real[], b real[]) RETURNS double precision
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN n.norm_a = 0 OR n.norm_b = 0 THEN NULL ELSE n.dot / (n.norm_a * n.norm_b) END
    FROM (SELECT sum(x::float8 * y) AS dot, sqrt(sum(x::float8 * x)) AS norm_a, sqrt(sum(y::float8 * y)) AS norm_b
            FROM unnest(a, b) AS t(x, y)) AS n
$$;

-- The query vector of the portable mode, checked as pgvector checks its own: one dimension,
-- no NULLs, as many values as the embeddings have. IMMUTABLE, so that a constant query is
-- checked once, when the search is planned.
CREATE FUNCTION chad.embedding_query(vec real[]) RETURNS real[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
  IF array_ndims(vec) IS NULL THEN
    RAISE EXCEPTION 'vector must have at least 1 dimension' USING ERRCODE = 'data_exception';
  ELSIF array_ndims(vec) <> 1 THEN
    RAISE EXCEPTION 'array must be 1-D' USING ERRCODE = 'data_exception';
  ELSIF array_position(vec, NULL) IS NOT NULL THEN
    RAISE EXCEPTION 'array must not contain nulls' USING ERRCODE = 'null_value_not_allowed';
  ELSIF cardinality(vec) <> 1536 THEN
    RAISE EXCEPTION 'different vector dimensions 1536 and %', cardinality(vec)
      USING ERRCODE = 'data_exception';
  END IF;
  RETURN vec;
END;
$$;

-- The mode: pgvector when the server has it, else portable; the setting chad.embeddings
-- (`ALTER DATABASE ... SET chad.embeddings = 'portable'` before migrating, or PGOPTIONS)
-- chooses one: 'pgvector' fails here when the extension is missing, 'portable' never uses it.
DO $chad$
DECLARE
  wanted text := coalesce(nullif(current_setting('chad.embeddings', true), ''), 'auto');
  vector_schema text;
BEGIN
  IF wanted NOT IN ('auto', 'pgvector', 'portable') THEN
    RAISE EXCEPTION 'chad.embeddings is ''%'': it must be auto, pgvector or portable', wanted
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF wanted = 'pgvector'
     OR (wanted = 'auto' AND EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector')) THEN
    CREATE EXTENSION IF NOT EXISTS vector;
    SELECT n.nspname INTO vector_schema
      FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace
     WHERE x.extname = 'vector';
    EXECUTE format($ddl$
      CREATE TABLE chad.embeddings (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        content text NOT NULL,
        embedding %I.vector(1536) NOT NULL,
        metadata_json jsonb,
        source_type text,
        source_id uuid,
        created_at timestamptz NOT NULL DEFAULT now()
      )$ddl$, vector_schema);
    EXECUTE format('CREATE INDEX ix_embeddings_embedding_hnsw ON chad.embeddings
                      USING hnsw (embedding %I.vector_cosine_ops) WITH (m = 16, ef_construction = 64)',
                   vector_schema);
    -- The extension's type and operator are written with their schema, so the search works
    -- whatever the caller's search_path; no SET clause, so the planner inlines the function
    -- into the caller's query and the HNSW index serves its ORDER BY ... LIMIT.
    EXECUTE format($fn$
      CREATE FUNCTION chad.search_embeddings(query real[], result_limit integer DEFAULT 5)
      RETURNS TABLE (id uuid, content text, metadata jsonb, similarity double precision)
      LANGUAGE sql STABLE AS $body$
        SELECT e.id, e.content, e.metadata_json,
               1 - (e.embedding OPERATOR(%1$I.<=>) query::%1$I.vector)
          FROM chad.embeddings e
         ORDER BY e.embedding OPERATOR(%1$I.<=>) query::%1$I.vector
         LIMIT result_limit
      $body$$fn$, vector_schema);
  ELSE
    CREATE TABLE chad.embeddings (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      content text NOT NULL,
      embedding real[] NOT NULL CHECK (array_ndims(embedding) = 1 AND array_length(embedding, 1) = 1536),
      metadata_json jsonb,
      source_type text,
      source_id uuid,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE FUNCTION chad.search_embeddings(query real[], result_limit integer DEFAULT 5)
    RETURNS TABLE (id uuid, content text, metadata jsonb, similarity double precision)
    LANGUAGE sql STABLE AS $body$
      SELECT e.id, e.content, e.metadata_json, chad.cosine_similarity(e.embedding, q.query) AS similarity
        FROM chad.embeddings e, (SELECT chad.embedding_query(query) AS query) q
       ORDER BY similarity DESC NULLS LAST
       LIMIT result_limit
    $body$;
  END IF;
END
$chad$;
-- agentpg-lint: disable=require-concurrent-index-creation,require-timeout-settings (the DO block above creates chad.embeddings)
CREATE INDEX ix_embeddings_source_type ON chad.embeddings (source_type);
-- agentpg-lint: disable=require-concurrent-index-creation (the DO block above creates chad.embeddings)
CREATE INDEX ix_embeddings_source_id ON chad.embeddings (source_id);

-- migrate:down
-- What the up created, and nothing else: an object of the user's that depends on one of
-- these (a view, a foreign key) stops the rollback with the server naming it.
-- agentpg-lint: disable=down-drops-unknown (the up's DO block creates it)
DROP FUNCTION chad.search_embeddings(real[], integer);
DROP FUNCTION chad.embedding_query(real[]);
DROP FUNCTION chad.cosine_similarity(real[], real[]);
DROP FUNCTION chad.run_stats(uuid);
-- agentpg-lint: disable=down-drops-unknown (the up's DO block creates it)
DROP TABLE chad.embeddings;
DROP TABLE chad.llm_calls;
DROP TABLE chad.artifacts;
DROP TABLE chad.steps;
DROP TABLE chad.runs;
DROP SCHEMA chad;
-- The vector extension stays: the up creates it only when missing, and other schemas may
-- use it (dropping it would take their columns with it).
-- verify: keeps EXTENSION vector
