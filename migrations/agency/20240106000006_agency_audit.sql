-- Agent Agency V3, audit: the audit_log the document's trigger writes to (its columns
-- designed here), and the triggers on tasks and waivers. The trigger function runs as
-- its owner so that row level security on audit_log never blocks the audit itself, and
-- nobody needs the right to write audit rows. It records the acting role, as the
-- document's current_user does: inside a SECURITY DEFINER function current_user is the
-- owner, so the role is read from the session: the role set with SET ROLE (the "role"
-- setting, which a SECURITY DEFINER call does not change), else the login role.

-- migrate:up
CREATE TABLE agency.audit_log (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    table_name TEXT NOT NULL,
    operation TEXT NOT NULL CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE')),
    old_values JSONB,
    new_values JSONB,
    user_id TEXT NOT NULL DEFAULT current_user,
    timestamp TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_audit_log_table_name_created_at ON agency.audit_log(table_name, created_at);
CREATE INDEX idx_audit_log_created_at ON agency.audit_log(created_at);

CREATE FUNCTION agency.audit_trigger_function() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, agency AS $$
BEGIN
    INSERT INTO agency.audit_log (table_name, operation, old_values, new_values, user_id, timestamp)
    VALUES (TG_TABLE_NAME, TG_OP,
            CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END,
            CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END,
            CASE WHEN pg_catalog.current_setting('role') = 'none' THEN session_user::text
                 ELSE pg_catalog.current_setting('role') END,
            NOW());
    RETURN COALESCE(NEW, OLD);
END;
$$;

-- agentpg-lint: disable=require-timeout-settings (installed with agency.tasks, before it holds rows)
CREATE TRIGGER tasks_audit_trigger
    AFTER INSERT OR UPDATE OR DELETE ON agency.tasks
    FOR EACH ROW EXECUTE FUNCTION agency.audit_trigger_function();

CREATE TRIGGER waivers_audit_trigger
    AFTER INSERT OR UPDATE OR DELETE ON agency.waivers
    FOR EACH ROW EXECUTE FUNCTION agency.audit_trigger_function();

-- migrate:down
DROP TRIGGER waivers_audit_trigger ON agency.waivers;
DROP TRIGGER tasks_audit_trigger ON agency.tasks;
DROP FUNCTION agency.audit_trigger_function();
DROP TABLE agency.audit_log;
