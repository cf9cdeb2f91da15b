#include "ops/adopt.hpp"

#include <fmt/format.h>

#include "migrate/adopt.hpp"
#include "migrate/files.hpp"
#include "migrate/plan.hpp"
#include "ops/target.hpp"
#include "pg/catalog.hpp"
#include "pg/connection.hpp"
#include "pg/foreign_history.hpp"
#include "pg/migration_database.hpp"
#include "util/strings.hpp"

namespace agentpg::ops {

using core::Error;
using core::ExitCode;
using migrate::AppliedMigration;
using migrate::MigrationFile;

ExitCode run_adopt(Context& ctx, const AdoptCommand& command) {
  std::vector<MigrationFile> files =
      migrate::load_migrations(ctx.config.migrations_dir, ctx.config.modules);
  std::unique_ptr<pg::Connection> conn = connect_for_lock(ctx);
  pg::MigrationDatabase db(*conn);
  if (std::optional<std::vector<AppliedMigration>> history = db.read_history();
      history && !history->empty()) {
    throw Error(ExitCode::validation,
                fmt::format("this database already has an agentpg history ({} migrations)",
                            history->size()),
                "adopt takes over a database that another tool migrated; see 'agentpg status'");
  }
  std::optional<pg::ForeignHistory> foreign =
      pg::find_foreign_history(*conn, command.tool, command.table);
  if (!foreign) {
    throw Error(
        ExitCode::usage,
        command.tool.empty()
            ? "found no history of dbmate, golang-migrate, diesel, Flyway or Alembic in "
              "search_path"
            : fmt::format("found no {} history table", command.tool),
        "name it with --from TOOL and --table SCHEMA.TABLE, or use 'agentpg baseline VERSION'");
  }
  migrate::AdoptionPlan plan = migrate::plan_adoption(files, *foreign, command.rules);
  migrate::RunReport report = migrate::record_as_applied(
      *conn, plan.record, "adopted from " + foreign->tool, command.dry_run, ctx.out);
  core::Json recorded = core::Json::array();
  for (const auto& s : report.steps) {
    recorded.push(s.version);
  }
  core::Json ignored = core::Json::array();
  for (const auto& v : plan.ignored) {
    ignored.push(v);
  }
  ctx.out.emit(core::Json::object()
                   .set("tool", foreign->tool)
                   .set("table", foreign->table)
                   .set("dry_run", command.dry_run)
                   .set("recorded", recorded)
                   .set("ignored", ignored)
                   .set("head", plan.head.empty()
                                    ? core::Json()
                                    : core::Json(migrate::shown_version(files, plan.head))));
  if (command.dry_run) {
    ctx.out.data(report.sql);
    return ExitCode::ok;
  }
  ctx.out.line(fmt::format(
      "adopted {} migration{} from {} ({}), up to {}; {} is left as it was", plan.record.size(),
      plan.record.size() == 1 ? "" : "s", foreign->tool, foreign->table,
      plan.head.empty() ? "none" : migrate::shown_version(files, plan.head), foreign->table));
  for (const auto& v : plan.ignored) {
    ctx.out.warn(
        fmt::format("version {} of {} has no file and was not recorded", v, foreign->table));
  }
  return ExitCode::ok;
}

ExitCode run_baseline(Context& ctx, const BaselineCommand& command) {
  std::string version = migrate::normalise_version(command.version);
  if (version.empty() || !util::is_all_digits(command.version)) {
    throw Error(
        ExitCode::usage,
        fmt::format("baseline takes a migration version (digits), not '{}'", command.version));
  }
  std::vector<MigrationFile> files =
      migrate::load_migrations(ctx.config.migrations_dir, ctx.config.modules);
  if (migrate::file_with_version(files, version) == nullptr) {
    throw Error(ExitCode::usage, fmt::format("no migration has version {}", command.version),
                "see 'agentpg status' for the versions");
  }
  std::unique_ptr<pg::Connection> conn = connect_for_lock(ctx);
  std::vector<std::string> tables = pg::user_tables(*conn, 6);
  if (tables.empty()) {
    throw Error(ExitCode::validation,
                "the database holds no tables: a baseline records migrations as applied without "
                "running them, "
                "which only fits a database built by hand or restored from a dump",
                "run 'agentpg migrate' to build this one");
  }
  ctx.out.notice(fmt::format("agentpg: the database holds tables ({}{})", util::join(tables, ", "),
                             tables.size() == 6 ? ", ..." : ""));
  pg::MigrationDatabase db(*conn);
  std::vector<AppliedMigration> history =
      db.read_history().value_or(std::vector<AppliedMigration>{});
  std::vector<const MigrationFile*> chosen = migrate::baseline_files(files, history, version);
  migrate::RunReport report =
      migrate::record_as_applied(*conn, chosen, "baseline", command.dry_run, ctx.out);
  std::string shown = migrate::shown_version(files, version);
  ctx.out.emit(core::Json::object()
                   .set("baseline", shown)
                   .set("recorded", static_cast<long long>(chosen.size()))
                   .set("dry_run", command.dry_run));
  if (command.dry_run) {
    ctx.out.data(report.sql);
    return ExitCode::ok;
  }
  ctx.out.line(fmt::format("baseline {}: recorded {} migration{} as applied without running them",
                           shown, chosen.size(), chosen.size() == 1 ? "" : "s"));
  return ExitCode::ok;
}

} // namespace agentpg::ops
