#include <fmt/format.h>

#include "backup/backup.hpp"
#include "ops/target.hpp"
#include "ops/guard.hpp"
#include "migrate/files.hpp"
#include "migrate/plan.hpp"
#include "pg/admin.hpp"
#include "pg/connection.hpp"
#include "pg/migration_database.hpp"
#include "pg/tools.hpp"
#include "util/files.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

namespace agentpg::backup {

namespace {

using core::Error;
using core::ExitCode;

// Where the restored database stands against the migrations on disk, as warnings.
std::string compare_with_disk(const ops::Context& ctx, const std::string& restored_version) {
  if (!util::is_directory(ctx.config.migrations_dir)) {
    return "";
  }
  std::vector<migrate::MigrationFile> files = migrate::load_migrations(ctx.config.migrations_dir, ctx.config.modules);
  std::string newest_on_disk = files.empty() ? "" : files.back().version;
  if (newest_on_disk.empty() || newest_on_disk == restored_version) {
    return "";
  }
  std::string restored_shown = migrate::shown_version(files, restored_version);
  std::string newest_shown = migrate::shown_version(files.back());
  if (restored_version.empty() || migrate::version_less(restored_version, newest_on_disk)) {
    return fmt::format("the migrations on disk are newer (up to {}) than the restored database ({}): run 'agentpg "
                       "migrate' on it",
                       newest_shown, restored_version.empty() ? "none applied" : restored_shown);
  }
  return fmt::format("the restored database ({}) is newer than the migrations on disk (up to {}): this checkout is "
                     "older than the backup",
                     restored_shown, newest_shown);
}

} // namespace

core::ExitCode run_restore(ops::Context& ctx, const RestoreCommand& command) {
  pg::ConnParams target = ops::target_params(ctx);
  if (!command.target_db.empty()) {
    target.set("dbname", command.target_db);
  }
  std::string name = target.get("dbname");
  // Verify first: a damaged backup touches nothing.
  std::optional<Manifest> manifest = read_manifest(manifest_path(command.file));
  Manifest m = verify_backup(ctx, command.file, manifest && !manifest->server_version.empty()
                                                    ? std::stoi(manifest->server_version)
                                                    : 15);

  bool exists = pg::database_exists_on_server(target, ctx.config.connect_timeout);
  if (exists && !command.clean) {
    throw Error(ExitCode::refused, fmt::format("database {} exists: refusing to restore over it", name),
                "restore into a new one with --target-db NAME, or replace it with --clean");
  }
  if (exists) {
    ops::confirm_destructive(ctx, fmt::format("replace database {} with the backup {}", name, command.file));
    pg::drop_database(target, ctx.config.connect_timeout, true);
  }
  pg::create_database_if_missing(target, ctx.config.connect_timeout);

  std::unique_ptr<pg::Connection> conn = pg::Connection::open(target, ctx.config.connect_timeout);
  int major = conn->server_version_num() / 10000;
  conn.reset();
  std::vector<std::string> argv =
      m.format == "plain" ? pg::psql_file_arguments(pg::find_tool("psql", major), target, command.file)
                          : pg::restore_arguments(pg::find_tool("pg_restore", major), target, command.jobs, command.file);
  util::ProcessOptions options;
  options.env_set = pg::child_environment(target);
  util::Clock::time_point start = util::Clock::now();
  options.on_tick = [&] {
    ctx.out.progress(fmt::format("restoring {} into {}: {:.0f} s", command.file, name, util::elapsed_ms(start) / 1000));
  };
  ctx.out.detail(fmt::format("running {}", util::join(argv, " ")));
  util::ProcessResult result = util::run_process(argv, options);
  ctx.out.end_progress();
  if (result.exit_code != 0) {
    pg::drop_database(target, ctx.config.connect_timeout, true);
    throw Error(ExitCode::sql,
                fmt::format("restoring {} into {} failed (exit {}):\n  {}", command.file, name, result.exit_code,
                            util::join(util::split(util::trim(result.err), '\n'), "\n  ")),
                fmt::format("database {} was removed again", name));
  }
  double ms = util::elapsed_ms(start);

  conn = pg::Connection::open(target, ctx.config.connect_timeout);
  pg::MigrationDatabase history(*conn);
  std::string version =
      migrate::current_version(history.read_history().value_or(std::vector<migrate::AppliedMigration>{}));
  std::string warning = compare_with_disk(ctx, version);
  ctx.out.emit(core::Json::object()
                   .set("file", command.file)
                   .set("database", name)
                   .set("replaced", exists)
                   .set("latest_migration", version.empty() ? core::Json() : core::Json(version))
                   .set("duration_ms", ms)
                   .set("warning", warning.empty() ? core::Json() : core::Json(warning)));
  ctx.out.line(fmt::format("restored {} into database {} in {}; latest migration: {}", command.file, name,
                           util::format_duration_ms(ms), version.empty() ? "none" : version));
  if (!warning.empty()) {
    ctx.out.warn(warning);
  }
  return ExitCode::ok;
}

} // namespace agentpg::backup
