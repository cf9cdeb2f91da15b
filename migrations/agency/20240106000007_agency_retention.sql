-- Agent Agency V3, data retention: the document's three cleanup functions, with their
-- windows as parameters (defaults as documented: tasks 90 days, metrics 30 days, audit
-- log 1 year) and returning what they did, so `agentpg maintain` can report it.
-- Scheduled through pg_cron only when that extension is installed; never required.

-- migrate:up
CREATE FUNCTION agency.cleanup_old_tasks(retention INTERVAL DEFAULT INTERVAL '90 days')
RETURNS TABLE (artifacts_deleted BIGINT, progress_deleted BIGINT, tasks_archived BIGINT)
LANGUAGE plpgsql AS $$
DECLARE
    cutoff TIMESTAMPTZ := NOW() - retention;
BEGIN
    DELETE FROM agency.task_artifacts WHERE created_at < cutoff;
    GET DIAGNOSTICS artifacts_deleted = ROW_COUNT;
    DELETE FROM agency.task_progress WHERE created_at < cutoff;
    GET DIAGNOSTICS progress_deleted = ROW_COUNT;
    UPDATE agency.tasks SET status = 'archived' WHERE completed_at < cutoff AND status <> 'archived';
    GET DIAGNOSTICS tasks_archived = ROW_COUNT;
    RETURN NEXT;
END;
$$;

CREATE FUNCTION agency.cleanup_old_metrics(retention INTERVAL DEFAULT INTERVAL '30 days')
RETURNS TABLE (metrics_deleted BIGINT, slo_measurements_deleted BIGINT)
LANGUAGE plpgsql AS $$
DECLARE
    cutoff TIMESTAMPTZ := NOW() - retention;
BEGIN
    DELETE FROM agency.system_metrics WHERE collected_at < cutoff;
    GET DIAGNOSTICS metrics_deleted = ROW_COUNT;
    DELETE FROM agency.slo_measurements WHERE measured_at < cutoff;
    GET DIAGNOSTICS slo_measurements_deleted = ROW_COUNT;
    RETURN NEXT;
END;
$$;

CREATE FUNCTION agency.cleanup_old_audit_logs(retention INTERVAL DEFAULT INTERVAL '1 year')
RETURNS BIGINT
LANGUAGE plpgsql AS $$
DECLARE
    deleted BIGINT;
BEGIN
    DELETE FROM agency.audit_log WHERE created_at < NOW() - retention;
    GET DIAGNOSTICS deleted = ROW_COUNT;
    RETURN deleted;
END;
$$;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_cron') THEN
        PERFORM cron.schedule('agency-cleanup-old-tasks', '0 2 * * *', 'SELECT agency.cleanup_old_tasks()');
        PERFORM cron.schedule('agency-cleanup-old-metrics', '0 3 * * *', 'SELECT agency.cleanup_old_metrics()');
        PERFORM cron.schedule('agency-cleanup-audit-logs', '0 4 1 * *', 'SELECT agency.cleanup_old_audit_logs()');
    END IF;
END
$$;

-- migrate:down
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_cron') THEN
        PERFORM cron.unschedule(jobname) FROM cron.job
         WHERE jobname IN ('agency-cleanup-old-tasks', 'agency-cleanup-old-metrics', 'agency-cleanup-audit-logs');
    END IF;
END
$$;
DROP FUNCTION agency.cleanup_old_audit_logs(INTERVAL);
DROP FUNCTION agency.cleanup_old_metrics(INTERVAL);
DROP FUNCTION agency.cleanup_old_tasks(INTERVAL);
