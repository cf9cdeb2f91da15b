#include "ops/schema.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

#include "migrate/adopt.hpp"
#include "migrate/files.hpp"
#include "migrate/plan.hpp"
#include "migrate/schema_file.hpp"
#include "ops/target.hpp"
#include "pg/admin.hpp"
#include "pg/connection.hpp"
#include "pg/migration_database.hpp"
#include "pg/schema_dump.hpp"
#include "pg/tools.hpp"
#include "util/diff.hpp"
#include "util/files.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

namespace agentpg::ops {

namespace {

using core::Error;
using core::ExitCode;
using core::Json;
using migrate::SchemaEntry;
using migrate::SchemaFile;

std::vector<migrate::AppliedMigration> history_of(const Context& ctx,
                                                  const pg::ConnParams& params) {
  std::unique_ptr<pg::Connection> conn = pg::Connection::open(params, ctx.config.connect_timeout);
  return pg::MigrationDatabase(*conn).read_history().value_or(
      std::vector<migrate::AppliedMigration>{});
}

void write_atomically(const std::string& path, const std::string& text) {
  if (!util::write_file_atomic(path, text, 0644)) {
    throw Error(ExitCode::unexpected,
                fmt::format("cannot write {}: {}", path, std::strerror(errno)),
                "check that its folder exists and is writable");
  }
}

std::string read_schema_file(const std::string& path) {
  if (!util::path_exists(path)) {
    throw Error(ExitCode::usage, fmt::format("no schema file {}", path),
                "write it with 'agentpg dump' (migrate and rollback rewrite it too), or name "
                "another with --schema-file");
  }
  return util::read_file(path);
}

// The migration files `load` records for the file's list: each must be on disk unchanged.
std::vector<const migrate::MigrationFile*>
files_to_record(const Context& ctx, const std::vector<migrate::MigrationFile>& files,
                const SchemaFile& schema, const std::string& path) {
  std::vector<const migrate::MigrationFile*> chosen;
  std::vector<std::string> problems;
  for (const SchemaEntry& e : schema.applied) {
    const migrate::MigrationFile* f = migrate::file_with_version(files, e.version);
    if (f == nullptr) {
      problems.push_back(
          fmt::format("{}_{}: no migration file has this version", e.version, e.name));
    } else if (f->checksum != e.checksum && !ctx.config.allow_drift) {
      problems.push_back(
          fmt::format("{}: the file changed since the schema file was written", f->path));
    } else {
      chosen.push_back(f);
    }
  }
  if (!problems.empty()) {
    throw Error(ExitCode::validation,
                fmt::format("{} does not fit the migrations in {}:\n  {}", path,
                            ctx.config.migrations_dir, util::join(problems, "\n  ")),
                "write the schema file again ('agentpg dump' from a database migrated with these "
                "files), or --allow-drift to record changed files as they are now");
  }
  return chosen;
}

// What a database holds that `load` would build on: empty when nothing.
std::vector<std::string> contents_of(const Context& ctx, const pg::ConnParams& params) {
  std::unique_ptr<pg::Connection> conn = pg::Connection::open(params, ctx.config.connect_timeout);
  std::vector<std::string> found = pg::user_objects(*conn, 6);
  std::optional<std::vector<migrate::AppliedMigration>> history =
      pg::MigrationDatabase(*conn).read_history();
  if (history && !history->empty()) {
    found.push_back("agentpg's migration history");
  }
  return found;
}

} // namespace

std::string schema_file_text(const Context& ctx, const pg::ConnParams& params) {
  std::vector<migrate::AppliedMigration> history = history_of(ctx, params);
  std::string dump = pg::dump_schema(params, ctx.config.connect_timeout);
  return migrate::compose_schema_file(dump, migrate::applied_entries(history));
}

ExitCode run_dump(Context& ctx, const DumpCommand& command) {
  std::string to = command.to.empty() ? ctx.config.schema_file : command.to;
  pg::ConnParams params = target_params(ctx);
  std::string text = schema_file_text(ctx, params);
  if (to == "-") {
    ctx.out.data(text);
    return ExitCode::ok;
  }
  write_atomically(to, text);
  size_t migrations = migrate::parse_schema_file(text, to).applied.size();
  ctx.out.emit(Json::object()
                   .set("path", to)
                   .set("database", params.get("dbname"))
                   .set("migrations", static_cast<long long>(migrations))
                   .set("bytes", static_cast<long long>(text.size())));
  ctx.out.line(fmt::format("wrote {}: the schema of database {} and its {} applied migration{}", to,
                           params.get("dbname"), migrations, migrations == 1 ? "" : "s"));
  return ExitCode::ok;
}

ExitCode run_load(Context& ctx, const LoadCommand& command) {
  std::string path = command.file.empty() ? ctx.config.schema_file : command.file;
  // The file and the migrations first: nothing is touched for a file that does not fit.
  SchemaFile schema = migrate::parse_schema_file(read_schema_file(path), path);
  std::vector<migrate::MigrationFile> files;
  if (util::is_directory(ctx.config.migrations_dir)) {
    files = migrate::load_migrations(ctx.config.migrations_dir, ctx.config.modules);
  }
  std::vector<const migrate::MigrationFile*> chosen = files_to_record(ctx, files, schema, path);

  pg::ConnParams params = target_params(ctx);
  std::string name = params.get("dbname");
  bool created = pg::create_database_if_missing(params, ctx.config.connect_timeout);
  std::vector<std::string> contents = contents_of(ctx, params);
  if (!contents.empty()) {
    std::vector<std::string> shown(contents.begin(),
                                   contents.begin() + std::min<size_t>(contents.size(), 5));
    throw Error(ExitCode::refused,
                fmt::format("database {} is not empty ({}{}): load builds a database from "
                            "nothing",
                            name, util::join(shown, ", "), contents.size() > 5 ? ", ..." : ""),
                "load into a new database (--database-url), or 'agentpg migrate' this one");
  }
  util::Clock::time_point start = util::Clock::now();
  std::unique_ptr<pg::Connection> conn = pg::Connection::open(params, ctx.config.connect_timeout);
  pg::Tool psql = pg::find_tool("psql", conn->server_version_num() / 10000);
  pg::ChildSecrets secrets(params);
  util::ProcessOptions options;
  options.env_set = secrets.environment();
  util::ProcessResult result =
      util::run_process(pg::psql_file_arguments(psql, params, path), options);
  if (result.exit_code != 0) {
    throw Error(ExitCode::sql,
                fmt::format("loading {} failed (nothing of it was kept):\n  {}", path,
                            util::join(util::split(util::trim(result.err), '\n'), "\n  ")),
                created ? fmt::format("database {} was created for it and is left empty", name)
                        : "");
  }
  migrate::record_as_applied(*conn, chosen, "load " + path, false, ctx.out);
  double ms = util::elapsed_ms(start);
  std::string latest = chosen.empty() ? "" : migrate::shown_version(*chosen.back());
  ctx.out.emit(Json::object()
                   .set("file", path)
                   .set("database", name)
                   .set("created", created)
                   .set("recorded", static_cast<long long>(chosen.size()))
                   .set("latest_migration", latest.empty() ? Json() : Json(latest))
                   .set("duration_ms", ms));
  ctx.out.line(fmt::format("loaded {} into database {}{} in {}: {} migration{} recorded as "
                           "applied{}",
                           path, name, created ? " (created)" : "", util::format_duration_ms(ms),
                           chosen.size(), chosen.size() == 1 ? "" : "s",
                           latest.empty() ? "" : ", up to " + latest));
  return ExitCode::ok;
}

std::string update_schema_file(const Context& ctx) {
  if (!ctx.config.write_schema_file) {
    return "";
  }
  const std::string& path = ctx.config.schema_file;
  try {
    write_atomically(path, schema_file_text(ctx, resolve_target_params(ctx)));
  } catch (const Error& e) {
    ctx.out.warn(fmt::format("the schema file {} was not written: {}{}", path, e.what(),
                             e.hint().empty() ? "" : " (" + e.hint() + ")"));
    return "";
  }
  return path;
}

Json SchemaFileCheck::json() const {
  Json list = Json::array();
  for (const std::string& o : objects) {
    list.push(o);
  }
  return Json::object()
      .set("path", path)
      .set("matches", matches)
      .set("objects", list)
      .set("diff", diff.empty() ? Json() : Json(diff));
}

SchemaFileCheck compare_schema_file(const Context& ctx, const pg::ConnParams& params) {
  SchemaFileCheck check;
  check.path = ctx.config.schema_file;
  std::string committed = read_schema_file(check.path);
  SchemaFile file = migrate::parse_schema_file(committed, check.path);
  std::string current = schema_file_text(ctx, params);
  check.matches = committed == current;
  if (check.matches) {
    return check;
  }
  std::string database = "database " + params.get("dbname");
  check.diff = util::unified_diff(committed, current, check.path, database);
  SchemaFile now = migrate::parse_schema_file(current, database);
  check.objects = pg::object_differences(file.sql, now.sql, check.path, database);
  std::map<std::string, int> versions; // 1: in the file, 2: in the database, 3: both
  for (const SchemaEntry& e : file.applied) {
    versions[e.version] |= 1;
  }
  for (const SchemaEntry& e : now.applied) {
    versions[e.version] |= 2;
  }
  for (const auto& [version, where] : versions) {
    if (where != 3) {
      check.objects.push_back(
          fmt::format("migration {}: only in {}", version, where == 1 ? check.path : database));
    }
  }
  return check;
}

} // namespace agentpg::ops
