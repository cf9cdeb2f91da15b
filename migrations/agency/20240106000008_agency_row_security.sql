-- Agent Agency V3, row level security on provenance_records, waivers and audit_log.
-- The document's current_user_has_access() is defined here: members of the role
-- agency_auditor have access (create that role and GRANT it to the people who audit;
-- without it nobody but the tables' owner sees those rows). Owners bypass RLS as usual.
-- Auditors may also delete audit rows (retention: agency.cleanup_old_audit_logs(), run by
-- a role that has DELETE on the table); writing them is the audit trigger's alone.

-- migrate:up
CREATE FUNCTION agency.current_user_has_access() RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r
                    WHERE r.rolname = 'agency_auditor' AND pg_catalog.pg_has_role(current_user, r.oid, 'MEMBER'))
$$;

-- agentpg-lint: disable=require-timeout-settings (installed with these tables, before they hold rows)
ALTER TABLE agency.provenance_records ENABLE ROW LEVEL SECURITY;
ALTER TABLE agency.waivers ENABLE ROW LEVEL SECURITY;
ALTER TABLE agency.audit_log ENABLE ROW LEVEL SECURITY;

CREATE POLICY provenance_access ON agency.provenance_records
    FOR ALL USING (agency.current_user_has_access()) WITH CHECK (agency.current_user_has_access());

CREATE POLICY waiver_access ON agency.waivers
    FOR ALL USING (approved_by = current_user OR status = 'active' OR agency.current_user_has_access());

CREATE POLICY audit_log_access ON agency.audit_log
    FOR SELECT USING (agency.current_user_has_access());

CREATE POLICY audit_log_retention ON agency.audit_log
    FOR DELETE USING (agency.current_user_has_access());

-- migrate:down
DROP POLICY audit_log_retention ON agency.audit_log;
DROP POLICY audit_log_access ON agency.audit_log;
DROP POLICY waiver_access ON agency.waivers;
DROP POLICY provenance_access ON agency.provenance_records;
ALTER TABLE agency.audit_log DISABLE ROW LEVEL SECURITY;
ALTER TABLE agency.waivers DISABLE ROW LEVEL SECURITY;
ALTER TABLE agency.provenance_records DISABLE ROW LEVEL SECURITY;
DROP FUNCTION agency.current_user_has_access();
