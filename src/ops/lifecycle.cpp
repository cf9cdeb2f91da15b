#include "ops/lifecycle.hpp"

#include <fmt/format.h>

#include "migrate/adopt.hpp"
#include "migrate/files.hpp"
#include "migrate/report.hpp"
#include "migrate/runner.hpp"
#include "ops/bundled.hpp"
#include "ops/guard.hpp"
#include "ops/migrate.hpp"
#include "ops/seed.hpp"
#include "ops/target.hpp"
#include "pg/admin.hpp"
#include "pg/connection.hpp"
#include "pg/migration_database.hpp"
#include "util/files.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

namespace agentpg::ops {

using core::Error;
using core::ExitCode;
using migrate::MigrationFile;
using migrate::RunReport;

namespace {

// `init` where there is nothing to migrate would create an empty database and say all is
// well: it says instead, before creating anything, how to get migrations (exit 2).
void refuse_no_migrations(const std::string& dir, bool folder_exists) {
  std::vector<std::string> modules;
  for (const auto& module : bundled_modules()) {
    modules.push_back(module.name);
  }
  throw Error(ExitCode::usage,
              fmt::format("no migrations to apply: {} {}; init would create an empty database", dir,
                          folder_exists ? "holds none" : "does not exist"),
              fmt::format("write a bundled system into the project first, e.g. 'agentpg bundled "
                          "write caracal' (bundled: {}; or install one straight into the "
                          "database with 'agentpg bundled install caracal'), or start your own "
                          "with 'agentpg new NAME', or point --migrations-dir at your migrations; "
                          "then run init again",
                          util::join(modules, ", ")));
}

} // namespace

ExitCode run_init(ops::Context& ctx, const InitCommand& command) {
  const config::Config& config = ctx.config;
  const bool migrate = config.auto_migrate || command.migrate;
  util::Clock::time_point start = util::Clock::now();
  pg::ConnParams params = ops::target_params(ctx);
  // The files are read (and a malformed one refused) before anything is created.
  std::vector<MigrationFile> files;
  if (migrate) {
    if (!util::is_directory(config.migrations_dir)) {
      refuse_no_migrations(config.migrations_dir, false);
    }
    files = migrate::load_migrations(config.migrations_dir, config.modules);
    if (files.empty()) {
      refuse_no_migrations(config.migrations_dir, true);
    }
  }
  // A transaction pooler is refused before anything is created: probed first on a
  // database that is there already (one that is not is created, then probed).
  std::unique_ptr<pg::Connection> conn;
  if (migrate) {
    conn = ops::open_existing_for_lock(ctx, params);
  }
  bool created = pg::create_database_if_missing(params, config.connect_timeout);
  ctx.out.line(created ? fmt::format("created database {}", params.get("dbname"))
                       : fmt::format("database {} exists", params.get("dbname")));
  core::Json doc = core::Json::object().set("database", params.display()).set("created", created);
  if (!migrate && config.auto_migrate_held) {
    ctx.out.notice("agentpg: production: init does not migrate unless told to: run 'agentpg "
                   "migrate' (or 'agentpg init --migrate'), or set auto_migrate: true "
                   "(DATABASE_AUTO_MIGRATE=true) to migrate on every init");
    doc.set("migrate_skipped", "production");
  }
  if (migrate) {
    if (!conn) {
      conn = pg::Connection::open(params, config.connect_timeout);
      ops::require_own_session(ctx, params, *conn);
    }
    pg::MigrationDatabase db(*conn);
    RunReport report = migrate::Runner(db, ctx.out, substitute_variables(ctx, false))
                           .migrate(files, migrate_options(ctx, *conn));
    doc.set("applied", static_cast<long long>(report.steps.size()))
        .set("schema_version",
             report.to_version.empty() ? core::Json() : core::Json(report.to_version));
    ctx.out.line(report.steps.empty()
                     ? fmt::format("schema at {}: nothing to migrate",
                                   report.to_version.empty() ? "empty" : report.to_version)
                     : fmt::format("applied {} migration{} ({} -> {})", report.steps.size(),
                                   report.steps.size() == 1 ? "" : "s",
                                   report.from_version.empty() ? "empty" : report.from_version,
                                   report.to_version));
  }
  if (config.init_seed) {
    ops::guard_seeding(ctx, config.init_seed_env);
    std::unique_ptr<pg::Connection> seed_conn =
        pg::Connection::open(params, config.connect_timeout);
    seed_for_init(ctx, *seed_conn, config.init_seed_env);
    doc.set("seeded", config.init_seed_env);
  }
  doc.set("total_ms", util::elapsed_ms(start));
  ctx.out.emit(doc);
  return ExitCode::ok;
}

ExitCode run_create_db(ops::Context& ctx, const CreateDbCommand& command) {
  pg::ConnParams params = ops::target_params(ctx);
  std::string name = params.get("dbname");
  if (command.force) {
    ops::confirm_destructive(ctx, fmt::format("drop and re-create database {}", name),
                             {fmt::format("database {} ({}): dropped with all its data, then "
                                          "created empty",
                                          name, params.display())});
    pg::drop_database(params, ctx.config.connect_timeout, true);
  }
  bool created = pg::create_database_if_missing(params, ctx.config.connect_timeout);
  ctx.out.emit(core::Json::object().set("database", name).set("created", created));
  ctx.out.line(created ? fmt::format("created database {}", name)
                       : fmt::format("database {} already exists", name));
  return ExitCode::ok;
}

ExitCode run_drop_db(ops::Context& ctx, const DropDbCommand& command) {
  pg::ConnParams params = ops::target_params(ctx);
  std::string name = params.get("dbname");
  ops::confirm_destructive(
      ctx, fmt::format("drop database {}", name),
      {fmt::format("database {} ({}): dropped with all its data", name, params.display())});
  bool dropped = pg::drop_database(params, ctx.config.connect_timeout, command.force);
  ctx.out.emit(core::Json::object().set("database", name).set("dropped", dropped));
  ctx.out.line(dropped ? fmt::format("dropped database {}", name)
                       : fmt::format("database {} does not exist", name));
  return ExitCode::ok;
}

} // namespace agentpg::ops
