#include "ops/migrate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>
#include <memory>

#include "migrate/adopt.hpp"
#include "migrate/files.hpp"
#include "migrate/names.hpp"
#include "migrate/plan.hpp"
#include "migrate/report.hpp"
#include "migrate/runner.hpp"
#include "migrate/variables.hpp"
#include "ops/backup.hpp"
#include "ops/guard.hpp"
#include "ops/lint.hpp"
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

// How an applied migration's file differs from the sections recorded when it was applied
// (a missing file: everything recorded is gone), as unified diffs.
std::string recorded_diff(pg::MigrationDatabase& db, const StatusEntry& e) {
  std::optional<RecordedMigration> recorded = db.read_recorded(e.version);
  if (!recorded) {
    return "(its sections were not recorded when it was applied: only the checksum differs)\n";
  }
  std::string label =
      e.file ? e.file->path : fmt::format("{}_{} (missing)", migrate::shown_version(e), e.name);
  std::string up_now = e.file ? e.file->up.sql : "";
  std::string down_now = e.file ? e.file->down.sql : "";
  return util::unified_diff(recorded->up_sql, up_now, label + " (up, as applied)",
                            label + " (up, now)") +
         util::unified_diff(recorded->down_sql.value_or(""), down_now,
                            label + " (down, as applied)", label + " (down, now)");
}

// `status --exit-code`: what needs a person comes first (5: a failed migration, or drift
// unless --allow-drift), then what `migrate` would do by itself (1: pending).
ExitCode status_exit_code(const migrate::StatusCounts& c, bool allow_drift) {
  bool drift = (c.changed > 0 || c.missing > 0) && !allow_drift;
  return c.failed > 0 || drift ? ExitCode::validation
         : c.pending > 0       ? ExitCode::unexpected
                               : ExitCode::ok;
}

// The schema file, rewritten when the run changed the schema (or there is none yet).
std::string schema_file_after(const Context& ctx, const RunReport& report) {
  if (report.dry_run || (report.steps.empty() && util::path_exists(ctx.config.schema_file))) {
    return "";
  }
  return update_schema_file(ctx);
}

} // namespace

Runner::Substitute substitute_variables(const Context& ctx, bool masked) {
  auto vars = std::make_shared<migrate::Variables>();
  vars->everywhere = ctx.config.vars_enabled;
  const std::vector<std::string>& listed = ctx.config.vars_secret;
  for (const auto& [name, v] : ctx.config.vars) {
    bool secret =
        migrate::secret_name(name) || std::find(listed.begin(), listed.end(), name) != listed.end();
    vars->values[name] = migrate::VariableValue{v.value, v.origin, secret};
  }
  return [vars, masked](const MigrationFile& m, const migrate::Section& section) {
    return migrate::substitute(section, migrate::directive_for(m, *vars), *vars, masked);
  };
}

MigrateOptions migrate_options(const Context& ctx, pg::Connection& conn) {
  const config::Config& config = ctx.config;
  MigrateOptions options;
  options.when_history_missing = [&conn] { refuse_foreign_history(conn); };
  options.rules = MigrateRules{std::nullopt, config.allow_drift, config.allow_out_of_order};
  options.lock_timeout = config.lock_timeout;
  options.statement_lock_timeout = config.migration_lock_timeout;
  options.check_plan = [&ctx](const std::vector<const MigrationFile*>& pending) {
    lint_before_migrate(ctx, pending);
  };
  return options;
}

ExitCode run_migrate(ops::Context& ctx, const MigrateCommand& command) {
  const config::Config& config = ctx.config;
  // The files first: a malformed file is reported before an unreachable server.
  std::vector<MigrationFile> files = load_migrations(config.migrations_dir, config.modules);
  std::unique_ptr<pg::Connection> conn = ops::connect_for_lock(ctx);
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
  RunReport report =
      Runner(db, ctx.out, substitute_variables(ctx, command.dry_run)).migrate(files, options);
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
  std::unique_ptr<pg::Connection> conn = ops::connect_for_lock(ctx);
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
  RunReport report =
      Runner(db, ctx.out, substitute_variables(ctx, command.dry_run)).rollback(files, options);
  report.empty_down = preview.empty_down;
  report.schema_file = schema_file_after(ctx, report);
  print_run_report(ctx.out, report, "rollback", util::elapsed_ms(start));
  return ExitCode::ok;
}

namespace {

core::Json steps_json(const RunReport& report) {
  core::Json steps = core::Json::array();
  for (const auto& s : report.steps) {
    steps.push(core::Json::object()
                   .set("version", s.version)
                   .set("name", s.name)
                   .set("module", s.module)
                   .set("file", s.path)
                   .set("execution_ms", report.dry_run ? core::Json() : core::Json(s.ms))
                   .set("note", s.note.empty() ? core::Json() : core::Json(s.note)));
  }
  return steps;
}

// What redo reverts, checked before anything is: the newest `steps` applied migrations,
// each with a file to apply again, and a migrate afterwards that the rules allow.
std::vector<std::string> plan_redo(pg::Connection& conn, const std::vector<MigrationFile>& files,
                                   const RollbackOptions& back, const MigrateRules& rules) {
  std::vector<AppliedMigration> history =
      pg::MigrationDatabase(conn).read_history().value_or(std::vector<AppliedMigration>{});
  std::vector<StatusEntry> status = compute_status(files, history);
  std::vector<std::string> versions;
  for (const StatusEntry* e : migrate::plan_rollback(status, back.rules)) {
    if (e->state == State::missing) {
      throw Error(ExitCode::validation,
                  fmt::format("cannot redo {}_{}: its file is missing, so it could not be applied "
                              "again (nothing was rolled back)",
                              e->version, e->name),
                  "restore the file, or redo fewer migrations");
    }
    versions.push_back(e->version);
  }
  if (versions.empty()) {
    throw Error(ExitCode::usage, "nothing to redo: no migration is applied",
                "'agentpg migrate' applies the pending ones");
  }
  // The migrate that follows, planned on the history without them: refused now (drift in
  // an older migration, a pending one out of order) rather than after the rollback.
  history.erase(std::remove_if(history.begin(), history.end(),
                               [&versions](const AppliedMigration& a) {
                                 return std::find(versions.begin(), versions.end(), a.version) !=
                                        versions.end();
                               }),
                history.end());
  migrate::plan_migrate(compute_status(files, history), rules);
  return versions;
}

} // namespace

ExitCode run_redo(ops::Context& ctx, const RedoCommand& command) {
  const config::Config& config = ctx.config;
  if (command.steps < 1) {
    throw Error(ExitCode::usage, "--steps must be 1 or more");
  }
  // The edit-test loop: a file edited since it was applied is reverted with the down section
  // recorded then (what undoes what was applied), and applied again as it is now.
  RollbackOptions back;
  back.rules.steps = command.steps;
  back.rules.allow_drift = true; // changed ones only: plan_redo refuses missing ones
  back.recorded_down = true;
  back.dry_run = command.dry_run;
  back.lock_timeout = config.lock_timeout;
  back.statement_lock_timeout = config.migration_lock_timeout;
  std::vector<MigrationFile> files = load_migrations(config.migrations_dir, config.modules);
  std::unique_ptr<pg::Connection> conn = ops::connect_target(ctx);
  MigrateOptions again = migrate_options(ctx, *conn);
  again.dry_run = command.dry_run;
  std::vector<std::string> versions = plan_redo(*conn, files, back, again.rules);
  again.rules.to = versions.front(); // the newest of them: nothing newer is applied
  if (command.dry_run) {
    again.assume_reverted = versions;
  }
  RollbackPreview preview = preview_rollback(*conn, files, back);
  if (!command.dry_run) {
    ops::confirm_destructive(
        ctx,
        fmt::format("redo {} migration{} (roll back, then apply again) of database {}",
                    versions.size(), versions.size() == 1 ? "" : "s", conn->database()),
        preview.items);
  }
  pg::MigrationDatabase db(*conn);
  util::Clock::time_point start = util::Clock::now();
  Runner::Substitute substitute = substitute_variables(ctx, command.dry_run);
  RunReport reverted = Runner(db, ctx.out, substitute).rollback(files, back);
  RunReport applied = Runner(db, ctx.out, substitute).migrate(files, again);
  double total_ms = util::elapsed_ms(start);
  core::Json doc = core::Json::object();
  doc.set("dry_run", command.dry_run)
      .set("version",
           reverted.from_version.empty() ? core::Json() : core::Json(reverted.from_version))
      .set("reverted", steps_json(reverted))
      .set("applied", steps_json(applied))
      .set("total_ms", total_ms);
  if (command.dry_run) {
    doc.set("sql", reverted.sql + applied.sql);
  }
  ctx.out.emit(doc);
  if (command.dry_run) {
    ctx.out.data(reverted.sql + applied.sql);
    return ExitCode::ok;
  }
  ctx.out.line(fmt::format("redid {} migration{} (at {}) in {}", applied.steps.size(),
                           applied.steps.size() == 1 ? "" : "s",
                           applied.to_version.empty() ? "empty" : applied.to_version,
                           util::format_duration_ms(total_ms)));
  return ExitCode::ok;
}

ExitCode run_status(ops::Context& ctx, const StatusCommand& command) {
  // Reading is safe through any pooler: status uses the database URL, not direct_url.
  pg::ConnParams params = ops::target_params(ctx, ops::Route::pooled);
  std::vector<MigrationFile> files = load_migrations(ctx.config.migrations_dir, ctx.config.modules);
  std::unique_ptr<pg::Connection> conn = pg::Connection::open(params, ctx.config.connect_timeout);
  std::vector<AppliedMigration> history =
      pg::MigrationDatabase(*conn).read_history().value_or(std::vector<AppliedMigration>{});
  std::vector<StatusEntry> status = compute_status(files, history);
  std::map<std::string, std::string> diffs;
  if (command.diff) {
    pg::MigrationDatabase db(*conn);
    for (const auto& e : status) {
      if (e.state == State::changed) {
        diffs[e.version] = recorded_diff(db, e);
      }
    }
  }
  migrate::StatusTarget target{pg::as_connected(params, *conn).display(),
                               ops::direct_url_display(ctx), ctx.config.direct_url_origin};
  StatusCounts counts =
      print_status(ctx.out, target, shown_version(files, current_version(history)), status, diffs);
  return command.exit_code ? status_exit_code(counts, ctx.config.allow_drift) : ExitCode::ok;
}

ExitCode run_diff(ops::Context& ctx, const DiffCommand& command) {
  std::string version = *version_argument(command.version, "diff");
  std::vector<MigrationFile> files = load_migrations(ctx.config.migrations_dir, ctx.config.modules);
  std::unique_ptr<pg::Connection> conn = ops::connect_target(ctx);
  pg::MigrationDatabase db(*conn);
  std::vector<AppliedMigration> history =
      db.read_history().value_or(std::vector<AppliedMigration>{});
  std::vector<StatusEntry> status = compute_status(files, history);
  auto e = std::find_if(status.begin(), status.end(),
                        [&version](const StatusEntry& s) { return s.version == version; });
  if (e == status.end()) {
    throw Error(
        ExitCode::usage,
        fmt::format("no migration has version {}: neither a file nor the history", command.version),
        "'agentpg status' shows the versions");
  }
  if (e->state == State::pending) {
    throw Error(
        ExitCode::usage,
        fmt::format("{} is not applied: there is no applied text to compare with", command.version),
        "'agentpg migrate --dry-run' shows what would run");
  }
  std::string diff = e->state == State::applied ? "" : recorded_diff(db, *e);
  std::string name = fmt::format("{}_{}", migrate::shown_version(*e), e->name);
  ctx.out.emit(core::Json::object()
                   .set("version", migrate::shown_version(*e))
                   .set("name", e->name)
                   .set("state", migrate::state_name(e->state))
                   .set("file", e->file ? core::Json(e->file->path) : core::Json())
                   .set("diff", diff));
  if (diff.empty()) {
    ctx.out.line(fmt::format("{}: the file is as it was applied", name));
  } else {
    ctx.out.data(diff);
  }
  return ExitCode::ok;
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
