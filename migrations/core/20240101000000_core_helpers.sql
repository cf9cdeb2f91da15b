-- Shared helpers for every bundled schema. gen_random_uuid() is built into
-- PostgreSQL 13+, so no extension is needed for UUID keys.

-- migrate:up
CREATE SCHEMA core;
COMMENT ON SCHEMA core IS 'agentpg: helpers shared by the bundled schemas';

-- Keeps updated_at current on every UPDATE (used by each table that has the column).
CREATE FUNCTION core.set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;

-- Rejects UPDATE, DELETE and TRUNCATE on append-only tables (caracal.ledger_events,
-- platform.audit_logs): a row trigger for the first two, a statement trigger for TRUNCATE.
CREATE FUNCTION core.reject_mutation() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% on %.% is not allowed: its rows are immutable', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
    USING ERRCODE = 'restrict_violation',
          HINT = 'append a correcting row instead of changing history';
END;
$$;

-- migrate:down
DROP FUNCTION core.reject_mutation();
DROP FUNCTION core.set_updated_at();
DROP SCHEMA core;
