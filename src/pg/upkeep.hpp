#pragma once
// The statements of `agentpg maintain`: the bundled schemas' upkeep functions, counted
// first for --dry-run, each job in one transaction (rolled back on failure), and their
// pg_cron schedule.
#include <string>
#include <vector>

namespace agentpg::pg {

class Connection;

// A job as pg_cron runs it.
struct UpkeepJob {
  const char* name;     // expired-charges, retention, analyze
  const char* schedule; // cron syntax
  const char* sql;
};
const std::vector<UpkeepJob>& upkeep_jobs();

// Caracal's provisional charges past their expiry and not released yet.
long long expired_charges(Connection& conn);
// Releases them; how many it released.
long long release_expired_charges(Connection& conn);

// Agent Agency's rows older than the retention windows (intervals).
struct RetentionWindows {
  std::string tasks;
  std::string metrics;
  std::string audit;
};
struct RetentionCounts {
  long long task_artifacts = 0;
  long long task_progress = 0;
  long long tasks_archived = 0;
  long long system_metrics = 0;
  long long slo_measurements = 0;
  long long audit_log = 0;
};
RetentionCounts retention_due(Connection& conn, const RetentionWindows& windows);
// Deletes (and archives) them through the schema's cleanup functions.
RetentionCounts apply_retention(Connection& conn, const RetentionWindows& windows);

// ANALYZE of each "schema.table".
void analyze_tables(Connection& conn, const std::vector<std::string>& tables);

bool cron_installed(Connection& conn);
void schedule_job(Connection& conn, const std::string& name, const UpkeepJob& job);
void unschedule_job(Connection& conn, const std::string& name, const UpkeepJob& job);

} // namespace agentpg::pg
