#include "ops/migrate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>

#include "migrate/adopt.hpp"
#include "migrate/files.hpp"
#include "migrate/names.hpp"
#include "migrate/plan.hpp"
#include "migrate/report.hpp"
#include "migrate/runner.hpp"
#include "ops/backup.hpp"
#include "ops/guard.hpp"
#include "ops/schema.hpp"
#include "ops/target.hpp"
#include "pg/connection.hpp"
#include "pg/migration_database.hpp"
#include "util/diff.hpp"
#include "util/files.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

namespace agentpg::ops {

using migrate::AppliedMigration;
using migrate::compute_status;
using migrate::current_version;
using migrate::k_timestamp_digits;
using migrate::load_migrations;
using migrate::MigrateOptions;
using migrate::MigrateRules;
using migrate::MigrationFile;
using migrate::normalise_version;
using migrate::print_run_report;
using migrate::RecordedMigration;
using migrate::refuse_foreign_history;
using migrate::RollbackOptions;
using migrate::Runner;
using migrate::RunReport;
using migrate::State;
using migrate::StatusCounts;
using migrate::StatusEntry;
using migrate::version_less;

namespace {

using core::Error;
using core::ExitCode;

std::optional<std::string> version_argument(const std::string& text, const char* flag) {
  if (text.empty()) {
    return std::nullopt;
  }
  std::string version = normalise_version(text);
  if (version.empty() || !util::is_all_digits(text)) {
    throw Error(ExitCode::usage,
                fmt::format("{} takes a migration version (digits), not '{}'", flag, text));
  }
  return version;
}

// What a rollback will revert, newest first, as the prompt lists it ("version_name", with
// a note when its down section has no SQL), and which of them undo nothing. Planned here,
// before the confirmation, with the rules the runner applies again under the lock.
struct RollbackPreview {
  std::vector<std::string> items;
  std::vector<std::string> empty_down;
};

RollbackPreview preview_rollback(pg::Connection& conn, const std::vector<MigrationFile>& files,
                                 const RollbackOptions& options) {
  RollbackPreview preview;
  std::vector<AppliedMigration> history =
      pg::MigrationDatabase(conn).read_history().value_or(std::vector<AppliedMigration>{});
  std::vector<StatusEntry> status = compute_status(files, history);
  for (const StatusEntry* e : migrate::plan_rollback(status, options.rules)) {
    std::string name = fmt::format("{}_{}", migrate::shown_version(*e), e->name);
    // A file's down section runs unless the recorded one does (missing file, --recorded-down).
    bool file_down = e->file != nullptr && !(options.recorded_down && e->state == State::changed);
    if (file_down && !migrate::has_sql(e->file->down)) {
      preview.items.push_back(name + " (its down section has no SQL: nothing will be undone)");
      preview.empty_down.push_back(name);
    } else {
      preview.items.push_back(name);
    }
  }
  return preview;
}

// The schema file, rewritten when the run changed the schema (or there is none yet).
std::string schema_file_after(const Context& ctx, const RunReport& report) {
  if (report.dry_run || (report.steps.empty() && util::path_exists(ctx.config.schema_file))) {
    return "";
  }
  return update_schema_file(ctx);
}

} // namespace

MigrateOptions migrate_options(const Context& ctx, pg::Connection& conn) {
  const config::Config& config = ctx.config;
  MigrateOptions options;
  options.when_history_missing = [&conn] { refuse_foreign_history(conn); };
  options.rules = MigrateRules{std::nullopt, config.allow_drift, config.allow_out_of_order};
  options.lock_timeout = config.lock_timeout;
  options.statement_lock_timeout = config.migration_lock_timeout;
  return options;
}

ExitCode run_migrate(ops::Context& ctx, const MigrateCommand& command) {
  const config::Config& config = ctx.config;
  // The files first: a malformed file is reported before an unreachable server.
  std::vector<MigrationFile> files = load_migrations(config.migrations_dir, config.modules);
  std::unique_ptr<pg::Connection> conn = ops::connect_target(ctx);
  pg::MigrationDatabase db(*conn);
  MigrateOptions options = migrate_options(ctx, *conn);
  options.rules.to = version_argument(command.to, "--to");
  options.dry_run = command.dry_run;
  options.resume = command.resume;
  options.resume_from = command.resume_from;
  options.forget_failed = command.forget_failed;
  if (command.backup_first) {
    options.before_apply = [&ctx] {
      std::string path = ops::backup_before_migrating(ctx);
      ctx.out.line(fmt::format("backup before migrating: {}", path));
      return path;
    };
  }
  util::Clock::time_point start = util::Clock::now();
  RunReport report = Runner(db, ctx.out).migrate(files, options);
  report.schema_file = schema_file_after(ctx, report);
  print_run_report(ctx.out, report, "migrate", util::elapsed_ms(start));
  return ExitCode::ok;
}

ExitCode run_rollback(ops::Context& ctx, const RollbackCommand& command) {
  const config::Config& config = ctx.config;
  RollbackOptions options;
  if (command.steps < 1) {
    throw Error(ExitCode::usage, "--steps must be 1 or more");
  }
  // "base" reverts everything, version 0 included (diesel's initial setup is version 0).
  bool to_base = command.to == "base";
  options.rules.steps = to_base ? std::numeric_limits<int>::max() : command.steps;
  options.rules.to = to_base ? std::nullopt : version_argument(command.to, "--to");
  options.rules.allow_drift = config.allow_drift;
  options.dry_run = command.dry_run;
  options.resume = command.resume;
  options.resume_from = command.resume_from;
  options.recorded_down = command.recorded_down;
  options.lock_timeout = config.lock_timeout;
  options.statement_lock_timeout = config.migration_lock_timeout;
  std::vector<MigrationFile> files = load_migrations(config.migrations_dir, config.modules);
  std::unique_ptr<pg::Connection> conn = ops::connect_target(ctx);
  bool resuming = options.resume || options.resume_from > 0;
  RollbackPreview preview;
  if (!resuming) {
    preview = preview_rollback(*conn, files, options);
  }
  // Said before anything is done: in the question when there is one, else as warnings.
  if (command.dry_run || ctx.config.yes || !ops::stdin_is_terminal()) {
    for (const auto& name : preview.empty_down) {
      ctx.out.warn(fmt::format("nothing will be undone for {}: its down section has no SQL", name));
    }
  }
  if (!command.dry_run && (resuming || !preview.items.empty())) {
    std::string what = resuming ? std::string("finish a failed rollback")
                       : command.to.empty()
                           ? fmt::format("roll back {} migration{}", preview.items.size(),
                                         preview.items.size() == 1 ? "" : "s")
                           : fmt::format("roll back to {}", command.to);
    ops::confirm_destructive(ctx, fmt::format("{} of database {}", what, conn->database()),
                             preview.items);
  }
  pg::MigrationDatabase db(*conn);
  util::Clock::time_point start = util::Clock::now();
  RunReport report = Runner(db, ctx.out).rollback(files, options);
  report.empty_down = preview.empty_down;
  report.schema_file = schema_file_after(ctx, report);
  print_run_report(ctx.out, report, "rollback", util::elapsed_ms(start));
  return ExitCode::ok;
}

ExitCode run_status(ops::Context& ctx, const StatusCommand& command) {
  pg::ConnParams params = ops::target_params(ctx);
  std::vector<MigrationFile> files = load_migrations(ctx.config.migrations_dir, ctx.config.modules);
  std::unique_ptr<pg::Connection> conn = pg::Connection::open(params, ctx.config.connect_timeout);
  std::vector<AppliedMigration> history =
      pg::MigrationDatabase(*conn).read_history().value_or(std::vector<AppliedMigration>{});
  std::vector<StatusEntry> status = compute_status(files, history);
  std::map<std::string, std::string> diffs;
  if (command.diff) {
    pg::MigrationDatabase db(*conn);
    for (const auto& e : status) {
      if (e.state != State::changed) {
        continue;
      }
      std::optional<RecordedMigration> recorded = db.read_recorded(e.version);
      if (!recorded) {
        diffs[e.version] =
            "(its sections were not recorded when it was applied: only the checksum differs)\n";
        continue;
      }
      const MigrationFile& m = *e.file;
      std::string label = m.path;
      diffs[e.version] = util::unified_diff(recorded->up_sql, m.up.sql, label + " (up, as applied)",
                                            label + " (up, now)") +
                         util::unified_diff(recorded->down_sql.value_or(""), m.down.sql,
                                            label + " (down, as applied)", label + " (down, now)");
    }
  }
  StatusCounts counts = print_status(ctx.out, pg::as_connected(params, *conn).display(),
                                     shown_version(files, current_version(history)), status, diffs);
  return command.exit_code && counts.pending > 0 ? ExitCode::unexpected : ExitCode::ok;
}

ExitCode run_new(ops::Context& ctx, const NewCommand& command) {
  // Every name is checked before anything is created: nothing is written outside the
  // migrations folder, and nothing at all for a name that is refused.
  std::string name = migrate::migration_name_from(command.name);
  const std::string& root = ctx.config.migrations_dir;
  std::string dir = root;
  bool new_module = false;
  if (!command.module.empty()) {
    migrate::check_module_name(command.module);
    std::vector<std::string> modules = migrate::module_folders(root);
    migrate::check_new_module(root, command.module, modules, ctx.config.modules);
    new_module = std::find(modules.begin(), modules.end(), command.module) == modules.end();
    dir = root + "/" + command.module;
  }
  std::vector<MigrationFile> existing;
  if (util::is_directory(root)) {
    existing = load_migrations(root, {});
  }
  if (!util::make_dirs(dir)) {
    throw Error(ExitCode::usage, fmt::format("cannot create {}", dir));
  }
  // The version comes after every existing one: two files made within one second get
  // consecutive versions, and a newer longer timestamp (diesel's YYYYMMDDhhmmss0000) is
  // passed by the second after its first 14 digits.
  std::string version = util::utc_compact_timestamp();
  for (const auto& m : existing) {
    unsigned long long taken = 0;
    if (!version_less(m.version, version) &&
        util::parse_uint(m.version.substr(0, k_timestamp_digits), taken)) {
      version = std::to_string(taken + 1);
    }
  }
  std::string path = fmt::format("{}/{}_{}.sql", dir, version, name);
  // A down section of only comments counts as empty: status marks it, rollback warns.
  std::string text =
      "-- migrate:up\n\n\n-- migrate:down\n"
      "-- write the SQL that undoes the up section, e.g. DROP TABLE ...;\n"
      "-- leave it empty only if nothing can be undone (a rollback will then undo nothing)\n\n";
  if (!util::write_file_atomic(path, text, 0644)) {
    throw Error(ExitCode::unexpected, fmt::format("cannot write {}", path));
  }
  ctx.out.emit(core::Json::object().set("path", path).set("version", version).set("name", name));
  if (name != command.name) {
    ctx.out.line(fmt::format("named it '{}' (lower-case letters, digits and _)", name));
  }
  if (new_module) {
    ctx.out.line(fmt::format("started module '{}' in {}", command.module, dir));
  }
  ctx.out.line(fmt::format("created {}", path));
  return ExitCode::ok;
}

} // namespace agentpg::ops
