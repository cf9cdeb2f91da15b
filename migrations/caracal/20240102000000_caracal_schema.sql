-- Caracal Core v0.2: agent identities, budget policies with delegation, the immutable
-- spending ledger and provisional charges. Indexes as the document lists them (a UNIQUE
-- constraint's index is the index on that column), plus one on each foreign key it
-- leaves unindexed (delegated_from_agent_id, final_charge_event_id). time_window and
-- currency are open text, as the document leaves them.
-- Columns the document leaves open are designed here: owner and metadata on identities,
-- created/updated timestamps, released_at on charges.
-- The Alembic revision of the document's initial migration: `agentpg adopt` takes over a
-- Caracal database that Alembic built (its alembic_version holds this revision).
-- alembic: ac870772e55c

-- migrate:up
CREATE SCHEMA caracal;

CREATE TABLE caracal.agent_identities (
  agent_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  owner text NOT NULL,
  parent_agent_id uuid REFERENCES caracal.agent_identities (agent_id) ON DELETE RESTRICT,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT agent_identities_name_key UNIQUE (name),
  CONSTRAINT agent_identities_not_own_parent CHECK (parent_agent_id IS DISTINCT FROM agent_id)
);
CREATE INDEX ix_agent_identities_parent_agent_id ON caracal.agent_identities (parent_agent_id);
CREATE TRIGGER agent_identities_updated_at BEFORE UPDATE ON caracal.agent_identities
  FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

CREATE TABLE caracal.budget_policies (
  policy_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  agent_id uuid NOT NULL REFERENCES caracal.agent_identities (agent_id) ON DELETE CASCADE,
  limit_amount numeric NOT NULL CHECK (limit_amount >= 0),
  time_window text NOT NULL,
  currency text NOT NULL DEFAULT 'USD',
  delegated_from_agent_id uuid REFERENCES caracal.agent_identities (agent_id) ON DELETE SET NULL,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_budget_policies_agent_id ON caracal.budget_policies (agent_id);
CREATE INDEX ix_budget_policies_agent_id_active ON caracal.budget_policies (agent_id, active);
CREATE INDEX ix_budget_policies_delegated_from_agent_id ON caracal.budget_policies (delegated_from_agent_id);
CREATE TRIGGER budget_policies_updated_at BEFORE UPDATE ON caracal.budget_policies
  FOR EACH ROW EXECUTE FUNCTION core.set_updated_at();

-- Append-only: monotonic BIGSERIAL ids; UPDATE, DELETE and TRUNCATE raise an error
-- (`agentpg seed --reset` alone empties it, as the table's owner, saying so).
-- agentpg-lint: disable=prefer-identity (the document's BIGSERIAL event ids)
CREATE TABLE caracal.ledger_events (
  event_id bigserial PRIMARY KEY,
  agent_id uuid NOT NULL REFERENCES caracal.agent_identities (agent_id) ON DELETE RESTRICT,
  "timestamp" timestamptz NOT NULL DEFAULT now(),
  resource_type text NOT NULL,
  quantity numeric NOT NULL,
  cost numeric NOT NULL,
  currency text NOT NULL DEFAULT 'USD',
  metadata jsonb,
  provisional_charge_id uuid
);
CREATE INDEX ix_ledger_events_agent_id ON caracal.ledger_events (agent_id);
CREATE INDEX ix_ledger_events_timestamp ON caracal.ledger_events ("timestamp");
CREATE INDEX ix_ledger_events_agent_id_timestamp ON caracal.ledger_events (agent_id, "timestamp");
CREATE TRIGGER ledger_events_immutable BEFORE UPDATE OR DELETE ON caracal.ledger_events
  FOR EACH ROW EXECUTE FUNCTION core.reject_mutation();
CREATE TRIGGER ledger_events_no_truncate BEFORE TRUNCATE ON caracal.ledger_events
  FOR EACH STATEMENT EXECUTE FUNCTION core.reject_mutation();

CREATE TABLE caracal.provisional_charges (
  charge_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  agent_id uuid NOT NULL REFERENCES caracal.agent_identities (agent_id) ON DELETE CASCADE,
  amount numeric NOT NULL CHECK (amount >= 0),
  currency text NOT NULL DEFAULT 'USD',
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  released boolean NOT NULL DEFAULT false,
  released_at timestamptz,
  final_charge_event_id bigint REFERENCES caracal.ledger_events (event_id) ON DELETE RESTRICT,
  CONSTRAINT provisional_charges_expiry_after_creation CHECK (expires_at > created_at),
  -- released and released_at say the same thing: a charge is released exactly when it has a time.
  CONSTRAINT provisional_charges_released_at_iff_released CHECK (released = (released_at IS NOT NULL))
);
CREATE INDEX ix_provisional_charges_agent_id ON caracal.provisional_charges (agent_id);
CREATE INDEX ix_provisional_charges_expires_at ON caracal.provisional_charges (expires_at);
CREATE INDEX ix_provisional_charges_agent_id_released ON caracal.provisional_charges (agent_id, released);
CREATE INDEX ix_provisional_charges_expires_at_released ON caracal.provisional_charges (expires_at, released);
CREATE INDEX ix_provisional_charges_final_charge_event_id ON caracal.provisional_charges (final_charge_event_id);

-- Releases every expired, unreleased charge and returns how many it released.
CREATE FUNCTION caracal.release_expired_charges(as_of timestamptz DEFAULT now()) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  released_count integer;
BEGIN
  UPDATE caracal.provisional_charges
     SET released = true, released_at = as_of
   WHERE NOT released AND expires_at <= as_of;
  GET DIAGNOSTICS released_count = ROW_COUNT;
  RETURN released_count;
END;
$$;

-- migrate:down
-- What the up created, and nothing else: an object of the user's that depends on one of
-- these (a view, a foreign key) stops the rollback with the server naming it.
DROP FUNCTION caracal.release_expired_charges(timestamptz);
DROP TABLE caracal.provisional_charges;
DROP TABLE caracal.ledger_events;
DROP TABLE caracal.budget_policies;
DROP TABLE caracal.agent_identities;
DROP SCHEMA caracal;
