#include "ops/maintain.hpp"

#include <fmt/format.h>

#include "ops/guard.hpp"
#include "ops/target.hpp"
#include "pg/connection.hpp"
#include "pg/health.hpp"
#include "pg/upkeep.hpp"
#include "util/strings.hpp"

namespace agentpg::ops {

namespace {

using core::Error;
using core::ExitCode;
using core::Json;

Json expired_charges(pg::Connection& conn, bool dry_run) {
  Json result = Json::object().set("job", "expired-charges");
  if (!pg::function_exists(conn, "caracal.release_expired_charges")) {
    return result.set("skipped", "the caracal module is not installed");
  }
  if (dry_run) {
    return result.set("would_release", pg::expired_charges(conn));
  }
  return result.set("released", pg::release_expired_charges(conn));
}

Json retention(const ops::Context& ctx, pg::Connection& conn, bool dry_run) {
  Json result = Json::object().set("job", "retention");
  if (!pg::function_exists(conn, "agency.cleanup_old_tasks")) {
    return result.set("skipped", "the agency module is not installed");
  }
  // The windows were parsed and checked against their minimums when the configuration was
  // read (config::load_config): they reach the server in agentpg's canonical form.
  pg::RetentionWindows windows{ctx.config.tasks_retention, ctx.config.metrics_retention,
                               ctx.config.audit_retention};
  result.set("windows", Json::object()
                            .set("tasks", windows.tasks)
                            .set("metrics", windows.metrics)
                            .set("audit_log", windows.audit));
  pg::RetentionCounts c =
      dry_run ? pg::retention_due(conn, windows) : pg::apply_retention(conn, windows);
  Json counts = Json::object()
                    .set("task_artifacts", c.task_artifacts)
                    .set("task_progress", c.task_progress)
                    .set("tasks_archived", c.tasks_archived)
                    .set("system_metrics", c.system_metrics)
                    .set("slo_measurements", c.slo_measurements)
                    .set("audit_log", c.audit_log);
  return result.set(dry_run ? "would_delete" : "deleted", counts);
}

Json analyze(pg::Connection& conn, bool dry_run) {
  std::vector<std::string> stale = pg::stale_statistics(conn);
  Json tables = Json::array();
  for (const auto& t : stale) {
    tables.push(t);
  }
  Json result =
      Json::object().set("job", "analyze").set(dry_run ? "would_analyze" : "analyzed", tables);
  if (!dry_run && !stale.empty()) {
    pg::analyze_tables(conn, stale);
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
    return job.find("released")
               ? fmt::format("{}: released {} expired provisional charges", name,
                             number(job.find("released")))
               : fmt::format("{}: would release {}", name, number(job.find("would_release")));
  }
  if (name == "retention") {
    const Json* counts = job.find("deleted") ? job.find("deleted") : job.find("would_delete");
    return fmt::format("{}: {} {}", name, job.find("deleted") ? "deleted" : "would delete",
                       counts->dump(0));
  }
  const Json* tables = job.find("analyzed") ? job.find("analyzed") : job.find("would_analyze");
  return fmt::format("{}: {} {} table(s) with stale statistics {}", name,
                     job.find("analyzed") ? "analyzed" : "would analyze", tables->size(),
                     tables->dump(0));
}

// What the jobs would change, table by table, for the production confirmation.
std::string preview(const std::vector<Json>& jobs) {
  auto count = [](const Json* j) { return j ? j->dump(0) : std::string("0"); };
  std::string text = "maintain would, in the production environment:\n";
  for (const Json& job : jobs) {
    if (job.find("skipped") != nullptr) {
      text += describe(job) + "\n";
    } else if (const Json* due = job.find("would_delete")) {
      const Json* windows = job.find("windows");
      auto window = [&](const char* key) {
        std::string w = windows->find(key)->dump(0);
        return w.substr(1, w.size() - 2);
      };
      const std::pair<const char*, const char*> tables[] = {
          {"task_artifacts", "tasks"},   {"task_progress", "tasks"},
          {"system_metrics", "metrics"}, {"slo_measurements", "metrics"},
          {"audit_log", "audit_log"},
      };
      text += "  retention: delete rows older than their window:\n";
      for (const auto& [table, key] : tables) {
        text += fmt::format("    agency.{:<18} {:>10} rows older than {}\n", table,
                            count(due->find(table)), window(key));
      }
      text += fmt::format("    agency.{:<18} {:>10} finished tasks archived (older than {})\n",
                          "tasks", count(due->find("tasks_archived")), window("tasks"));
    } else if (const Json* release = job.find("would_release")) {
      text += fmt::format("  expired-charges: release {} expired provisional charges\n",
                          count(release));
    } else if (const Json* tables = job.find("would_analyze")) {
      text += fmt::format("  analyze: ANALYZE {} table(s) {}\n", tables->size(), tables->dump(0));
    }
  }
  return text;
}

ExitCode schedule_jobs(ops::Context& ctx, pg::Connection& conn, bool add) {
  if (!pg::cron_installed(conn)) {
    throw Error(ExitCode::usage,
                "pg_cron is not installed in this database, so there is nothing to schedule with",
                "run 'agentpg maintain --yes' from cron or a Kubernetes CronJob instead");
  }
  Json done = Json::array();
  for (const auto& job : pg::upkeep_jobs()) {
    std::string name = std::string("agentpg-") + job.name;
    add ? pg::schedule_job(conn, name, job) : pg::unschedule_job(conn, name, job);
    done.push(name);
    ctx.out.line(fmt::format("{} {}{}", add ? "scheduled" : "unscheduled", name,
                             add ? std::string(" at ") + job.schedule : ""));
  }
  ctx.out.emit(Json::object().set(add ? "scheduled" : "unscheduled", done));
  return ExitCode::ok;
}

// Runs the jobs `only` names ("" = all), or counts what they would do.
std::vector<Json> run_jobs(const ops::Context& ctx, pg::Connection& conn, const std::string& only,
                           bool dry_run) {
  std::vector<Json> done;
  bool all = only.empty();
  if (all || only == "expired-charges") {
    done.push_back(expired_charges(conn, dry_run));
  }
  if (all || only == "retention") {
    done.push_back(retention(ctx, conn, dry_run));
  }
  if (all || only == "analyze") {
    done.push_back(analyze(conn, dry_run));
  }
  return done;
}

} // namespace

ExitCode run_maintain(ops::Context& ctx, const MaintainCommand& command) {
  if (!command.only.empty() && command.only != "expired-charges" && command.only != "retention" &&
      command.only != "analyze") {
    throw Error(ExitCode::usage, fmt::format("no maintenance job '{}'", command.only),
                "the jobs are expired-charges, retention and analyze");
  }
  // Deleting data in production needs its own --yes, so a CronJob can pass it explicitly;
  // on a terminal, 'yes' typed after seeing what each job would change, table by table.
  bool confirm = ctx.config.production() && !ctx.config.yes && !command.dry_run &&
                 !command.schedule && !command.unschedule;
  if (confirm && !ops::stdin_is_terminal()) {
    throw Error(ExitCode::refused,
                "maintain deletes data: in the production environment it needs --yes",
                "'agentpg maintain --dry-run' shows what it would do");
  }
  std::unique_ptr<pg::Connection> conn = ops::connect_target(ctx);
  if (command.schedule || command.unschedule) {
    return schedule_jobs(ctx, *conn, command.schedule);
  }
  if (confirm) {
    ops::confirm_on_terminal(ctx, "run maintain",
                             preview(run_jobs(ctx, *conn, command.only, true)));
  }
  std::vector<Json> done = run_jobs(ctx, *conn, command.only, command.dry_run);
  Json jobs = Json::array();
  for (const auto& job : done) {
    ctx.out.line(describe(job));
    jobs.push(job);
  }
  ctx.out.emit(
      Json::object().set("command", "maintain").set("dry_run", command.dry_run).set("jobs", jobs));
  return ExitCode::ok;
}

} // namespace agentpg::ops
