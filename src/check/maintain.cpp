#include "check/maintain.hpp"

#include <fmt/format.h>

#include "config/target.hpp"
#include "pg/health.hpp"
#include "pg/migration_database.hpp"
#include "util/strings.hpp"

namespace agentpg::check {

namespace {

using core::Error;
using core::ExitCode;
using core::Json;

struct Job {
  const char* name;
  const char* schedule;  // cron syntax, for --schedule
  const char* sql;       // what pg_cron runs
};

const Job k_jobs[] = {
    {"expired-charges", "*/5 * * * *", "SELECT caracal.release_expired_charges()"},
    {"retention", "0 3 * * *", "SELECT agency.cleanup_old_tasks(); SELECT agency.cleanup_old_metrics(); "
                               "SELECT agency.cleanup_old_audit_logs()"},
    {"analyze", "30 3 * * *", "ANALYZE"},
};

void run_sql(pg::Connection& conn, const std::string& sql, const char* job) {
  if (auto error = conn.try_execute(sql)) {
    conn.try_execute("ROLLBACK");
    throw Error(ExitCode::sql, fmt::format("maintain {}: {} (SQLSTATE {})", job, error->message, error->sqlstate),
                "the job was rolled back");
  }
}

long long count(pg::Connection& conn, const std::string& sql, const std::vector<pg::Value>& params = {}) {
  return std::stoll(conn.query(sql, params).text(0, 0));
}

std::string interval_setting(pg::Connection& conn, const std::string& value, const char* key) {
  pg::Rows rows;
  if (conn.try_query("SELECT " + pg::sql_literal(value) + "::interval::text", rows)) {
    throw Error(ExitCode::usage, fmt::format("{} must be an interval such as '90 days', not '{}'", key, value));
  }
  return value;
}

Json expired_charges(pg::Connection& conn, bool dry_run) {
  Json result = Json::object().set("job", "expired-charges");
  if (!pg::function_exists(conn, "caracal.release_expired_charges")) {
    return result.set("skipped", "the caracal module is not installed");
  }
  if (dry_run) {
    return result.set("would_release",
                      count(conn, "SELECT count(*) FROM caracal.provisional_charges WHERE NOT released AND expires_at <= now()"));
  }
  run_sql(conn, "BEGIN", "expired-charges");
  long long released = count(conn, "SELECT caracal.release_expired_charges()");
  run_sql(conn, "COMMIT", "expired-charges");
  return result.set("released", released);
}

Json retention(const core::Context& ctx, pg::Connection& conn, bool dry_run) {
  Json result = Json::object().set("job", "retention");
  if (!pg::function_exists(conn, "agency.cleanup_old_tasks")) {
    return result.set("skipped", "the agency module is not installed");
  }
  std::string tasks = interval_setting(conn, ctx.config.tasks_retention, "maintain.tasks_retention");
  std::string metrics = interval_setting(conn, ctx.config.metrics_retention, "maintain.metrics_retention");
  std::string audit = interval_setting(conn, ctx.config.audit_retention, "maintain.audit_retention");
  result.set("windows", Json::object().set("tasks", tasks).set("metrics", metrics).set("audit_log", audit));
  Json counts = Json::object();
  if (dry_run) {
    auto older = [&](const char* table, const char* column, const std::string& window) {
      return count(conn, fmt::format("SELECT count(*) FROM agency.{} WHERE {} < now() - $1::interval", table, column),
                   {window});
    };
    counts.set("task_artifacts", older("task_artifacts", "created_at", tasks))
        .set("task_progress", older("task_progress", "created_at", tasks))
        .set("tasks_archived",
             count(conn, "SELECT count(*) FROM agency.tasks WHERE completed_at < now() - $1::interval AND status <> 'archived'",
                   {tasks}))
        .set("system_metrics", older("system_metrics", "collected_at", metrics))
        .set("slo_measurements", older("slo_measurements", "measured_at", metrics))
        .set("audit_log", older("audit_log", "created_at", audit));
    return result.set("would_delete", counts);
  }
  run_sql(conn, "BEGIN", "retention");
  pg::Rows t = conn.query("SELECT * FROM agency.cleanup_old_tasks($1::interval)", {tasks});
  pg::Rows m = conn.query("SELECT * FROM agency.cleanup_old_metrics($1::interval)", {metrics});
  pg::Rows a = conn.query("SELECT agency.cleanup_old_audit_logs($1::interval)", {audit});
  run_sql(conn, "COMMIT", "retention");
  counts.set("task_artifacts", std::stoll(t.text(0, 0)))
      .set("task_progress", std::stoll(t.text(0, 1)))
      .set("tasks_archived", std::stoll(t.text(0, 2)))
      .set("system_metrics", std::stoll(m.text(0, 0)))
      .set("slo_measurements", std::stoll(m.text(0, 1)))
      .set("audit_log", std::stoll(a.text(0, 0)));
  return result.set("deleted", counts);
}

Json analyze(pg::Connection& conn, bool dry_run) {
  std::vector<std::string> stale = pg::stale_statistics(conn);
  Json tables = Json::array();
  for (const auto& t : stale) {
    tables.push(t);
  }
  Json result = Json::object().set("job", "analyze").set(dry_run ? "would_analyze" : "analyzed", tables);
  if (!dry_run && !stale.empty()) {
    run_sql(conn, "BEGIN", "analyze");
    for (const auto& t : stale) {
      size_t dot = t.find('.');
      run_sql(conn, "ANALYZE " + conn.quote_identifier(t.substr(0, dot)) + "." + conn.quote_identifier(t.substr(dot + 1)),
              "analyze");
    }
    run_sql(conn, "COMMIT", "analyze");
  }
  return result;
}

std::string describe(const Json& job) {
  auto number = [](const Json* j) { return j ? j->dump(0) : std::string("0"); };
  std::string name = job.find("job")->dump(0);
  name = name.substr(1, name.size() - 2);
  if (const Json* skipped = job.find("skipped")) {
    return fmt::format("{}: skipped ({})", name, skipped->dump(0));
  }
  if (name == "expired-charges") {
    return job.find("released") ? fmt::format("{}: released {} expired provisional charges", name, number(job.find("released")))
                                : fmt::format("{}: would release {}", name, number(job.find("would_release")));
  }
  if (name == "retention") {
    const Json* counts = job.find("deleted") ? job.find("deleted") : job.find("would_delete");
    return fmt::format("{}: {} {}", name, job.find("deleted") ? "deleted" : "would delete", counts->dump(0));
  }
  const Json* tables = job.find("analyzed") ? job.find("analyzed") : job.find("would_analyze");
  return fmt::format("{}: {} {} table(s) with stale statistics {}", name, job.find("analyzed") ? "analyzed" : "would analyze",
                     tables->size(), tables->dump(0));
}

ExitCode schedule_jobs(core::Context& ctx, pg::Connection& conn, bool add) {
  if (conn.query("SELECT 1 FROM pg_extension WHERE extname = 'pg_cron'").empty()) {
    throw Error(ExitCode::usage, "pg_cron is not installed in this database, so there is nothing to schedule with",
                "run 'agentpg maintain --yes' from cron or a Kubernetes CronJob instead");
  }
  Json done = Json::array();
  for (const auto& job : k_jobs) {
    std::string name = std::string("agentpg-") + job.name;
    std::string sql = add ? fmt::format("SELECT cron.schedule({}, {}, {})", pg::sql_literal(name), pg::sql_literal(job.schedule),
                                        pg::sql_literal(job.sql))
                          : fmt::format("SELECT cron.unschedule(jobname) FROM cron.job WHERE jobname = {}", pg::sql_literal(name));
    run_sql(conn, sql, job.name);
    done.push(name);
    ctx.out.line(fmt::format("{} {}{}", add ? "scheduled" : "unscheduled", name, add ? std::string(" at ") + job.schedule : ""));
  }
  ctx.out.emit(Json::object().set(add ? "scheduled" : "unscheduled", done));
  return ExitCode::ok;
}

} // namespace

ExitCode run_maintain(core::Context& ctx, const MaintainCommand& command) {
  if (!command.only.empty() && command.only != "expired-charges" && command.only != "retention" &&
      command.only != "analyze") {
    throw Error(ExitCode::usage, fmt::format("no maintenance job '{}'", command.only),
                "the jobs are expired-charges, retention and analyze");
  }
  // Deleting data in production needs its own --yes, so a CronJob can pass it explicitly.
  if (ctx.config.production() && !ctx.config.yes && !command.dry_run && !command.schedule && !command.unschedule) {
    throw Error(ExitCode::refused, "maintain deletes data: in the production environment it needs --yes",
                "'agentpg maintain --dry-run' shows what it would do");
  }
  std::unique_ptr<pg::Connection> conn = config::connect_target(ctx);
  if (command.schedule || command.unschedule) {
    return schedule_jobs(ctx, *conn, command.schedule);
  }
  std::vector<Json> done;
  bool all = command.only.empty();
  if (all || command.only == "expired-charges") {
    done.push_back(expired_charges(*conn, command.dry_run));
  }
  if (all || command.only == "retention") {
    done.push_back(retention(ctx, *conn, command.dry_run));
  }
  if (all || command.only == "analyze") {
    done.push_back(analyze(*conn, command.dry_run));
  }
  Json jobs = Json::array();
  for (const auto& job : done) {
    ctx.out.line(describe(job));
    jobs.push(job);
  }
  ctx.out.emit(Json::object().set("command", "maintain").set("dry_run", command.dry_run).set("jobs", jobs));
  return ExitCode::ok;
}

} // namespace agentpg::check
