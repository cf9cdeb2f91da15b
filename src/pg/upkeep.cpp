#include "pg/upkeep.hpp"

#include <fmt/format.h>

#include <functional>

#include "core/error.hpp"
#include "pg/connection.hpp"

namespace agentpg::pg {

namespace {

using core::Error;
using core::ExitCode;

long long number(Connection& conn, const Query& query, size_t column = 0) {
  return std::stoll(conn.query(query.text, query.params).text(0, column));
}

void run(Connection& conn, const Query& query, const char* job) {
  if (auto error = conn.try_execute(query)) {
    conn.try_execute(rollback());
    throw Error(ExitCode::sql,
                fmt::format("maintain {}: {} (SQLSTATE {})", job, error->message, error->sqlstate),
                "the job was rolled back");
  }
}

// `body` between BEGIN and COMMIT; a failure rolls back and names the job.
template <typename Body> auto in_transaction(Connection& conn, const char* job, Body body) {
  run(conn, begin(), job);
  try {
    auto result = body();
    run(conn, commit(), job);
    return result;
  } catch (...) {
    conn.try_execute(rollback());
    throw;
  }
}

long long older_than(Connection& conn, const char* table, const char* column,
                     const std::string& window) {
  return number(conn,
                Query(fmt::format("SELECT count(*) FROM agency.{} WHERE {} < now() - $1::interval",
                                  table, column),
                      {window}));
}

} // namespace

const std::vector<UpkeepJob>& upkeep_jobs() {
  static const std::vector<UpkeepJob> jobs = {
      {"expired-charges", "*/5 * * * *", "SELECT caracal.release_expired_charges()"},
      {"retention", "0 3 * * *",
       "SELECT agency.cleanup_old_tasks(); SELECT agency.cleanup_old_metrics(); "
       "SELECT agency.cleanup_old_audit_logs()"},
      {"analyze", "30 3 * * *", "ANALYZE"},
  };
  return jobs;
}

long long expired_charges(Connection& conn) {
  return number(conn, "SELECT count(*) FROM caracal.provisional_charges WHERE NOT released AND "
                      "expires_at <= now()");
}

long long release_expired_charges(Connection& conn) {
  return in_transaction(conn, "expired-charges",
                        [&] { return number(conn, "SELECT caracal.release_expired_charges()"); });
}

RetentionCounts retention_due(Connection& conn, const RetentionWindows& w) {
  RetentionCounts c;
  c.task_artifacts = older_than(conn, "task_artifacts", "created_at", w.tasks);
  c.task_progress = older_than(conn, "task_progress", "created_at", w.tasks);
  c.tasks_archived = number(conn, Query("SELECT count(*) FROM agency.tasks WHERE completed_at < "
                                        "now() - $1::interval AND status <> 'archived'",
                                        {w.tasks}));
  c.system_metrics = older_than(conn, "system_metrics", "collected_at", w.metrics);
  c.slo_measurements = older_than(conn, "slo_measurements", "measured_at", w.metrics);
  c.audit_log = older_than(conn, "audit_log", "created_at", w.audit);
  return c;
}

RetentionCounts apply_retention(Connection& conn, const RetentionWindows& w) {
  return in_transaction(conn, "retention", [&] {
    Rows t = conn.query("SELECT * FROM agency.cleanup_old_tasks($1::interval)", {w.tasks});
    Rows m = conn.query("SELECT * FROM agency.cleanup_old_metrics($1::interval)", {w.metrics});
    Rows a = conn.query("SELECT agency.cleanup_old_audit_logs($1::interval)", {w.audit});
    RetentionCounts c;
    c.task_artifacts = std::stoll(t.text(0, 0));
    c.task_progress = std::stoll(t.text(0, 1));
    c.tasks_archived = std::stoll(t.text(0, 2));
    c.system_metrics = std::stoll(m.text(0, 0));
    c.slo_measurements = std::stoll(m.text(0, 1));
    c.audit_log = std::stoll(a.text(0, 0));
    return c;
  });
}

void analyze_tables(Connection& conn, const std::vector<std::string>& tables) {
  in_transaction(conn, "analyze", [&] {
    for (const auto& t : tables) {
      run(conn, "ANALYZE " + quote_qualified(t), "analyze");
    }
    return true;
  });
}

bool cron_installed(Connection& conn) {
  return !conn.query("SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'pg_cron'").empty();
}

void schedule_job(Connection& conn, const std::string& name, const UpkeepJob& job) {
  run(conn,
      Query("SELECT cron.schedule($1, $2, $3)",
            {name, std::string(job.schedule), std::string(job.sql)}),
      job.name);
}

void unschedule_job(Connection& conn, const std::string& name, const UpkeepJob& job) {
  run(conn, Query("SELECT cron.unschedule(jobname) FROM cron.job WHERE jobname = $1", {name}),
      job.name);
}

} // namespace agentpg::pg
