#include "ops/backup.hpp"

#include <fmt/format.h>

#include <csignal>

#include "backup/backup.hpp"
#include "backup/scratch.hpp"
#include "migrate/files.hpp"
#include "migrate/plan.hpp"
#include "ops/guard.hpp"
#include "ops/target.hpp"
#include "pg/admin.hpp"
#include "pg/connection.hpp"
#include "pg/migration_database.hpp"
#include "pg/query.hpp"
#include "pg/row_counts.hpp"
#include "util/files.hpp"
#include "util/interrupt.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

namespace agentpg::ops {

namespace {

using backup::Manifest;
using core::Error;
using core::ExitCode;

std::string backup_dir(const Context& ctx, const std::string& output) {
  return output.empty() ? ctx.config.backup_dir : output;
}

// The newest migration applied to the database `params` names ("" when none).
std::string latest_migration(const Context& ctx, const pg::ConnParams& params) {
  std::unique_ptr<pg::Connection> conn = pg::Connection::open(params, ctx.config.connect_timeout);
  pg::MigrationDatabase db(*conn);
  return migrate::current_version(
      db.read_history().value_or(std::vector<migrate::AppliedMigration>{}));
}

Manifest take(const Context& ctx, const pg::ConnParams& params, const BackupCommand& command,
              std::string& path) {
  backup::DumpOptions options;
  options.format = command.format;
  options.jobs = command.jobs;
  options.compress = command.compress;
  options.schema_only = command.schema_only;
  options.dir = backup_dir(ctx, command.output);
  options.latest_migration = latest_migration(ctx, params);
  options.connect_timeout = ctx.config.connect_timeout;
  return backup::take_backup(params, options, ctx.out, path);
}

// Where the restored database stands against the migrations on disk, as warnings.
std::string compare_with_disk(const Context& ctx, const std::string& restored_version) {
  if (!util::is_directory(ctx.config.migrations_dir)) {
    return "";
  }
  std::vector<migrate::MigrationFile> files =
      migrate::load_migrations(ctx.config.migrations_dir, ctx.config.modules);
  std::string newest_on_disk = files.empty() ? "" : files.back().version;
  if (newest_on_disk.empty() || newest_on_disk == restored_version) {
    return "";
  }
  std::string restored_shown = migrate::shown_version(files, restored_version);
  std::string newest_shown = migrate::shown_version(files.back());
  if (restored_version.empty() || migrate::version_less(restored_version, newest_on_disk)) {
    return fmt::format(
        "the migrations on disk are newer (up to {}) than the restored database ({}): run 'agentpg "
        "migrate' on it",
        newest_shown, restored_version.empty() ? "none applied" : restored_shown);
  }
  return fmt::format("the restored database ({}) is newer than the migrations on disk (up to {}): "
                     "this checkout is "
                     "older than the backup",
                     restored_shown, newest_shown);
}

int server_major(const Context& ctx, const pg::ConnParams& params) {
  return pg::Connection::open(params, ctx.config.connect_timeout)->server_version_num() / 10000;
}

// A new, empty database beside `base` on the server `server` points at ("<base>_<tag>_<hex>"),
// for a restore to work in.
pg::ConnParams new_side_database(const Context& ctx, const pg::ConnParams& server,
                                 const std::string& base, const std::string& tag) {
  pg::ConnParams side = server;
  for (int attempt = 0; attempt < 5; ++attempt) {
    side.set("dbname", backup::side_database_name(base, tag));
    if (pg::create_database_if_missing(side, ctx.config.connect_timeout)) {
      return side;
    }
  }
  throw Error(ExitCode::unexpected,
              fmt::format("cannot find a free name for a database beside {}", base));
}

// Drops a database a restore made beside the target ("the copy X", `label`), and says
// where it is for the message: dropped, or left (and how to drop it) when even that fails.
struct Dropped {
  bool ok = false;
  std::string sentence;
};
Dropped drop_side_database(const Context& ctx, const pg::ConnParams& params,
                           const std::string& label) {
  std::string name = params.get("dbname");
  try {
    pg::drop_database(params, ctx.config.connect_timeout, true);
    return {true, fmt::format("{} {} was dropped", label, name)};
  } catch (const Error& e) {
    return {false, fmt::format("{} {} is left on the server ({}): drop it with DROP DATABASE {}",
                               label, name, e.what(), pg::quote_identifier(name))};
  }
}

std::string drop_copy(const Context& ctx, const pg::ConnParams& copy) {
  return drop_side_database(ctx, copy, "the copy").sentence;
}

// The copies (and set-aside originals) that a restore of `name` killed before it finished
// left on the server.
std::vector<std::string> interrupted_restores(const Context& ctx, const pg::ConnParams& server,
                                              const std::string& name) {
  std::vector<std::string> found;
  for (const char* tag : {"restore", "old"}) {
    std::string prefix = backup::side_database_name(name, tag, "00000000");
    prefix.resize(prefix.size() - 8);
    for (const std::string& db :
         pg::databases_with_prefix(server, prefix, ctx.config.connect_timeout)) {
      found.push_back(db);
    }
  }
  return found;
}

// A list of lines, at most `limit` of them and a count of the rest.
std::string first_lines(const std::vector<std::string>& lines, size_t limit) {
  std::vector<std::string> shown(lines.begin(), lines.begin() + std::min(limit, lines.size()));
  if (lines.size() > limit) {
    shown.push_back(fmt::format("... and {} more", lines.size() - limit));
  }
  return "  " + util::join(shown, "\n  ");
}

// Restores the backup into the new database `copy` and checks it: pg_restore (psql for a
// plain dump) succeeded, the migration history is readable, and every table has the rows
// the manifest counted. Returns the latest migration.
// A SIGINT or SIGTERM that came while restoring: the copy is dropped by the caller.
void stop_if_interrupted(const util::InterruptScope& interrupts) {
  if (int signal = interrupts.signal()) {
    throw Error(signal == SIGINT ? ExitCode::interrupted : ExitCode::terminated,
                fmt::format("restore interrupted by {}", util::signal_name(signal)));
  }
}

std::string restore_and_check(const Context& ctx, const pg::ConnParams& copy, const Manifest& m,
                              const std::string& file, int jobs,
                              const util::InterruptScope& interrupts) {
  backup::restore_into(copy, m, file, jobs, server_major(ctx, copy), ctx.out,
                       [&] { return interrupts.signal() != 0; });
  stop_if_interrupted(interrupts);
  std::string version = latest_migration(ctx, copy);
  std::string name = copy.get("dbname");
  // The manifest reads the history just before the dump's snapshot: a migration that ran in
  // between is in the dump but not in the manifest. Worth saying, not worth refusing.
  if (version != m.latest_migration) {
    ctx.out.warn(fmt::format("the restored copy is at migration {}, the manifest says {}",
                             version.empty() ? "none" : version,
                             m.latest_migration.empty() ? "none" : m.latest_migration));
  }
  if (m.row_counts) {
    std::unique_ptr<pg::Connection> conn = pg::Connection::open(copy, ctx.config.connect_timeout);
    std::vector<std::string> differences =
        backup::row_count_differences(*m.row_counts, pg::count_table_rows(*conn));
    if (!differences.empty()) {
      throw Error(
          ExitCode::validation,
          fmt::format("the restored copy {} does not hold the rows the manifest counted:\n{}", name,
                      first_lines(differences, 20)));
    }
  }
  stop_if_interrupted(interrupts);
  return version;
}

} // namespace

ExitCode run_backup(Context& ctx, const BackupCommand& command) {
  pg::ConnParams params = target_params(ctx);
  std::string path;
  Manifest m = take(ctx, params, command, path);
  if (command.verify) {
    backup::verify_backup(path, std::stoi(m.server_version), ctx.out);
  }
  std::vector<std::string> deleted;
  if (command.keep > 0) {
    deleted = backup::prune(backup_dir(ctx, command.output), m.database, command.keep);
  }
  core::Json doc = manifest_json(m);
  doc.set("path", path).set("verified", command.verify);
  core::Json gone = core::Json::array();
  for (const auto& d : deleted) {
    gone.push(d);
  }
  doc.set("deleted", gone);
  ctx.out.emit(doc);
  ctx.out.line(fmt::format(
      "backup {} written: {}, {} format, in {}{}", path, util::format_bytes(m.size_bytes), m.format,
      util::format_duration_ms(m.duration_ms), command.verify ? ", verified" : ""));
  for (const auto& d : deleted) {
    ctx.out.line(fmt::format("deleted old backup {}", d));
  }
  return ExitCode::ok;
}

std::string backup_before_migrating(Context& ctx) {
  std::string path;
  take(ctx, target_params(ctx), BackupCommand{}, path);
  return path;
}

ExitCode run_verify(Context& ctx, const VerifyCommand& command) {
  const std::string& file = command.file;
  Manifest verified = backup::verify_backup(file, backup::server_major_of(file), ctx.out);
  core::Json doc = manifest_json(verified).set("path", file).set("verified", true);
  std::string checked = "checksum matches the manifest";
  if (verified.format != "plain") {
    checked += ", pg_restore reads every data block";
  }
  if (!command.restore) {
    ctx.out.emit(doc.set("restored", false));
    ctx.out.line(fmt::format("{} is intact: {}", file, checked));
    return ExitCode::ok;
  }
  // Into a scratch database that is always dropped again, whatever happens: a SIGINT or
  // SIGTERM stops pg_restore and drops it too.
  util::InterruptScope interrupts;
  pg::ConnParams scratch = new_side_database(
      ctx, target_params(ctx), verified.database.empty() ? "agentpg" : verified.database, "verify");
  std::string name = scratch.get("dbname");
  try {
    restore_and_check(ctx, scratch, verified, file, 1, interrupts);
  } catch (const Error& e) {
    bool about_backup = e.code() == ExitCode::sql || e.code() == ExitCode::validation;
    throw Error(about_backup ? ExitCode::validation : e.code(),
                fmt::format("{} does not restore as its manifest says: {}", file, e.what()),
                drop_side_database(ctx, scratch, "the scratch database").sentence);
  } catch (...) {
    drop_side_database(ctx, scratch, "the scratch database");
    throw;
  }
  Dropped dropped = drop_side_database(ctx, scratch, "the scratch database");
  doc.set("restored", true).set("scratch_database", name);
  ctx.out.emit(doc);
  if (verified.row_counts) {
    checked += fmt::format(", and it restores with the manifest's row counts in all {} tables",
                           verified.row_counts->size());
  } else {
    checked += ", and it restores (the manifest records no row counts to compare: a schema-only "
               "backup, or one taken by an older agentpg)";
  }
  ctx.out.line(fmt::format("{} is intact: {}; {}", file, checked, dropped.sentence));
  if (!dropped.ok) {
    ctx.out.warn(dropped.sentence);
  }
  return ExitCode::ok;
}

ExitCode run_list(Context& ctx, const std::string& output, bool named) {
  std::string dir = backup_dir(ctx, output);
  if (named && !util::is_directory(dir)) {
    // A folder named on the command line that is not there is a typo, not "no backups".
    throw Error(ExitCode::usage, fmt::format("no folder {}", dir),
                "name the folder the backups were written to (backup --output DIR)");
  }
  std::vector<std::vector<std::string>> rows = {
      {"BACKUP", "DATABASE", "FORMAT", "SIZE", "TAKEN (UTC)", "MIGRATION"}};
  core::Json list = core::Json::array();
  for (const Manifest& m : backup::list_backups(dir)) {
    rows.push_back({m.file, m.database, m.format, util::format_bytes(m.size_bytes), m.started_at,
                    m.latest_migration.empty() ? "-" : m.latest_migration});
    list.push(manifest_json(m).set("path", dir + "/" + m.file));
  }
  // Leftovers are listed apart: they are not backups, and --keep never deletes them.
  core::Json leftovers = core::Json::array();
  std::vector<std::string> lines;
  for (const backup::Leftover& l : backup::find_leftovers(dir)) {
    leftovers.push(core::Json::object()
                       .set("file", l.file)
                       .set("path", dir + "/" + l.file)
                       .set("kind", l.kind)
                       .set("advice", l.advice));
    lines.push_back(fmt::format("  {} ({}): {}", l.file, l.kind, l.advice));
  }
  ctx.out.emit(
      core::Json::object().set("folder", dir).set("backups", list).set("leftovers", leftovers));
  ctx.out.line(rows.size() == 1 ? fmt::format("no backups in {}", dir) : core::format_table(rows));
  if (!lines.empty()) {
    ctx.out.line(fmt::format("leftovers in {} (not backups; --keep never deletes them):\n{}", dir,
                             util::join(lines, "\n")));
  }
  return ExitCode::ok;
}

ExitCode run_restore(Context& ctx, const RestoreCommand& command) {
  pg::ConnParams target = target_params(ctx);
  if (!command.target_db.empty()) {
    check_database_name(command.target_db);
    target.set("dbname", command.target_db);
  }
  std::string name = target.get("dbname");
  // Verify first: a damaged backup touches nothing.
  Manifest m = backup::verify_backup(command.file, backup::server_major_of(command.file), ctx.out);

  bool exists = pg::database_exists_on_server(target, ctx.config.connect_timeout);
  if (exists && pg::is_template_database_on_server(target, ctx.config.connect_timeout)) {
    throw Error(ExitCode::refused,
                fmt::format("database {} is a template: CREATE DATABASE copies it, so a restore "
                            "never replaces it",
                            name),
                "restore into another database with --target-db NAME");
  }
  if (exists && !command.clean) {
    throw Error(ExitCode::refused,
                fmt::format("database {} exists: refusing to restore over it", name),
                "restore into a new one with --target-db NAME, or replace it with --clean");
  }
  if (exists) {
    confirm_destructive(
        ctx,
        fmt::format("replace database {} with the backup {} (restored into a new database "
                    "first, then swapped in by renaming: {} is unavailable only for that "
                    "moment, and the sessions connected to it are ended)",
                    name, command.file, name),
        {fmt::format("database {}: replaced, with all its data, by the backup {} of database {} "
                     "taken {}{}",
                     name, command.file, m.database, m.started_at,
                     m.latest_migration.empty() ? "" : " at migration " + m.latest_migration)});
  }

  std::vector<std::string> leftovers = interrupted_restores(ctx, target, name);
  // Restored into a new database and checked there; the target is not touched until then.
  // A SIGINT or SIGTERM until the swap stops pg_restore and drops the copy; one that comes
  // during the swap waits for it to finish.
  util::InterruptScope interrupts;
  pg::ConnParams copy = new_side_database(ctx, target, name, "restore");
  std::string copy_name = copy.get("dbname");
  std::string untouched = exists ? fmt::format("database {} was not touched", name)
                                 : fmt::format("database {} was not created", name);
  util::Clock::time_point start = util::Clock::now();
  std::string version;
  try {
    version = restore_and_check(ctx, copy, m, command.file, command.jobs, interrupts);
  } catch (const Error& e) {
    throw Error(e.code(), e.what(), fmt::format("{}; {}", untouched, drop_copy(ctx, copy)));
  } catch (...) {
    drop_copy(ctx, copy);
    throw;
  }
  std::string aside = exists ? backup::side_database_name(name, "old") : "";
  try {
    if (exists) {
      pg::swap_databases(target, name, copy_name, aside, ctx.config.connect_timeout);
    } else {
      pg::rename_database(target, copy_name, name, ctx.config.connect_timeout);
    }
  } catch (const Error& e) {
    throw Error(e.code(), e.what(),
                fmt::format("{}{}; {}", e.hint().empty() ? "" : e.hint() + "; ", untouched,
                            drop_copy(ctx, copy)));
  }
  std::string warning;
  if (exists) {
    pg::ConnParams old = target;
    old.set("dbname", aside);
    Dropped dropped = drop_side_database(ctx, old, "the replaced database, now");
    if (!dropped.ok) {
      warning = dropped.sentence;
    }
  }
  double ms = util::elapsed_ms(start);

  std::string disk = compare_with_disk(ctx, version);
  ctx.out.emit(core::Json::object()
                   .set("file", command.file)
                   .set("database", name)
                   .set("replaced", exists)
                   .set("latest_migration", version.empty() ? core::Json() : core::Json(version))
                   .set("duration_ms", ms)
                   .set("warning", disk.empty() ? core::Json() : core::Json(disk)));
  ctx.out.line(fmt::format("restored {} into database {}{} in {}; latest migration: {}",
                           command.file, name, exists ? " (replacing the old one)" : "",
                           util::format_duration_ms(ms), version.empty() ? "none" : version));
  if (!leftovers.empty()) {
    warning += fmt::format("{}databases left beside {} by an earlier restore that was interrupted "
                           "(or one still running): {}; drop them with DROP DATABASE",
                           warning.empty() ? "" : "\n", name, util::join(leftovers, ", "));
  }
  for (const std::string& w : {warning, disk}) {
    if (!w.empty()) {
      ctx.out.warn(w);
    }
  }
  if (int signal = interrupts.signal()) {
    ctx.out.warn(fmt::format("interrupted by {} once database {} was in place: it was kept",
                             util::signal_name(signal), name));
    return signal == SIGINT ? ExitCode::interrupted : ExitCode::terminated;
  }
  return ExitCode::ok;
}

} // namespace agentpg::ops
