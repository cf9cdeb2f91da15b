-- Agent Agency V3, multi-tenant support (the document's 012_add_multi_tenant_support): the
-- task, governance and provenance tables get a tenant_id and a row level security policy
-- keyed on the session's tenant (agency.current_tenant(): the setting app.tenant_id):
--   * a role other than the tables' owner sees, changes and deletes only its tenant's rows,
--     and writes rows only for its tenant; without app.tenant_id it sees and writes nothing;
--   * a row that refers to a task (artifacts, progress, verdicts, violations) or a commit to
--     its provenance record may only refer to one its tenant sees;
--   * on provenance_records and waivers, whose access rules (20240106000008) stay as they
--     are, the tenant policy is RESTRICTIVE: it narrows them, auditors included, to the
--     session's tenant;
--   * the tables' owner (migrations, seeds, maintenance, the audit trigger) is not subject
--     to the policies, as usual (not FORCE: the document does not ask for it). Connect the
--     application as a role of its own: README, "How an application connects".
-- Not tenant tables: system_metrics, slo_measurements and alerts (the system's own
-- monitoring) and audit_log (written by the trigger as its owner, read by agency_auditor;
-- each audited row's tenant_id is in its old_values/new_values).
-- tasks.task_id and git_commits.hash stay unique across tenants, as the document declares
-- them: a tenant that picks a taken value learns only that it is taken.

-- agentpg-lint: disable-file=adding-field-with-default (the default calls agency.current_tenant(),
-- declared STABLE below: PostgreSQL records such a default in the catalog, no table rewrite)
-- agentpg-lint: disable-file=require-concurrent-index-creation,require-timeout-settings (each
-- index is on the column this same transaction adds, so the table stays locked by ADD COLUMN
-- until the commit anyway; on tables with many rows, apply it in a quiet window, with
-- migration_lock_timeout set so that it gives up rather than queue behind long queries)

-- migrate:up
-- The session's tenant: the setting app.tenant_id, NULL when unset or empty.
CREATE FUNCTION agency.current_tenant() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT nullif(pg_catalog.current_setting('app.tenant_id', true), '')
$$;

ALTER TABLE agency.tasks ADD COLUMN tenant_id text NOT NULL DEFAULT coalesce(agency.current_tenant(), 'default');
ALTER TABLE agency.task_artifacts ADD COLUMN tenant_id text NOT NULL DEFAULT coalesce(agency.current_tenant(), 'default');
ALTER TABLE agency.task_progress ADD COLUMN tenant_id text NOT NULL DEFAULT coalesce(agency.current_tenant(), 'default');
ALTER TABLE agency.council_verdicts ADD COLUMN tenant_id text NOT NULL DEFAULT coalesce(agency.current_tenant(), 'default');
ALTER TABLE agency.waivers ADD COLUMN tenant_id text NOT NULL DEFAULT coalesce(agency.current_tenant(), 'default');
ALTER TABLE agency.caws_violations ADD COLUMN tenant_id text NOT NULL DEFAULT coalesce(agency.current_tenant(), 'default');
ALTER TABLE agency.provenance_records ADD COLUMN tenant_id text NOT NULL DEFAULT coalesce(agency.current_tenant(), 'default');
ALTER TABLE agency.git_commits ADD COLUMN tenant_id text NOT NULL DEFAULT coalesce(agency.current_tenant(), 'default');

CREATE INDEX idx_tasks_tenant_id ON agency.tasks (tenant_id);
CREATE INDEX idx_task_artifacts_tenant_id ON agency.task_artifacts (tenant_id);
CREATE INDEX idx_task_progress_tenant_id ON agency.task_progress (tenant_id);
CREATE INDEX idx_council_verdicts_tenant_id ON agency.council_verdicts (tenant_id);
CREATE INDEX idx_waivers_tenant_id ON agency.waivers (tenant_id);
CREATE INDEX idx_caws_violations_tenant_id ON agency.caws_violations (tenant_id);
CREATE INDEX idx_provenance_records_tenant_id ON agency.provenance_records (tenant_id);
CREATE INDEX idx_git_commits_tenant_id ON agency.git_commits (tenant_id);

ALTER TABLE agency.tasks ENABLE ROW LEVEL SECURITY;
ALTER TABLE agency.task_artifacts ENABLE ROW LEVEL SECURITY;
ALTER TABLE agency.task_progress ENABLE ROW LEVEL SECURITY;
ALTER TABLE agency.council_verdicts ENABLE ROW LEVEL SECURITY;
ALTER TABLE agency.caws_violations ENABLE ROW LEVEL SECURITY;
ALTER TABLE agency.git_commits ENABLE ROW LEVEL SECURITY;
-- waivers and provenance_records have row level security already (20240106000008).

CREATE POLICY tenant_isolation ON agency.tasks
    USING (tenant_id = agency.current_tenant())
    WITH CHECK (tenant_id = agency.current_tenant());
CREATE POLICY tenant_isolation ON agency.task_artifacts
    USING (tenant_id = agency.current_tenant())
    WITH CHECK (tenant_id = agency.current_tenant()
                AND EXISTS (SELECT 1 FROM agency.tasks t WHERE t.id = task_artifacts.task_id));
CREATE POLICY tenant_isolation ON agency.task_progress
    USING (tenant_id = agency.current_tenant())
    WITH CHECK (tenant_id = agency.current_tenant()
                AND EXISTS (SELECT 1 FROM agency.tasks t WHERE t.id = task_progress.task_id));
CREATE POLICY tenant_isolation ON agency.council_verdicts
    USING (tenant_id = agency.current_tenant())
    WITH CHECK (tenant_id = agency.current_tenant()
                AND EXISTS (SELECT 1 FROM agency.tasks t WHERE t.id = council_verdicts.task_id));
CREATE POLICY tenant_isolation ON agency.caws_violations
    USING (tenant_id = agency.current_tenant())
    WITH CHECK (tenant_id = agency.current_tenant()
                AND EXISTS (SELECT 1 FROM agency.tasks t WHERE t.id = caws_violations.task_id));
CREATE POLICY tenant_isolation ON agency.git_commits
    USING (tenant_id = agency.current_tenant())
    WITH CHECK (tenant_id = agency.current_tenant()
                AND (provenance_record_id IS NULL
                     OR EXISTS (SELECT 1 FROM agency.provenance_records p WHERE p.verdict_id = git_commits.provenance_record_id)));
CREATE POLICY tenant_isolation ON agency.waivers AS RESTRICTIVE
    USING (tenant_id = agency.current_tenant())
    WITH CHECK (tenant_id = agency.current_tenant());
CREATE POLICY tenant_isolation ON agency.provenance_records AS RESTRICTIVE
    USING (tenant_id = agency.current_tenant())
    WITH CHECK (tenant_id = agency.current_tenant());

-- migrate:down
DROP POLICY tenant_isolation ON agency.provenance_records;
DROP POLICY tenant_isolation ON agency.waivers;
DROP POLICY tenant_isolation ON agency.git_commits;
DROP POLICY tenant_isolation ON agency.caws_violations;
DROP POLICY tenant_isolation ON agency.council_verdicts;
DROP POLICY tenant_isolation ON agency.task_progress;
DROP POLICY tenant_isolation ON agency.task_artifacts;
DROP POLICY tenant_isolation ON agency.tasks;

ALTER TABLE agency.git_commits DISABLE ROW LEVEL SECURITY;
ALTER TABLE agency.caws_violations DISABLE ROW LEVEL SECURITY;
ALTER TABLE agency.council_verdicts DISABLE ROW LEVEL SECURITY;
ALTER TABLE agency.task_progress DISABLE ROW LEVEL SECURITY;
ALTER TABLE agency.task_artifacts DISABLE ROW LEVEL SECURITY;
ALTER TABLE agency.tasks DISABLE ROW LEVEL SECURITY;

DROP INDEX agency.idx_git_commits_tenant_id;
DROP INDEX agency.idx_provenance_records_tenant_id;
DROP INDEX agency.idx_caws_violations_tenant_id;
DROP INDEX agency.idx_waivers_tenant_id;
DROP INDEX agency.idx_council_verdicts_tenant_id;
DROP INDEX agency.idx_task_progress_tenant_id;
DROP INDEX agency.idx_task_artifacts_tenant_id;
DROP INDEX agency.idx_tasks_tenant_id;

ALTER TABLE agency.git_commits DROP COLUMN tenant_id;
ALTER TABLE agency.provenance_records DROP COLUMN tenant_id;
ALTER TABLE agency.caws_violations DROP COLUMN tenant_id;
ALTER TABLE agency.waivers DROP COLUMN tenant_id;
ALTER TABLE agency.council_verdicts DROP COLUMN tenant_id;
ALTER TABLE agency.task_progress DROP COLUMN tenant_id;
ALTER TABLE agency.task_artifacts DROP COLUMN tenant_id;
ALTER TABLE agency.tasks DROP COLUMN tenant_id;

DROP FUNCTION agency.current_tenant();
