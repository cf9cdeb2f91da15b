#include "ops/backup.hpp"

#include <fmt/format.h>

#include "backup/backup.hpp"
#include "migrate/files.hpp"
#include "migrate/plan.hpp"
#include "ops/guard.hpp"
#include "ops/target.hpp"
#include "pg/admin.hpp"
#include "pg/connection.hpp"
#include "pg/migration_database.hpp"
#include "util/files.hpp"
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

ExitCode run_verify(Context& ctx, const std::string& file) {
  Manifest verified = backup::verify_backup(file, backup::server_major_of(file), ctx.out);
  ctx.out.emit(manifest_json(verified).set("path", file).set("verified", true));
  ctx.out.line(fmt::format("{} is intact: checksum matches the manifest{}", file,
                           verified.format == "plain" ? "" : " and pg_restore reads it"));
  return ExitCode::ok;
}

ExitCode run_list(Context& ctx, const std::string& output) {
  std::string dir = backup_dir(ctx, output);
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
    target.set("dbname", command.target_db);
  }
  std::string name = target.get("dbname");
  // Verify first: a damaged backup touches nothing.
  Manifest m = backup::verify_backup(command.file, backup::server_major_of(command.file), ctx.out);

  bool exists = pg::database_exists_on_server(target, ctx.config.connect_timeout);
  if (exists && !command.clean) {
    throw Error(ExitCode::refused,
                fmt::format("database {} exists: refusing to restore over it", name),
                "restore into a new one with --target-db NAME, or replace it with --clean");
  }
  if (exists) {
    confirm_destructive(ctx,
                        fmt::format("replace database {} with the backup {}", name, command.file));
    pg::drop_database(target, ctx.config.connect_timeout, true);
  }
  pg::create_database_if_missing(target, ctx.config.connect_timeout);

  std::unique_ptr<pg::Connection> conn = pg::Connection::open(target, ctx.config.connect_timeout);
  int major = conn->server_version_num() / 10000;
  conn.reset();
  util::Clock::time_point start = util::Clock::now();
  try {
    backup::restore_into(target, m, command.file, command.jobs, major, ctx.out);
  } catch (const Error& e) {
    pg::drop_database(target, ctx.config.connect_timeout, true);
    throw Error(e.code(), e.what(), fmt::format("database {} was removed again", name));
  }
  double ms = util::elapsed_ms(start);

  std::string version = latest_migration(ctx, target);
  std::string warning = compare_with_disk(ctx, version);
  ctx.out.emit(core::Json::object()
                   .set("file", command.file)
                   .set("database", name)
                   .set("replaced", exists)
                   .set("latest_migration", version.empty() ? core::Json() : core::Json(version))
                   .set("duration_ms", ms)
                   .set("warning", warning.empty() ? core::Json() : core::Json(warning)));
  ctx.out.line(fmt::format("restored {} into database {} in {}; latest migration: {}", command.file,
                           name, util::format_duration_ms(ms), version.empty() ? "none" : version));
  if (!warning.empty()) {
    ctx.out.warn(warning);
  }
  return ExitCode::ok;
}

} // namespace agentpg::ops
