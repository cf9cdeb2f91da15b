-- Agent Agency V3, "008_performance_indexes". idx_tasks_task_id of the document is left
-- out: the UNIQUE constraint on tasks.task_id already is that index, and a second copy
-- would only slow down writes. The foreign keys the document leaves unindexed get an
-- index each, in its naming style (task_artifacts, caws_violations, git_commits).

-- agentpg-lint: disable-file=require-concurrent-index-creation,require-timeout-settings (the
-- module's migrations are installed together, before its tables hold rows)
-- migrate:up
CREATE INDEX idx_tasks_status ON agency.tasks(status);
CREATE INDEX idx_tasks_created_at ON agency.tasks(created_at);
CREATE INDEX idx_task_progress_task_id ON agency.task_progress(task_id);
CREATE INDEX idx_task_progress_created_at ON agency.task_progress(created_at);
CREATE INDEX idx_council_verdicts_task_id ON agency.council_verdicts(task_id);
CREATE INDEX idx_council_verdicts_judge_type ON agency.council_verdicts(judge_type);
CREATE INDEX idx_waivers_status ON agency.waivers(status);
CREATE INDEX idx_waivers_expires_at ON agency.waivers(expires_at);
CREATE INDEX idx_waivers_approved_by ON agency.waivers(approved_by);
CREATE INDEX idx_provenance_records_task_id ON agency.provenance_records(task_id);
CREATE INDEX idx_provenance_records_git_commit_hash ON agency.provenance_records(git_commit_hash);
CREATE INDEX idx_system_metrics_name_time ON agency.system_metrics(metric_name, collected_at);
CREATE INDEX idx_slo_measurements_name_time ON agency.slo_measurements(slo_name, measured_at);
CREATE INDEX idx_alerts_status_created ON agency.alerts(status, created_at);
CREATE INDEX idx_task_artifacts_task_id ON agency.task_artifacts(task_id);
CREATE INDEX idx_caws_violations_task_id ON agency.caws_violations(task_id);
CREATE INDEX idx_git_commits_provenance_record_id ON agency.git_commits(provenance_record_id);

-- migrate:down
DROP INDEX agency.idx_git_commits_provenance_record_id;
DROP INDEX agency.idx_caws_violations_task_id;
DROP INDEX agency.idx_task_artifacts_task_id;
DROP INDEX agency.idx_alerts_status_created;
DROP INDEX agency.idx_slo_measurements_name_time;
DROP INDEX agency.idx_system_metrics_name_time;
DROP INDEX agency.idx_provenance_records_git_commit_hash;
DROP INDEX agency.idx_provenance_records_task_id;
DROP INDEX agency.idx_waivers_approved_by;
DROP INDEX agency.idx_waivers_expires_at;
DROP INDEX agency.idx_waivers_status;
DROP INDEX agency.idx_council_verdicts_judge_type;
DROP INDEX agency.idx_council_verdicts_task_id;
DROP INDEX agency.idx_task_progress_created_at;
DROP INDEX agency.idx_task_progress_task_id;
DROP INDEX agency.idx_tasks_created_at;
DROP INDEX agency.idx_tasks_status;
