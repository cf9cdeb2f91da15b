#include "ops/check.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "check/html.hpp"
#include "check/redis.hpp"
#include "check/report.hpp"
#include "migrate/files.hpp"
#include "migrate/plan.hpp"
#include "migrate/report.hpp"
#include "ops/schema.hpp"
#include "ops/target.hpp"
#include "pg/catalog.hpp"
#include "pg/connection.hpp"
#include "pg/history_table.hpp"
#include "pg/migration_database.hpp"
#include "pg/pooler.hpp"
#include "redis/client.hpp"
#include "util/files.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

namespace agentpg::ops {

using check::Finding;
using check::HealthReport;
using check::Severity;

namespace {

using core::Error;
using core::ExitCode;
using core::Json;

// Connects, retrying until `wait_seconds` have passed when the server is not there yet
// (starting, refusing, database not created yet): the container-entrypoint case.
std::unique_ptr<pg::Connection> connect_waiting(const ops::Context& ctx,
                                                const pg::ConnParams& params, int wait_seconds) {
  util::Clock::time_point start = util::Clock::now();
  auto deadline = start + std::chrono::seconds(wait_seconds);
  bool announced = false;
  while (true) {
    try {
      int remaining = static_cast<int>(
          std::chrono::duration_cast<std::chrono::seconds>(deadline - util::Clock::now()).count());
      int timeout = wait_seconds > 0 ? std::max(2, std::min(ctx.config.connect_timeout, remaining))
                                     : ctx.config.connect_timeout;
      return pg::Connection::open(params, timeout);
    } catch (const Error& e) {
      if (e.code() != ExitCode::connection ||
          util::Clock::now() + std::chrono::milliseconds(250) >= deadline) {
        throw;
      }
      if (!announced) {
        ctx.out.notice(
            fmt::format("agentpg: waiting up to {} s for {}", wait_seconds, params.display()));
        announced = true;
      }
      ctx.out.detail(fmt::format("not ready yet: {}", e.what()));
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
  }
}

struct SchemaCheck {
  ExitCode code = ExitCode::ok;
  std::string summary;
  Json json;
  std::vector<Finding> findings;
};

// Schema at latest (exit 7 when not), drift and failed migrations (exit 5).
SchemaCheck check_schema(const ops::Context& ctx, pg::Connection& conn) {
  SchemaCheck result;
  if (!util::is_directory(ctx.config.migrations_dir)) {
    result.summary =
        fmt::format("not checked: no migrations folder at {}", ctx.config.migrations_dir);
    result.json = Json::object().set("checked", false);
    return result;
  }
  std::vector<migrate::MigrationFile> files =
      migrate::load_migrations(ctx.config.migrations_dir, ctx.config.modules);
  pg::MigrationDatabase db(conn);
  std::vector<migrate::AppliedMigration> history =
      db.read_history().value_or(std::vector<migrate::AppliedMigration>{});
  migrate::StatusCounts c = migrate::count_states(migrate::compute_status(files, history));
  std::string current = migrate::shown_version(files, migrate::current_version(history));
  bool drift = (c.changed > 0 || c.missing > 0) && !ctx.config.allow_drift;
  result.code = c.failed > 0 || drift ? ExitCode::validation
                : c.pending > 0       ? ExitCode::not_latest
                                      : ExitCode::ok;
  result.summary = fmt::format(
      "{}: version {}, {} applied, {} pending, {} changed, {} missing, {} failed",
      result.code == ExitCode::ok ? "at latest" : "NOT at latest or inconsistent",
      current.empty() ? "none" : current, c.applied, c.pending, c.changed, c.missing, c.failed);
  if (c.pending > 0) {
    result.findings.push_back(
        {Severity::warning, "schema",
         fmt::format("{} pending migrations: run 'agentpg migrate'", c.pending),
         "agentpg migrate"});
  }
  if (c.changed > 0 || c.missing > 0) {
    result.findings.push_back(
        {Severity::critical, "schema",
         fmt::format("drift: {} changed and {} missing applied migrations", c.changed, c.missing),
         "'agentpg status --diff' shows what changed: restore the files as they were applied"});
  }
  if (c.failed > 0) {
    result.findings.push_back(
        {Severity::critical, "schema", fmt::format("{} failed migrations", c.failed),
         "fix the cause, then 'agentpg migrate --resume'; or undo what took effect by hand and "
         "'agentpg migrate --forget-failed'"});
  }
  result.json = Json::object()
                    .set("checked", true)
                    .set("at_latest", c.pending == 0)
                    .set("current_version", current.empty() ? Json() : Json(current))
                    .set("applied", c.applied)
                    .set("pending", c.pending)
                    .set("changed", c.changed)
                    .set("missing", c.missing)
                    .set("failed", c.failed);
  return result;
}

// --html's file, refused before anything is checked: its folder must be a folder that exists
// and can be written to, and `-` (the page on stdout) cannot share stdout with --json's
// document.
void check_html_target(const ops::Context& ctx, const std::string& path) {
  if (path == "-") {
    if (ctx.out.json()) {
      throw Error(ExitCode::usage,
                  "--html - writes the page to stdout, where --json writes its document",
                  "give --html a file name, or leave out --json");
    }
    return;
  }
  std::string folder = util::parent_folder(path);
  std::string problem = util::is_directory(path)      ? "it is a folder"
                        : !util::path_exists(folder)  ? "its folder " + folder + " does not exist"
                        : !util::is_directory(folder) ? folder + " is not a folder"
                        : ::access(folder.c_str(), W_OK) != 0
                            ? fmt::format("cannot write in {}: {}", folder, std::strerror(errno))
                            : "";
  if (!problem.empty()) {
    throw Error(ExitCode::usage, fmt::format("--html {}: {}", path, problem),
                "give --html a file name in a folder that exists and that you can write to");
  }
}

// The page holds the schema's names, sizes and migration errors (which can quote row
// values): a new file is 0600, like a backup, and sharing it is a deliberate act; a file
// that is replaced keeps its mode. Written under a temporary name and renamed into place, so
// a reader never sees half a page and a failed write leaves the old one as it was.
void write_html(const ops::Context& ctx, const std::string& path, const std::string& html) {
  if (path == "-") {
    ctx.out.data(html);
    return;
  }
  if (!util::write_file_atomic(path, html, util::file_mode(path).value_or(0600))) {
    throw Error(ExitCode::usage,
                fmt::format("cannot write the HTML report to {}: {}", path, std::strerror(errno)),
                "give --html a file name in a folder that you can write to, on a disk with room");
  }
}

std::string html_page(pg::Connection& conn, const pg::ConnParams& params,
                      const HealthReport& health) {
  pg::MigrationDatabase db(conn);
  check::HtmlHeader header{pg::as_connected(params, conn).display(), conn.database(),
                           conn.server_version(), util::utc_iso_timestamp(), AGENTPG_VERSION};
  return check::render_html(header, health.facts, health.findings,
                            db.read_history().value_or(std::vector<migrate::AppliedMigration>{}));
}

const char* pooler_word(pg::Session session) {
  switch (session) {
  case pg::Session::own:
    return "none";
  case pg::Session::own_pooled:
    return "session";
  case pg::Session::shared:
    break;
  }
  return "transaction";
}

// What check says about a pooler between it and the server, and where migrations go.
std::string pooler_text(const ops::Context& ctx, pg::Session session) {
  switch (session) {
  case pg::Session::own:
    return "none: the server itself";
  case pg::Session::own_pooled:
    return "session mode: the migration lock holds";
  case pg::Session::shared:
    break;
  }
  return ctx.config.direct_url.empty()
             ? "transaction mode: migrations need direct_url (DATABASE_DIRECT_URL)"
             : "transaction mode: migrations go through direct_url";
}

} // namespace

ExitCode run_wait(ops::Context& ctx, int seconds) {
  if (seconds < 0) {
    throw Error(ExitCode::usage, fmt::format("wait: {} is not a number of seconds", seconds),
                "give how long to wait, e.g. 'agentpg wait 60'");
  }
  pg::ConnParams params = ops::resolve_target_params(ctx, ops::Route::pooled);
  util::Clock::time_point start = util::Clock::now();
  std::unique_ptr<pg::Connection> conn = connect_waiting(ctx, params, seconds);
  double waited = std::chrono::duration<double>(util::Clock::now() - start).count();
  ctx.out.line(fmt::format("ready: {} accepts logins (after {:.1f} s)", params.display(), waited));
  ctx.out.emit(Json::object()
                   .set("command", "wait")
                   .set("ok", true)
                   .set("url", params.display())
                   .set("waited_seconds", waited));
  return ExitCode::ok;
}

ExitCode run_check(ops::Context& ctx, const CheckOptions& options) {
  // `check --wait` and the global `--wait` are one wait: connect_waiting's, which also
  // waits for the database to be created.
  int wait_seconds = std::max(options.wait_seconds, ctx.config.wait_seconds);
  if (!options.html.empty()) {
    check_html_target(ctx, options.html);
  }
  // A REDIS_URL that cannot be read is a configuration error, before anything connects.
  std::optional<redis::RedisUrl> redis_url;
  if (!ctx.config.redis_url.empty()) {
    redis_url = redis::RedisUrl::parse(ctx.config.redis_url);
  }
  pg::ConnParams params = ops::resolve_target_params(ctx, ops::Route::pooled);
  std::unique_ptr<pg::Connection> conn = connect_waiting(ctx, params, wait_seconds);
  ops::check_transport(ctx, params, *conn);
  pg::TlsStatus tls = conn->tls_status();
  double latency = pg::ping_ms(*conn);
  pg::Session session = pg::probe_session(*conn, params, ctx.config.connect_timeout);
  std::string direct_url = ops::direct_url_display(ctx);
  bool history = pg::table_exists(*conn, "agentpg", pg::history_table_name());
  SchemaCheck schema = check_schema(ctx, *conn);
  // Redis not answering fails the check (exit 3), as the database not answering does.
  std::optional<redis::RedisInfo> redis_info;
  if (redis_url) {
    redis_info = redis::probe(*redis_url, ctx.config.connect_timeout);
    for (check::Finding& f : check::judge_redis(*redis_info)) {
      schema.findings.push_back(std::move(f));
    }
  }
  std::string embedding_type = pg::column_type(*conn, "chad", "embeddings", "embedding");
  std::string embeddings =
      embedding_type.empty() ? ""
      : embedding_type.rfind("vector", 0) == 0
          ? "pgvector " + embedding_type + " with an HNSW cosine index"
          : "portable real[1536]: no index, every search is an exact scan of all embeddings";

  Json report = Json::object();
  report.set("ok", schema.code == ExitCode::ok)
      .set("url", params.display())
      .set("server_version", conn->server_version())
      .set("database", conn->database())
      .set("user", conn->user())
      .set("latency_ms", latency)
      .set("tls", Json::object()
                      .set("in_use", tls.in_use)
                      .set("unix_socket", tls.unix_socket)
                      .set("protocol", tls.in_use ? Json(tls.protocol) : Json())
                      .set("cipher", tls.in_use ? Json(tls.cipher) : Json()))
      .set("pooler", pooler_word(session))
      .set("direct_url", direct_url.empty() ? Json() : Json(direct_url))
      .set("history_table", history)
      .set("schema", schema.json)
      .set("embeddings",
           embedding_type.empty()
               ? Json()
               : Json(embedding_type.rfind("vector", 0) == 0 ? "pgvector" : "portable"))
      .set("exit_code", core::to_int(schema.code));
  if (redis_info) {
    report.set("redis", check::redis_json(*redis_url, *redis_info));
  }
  std::optional<HealthReport> health;
  if (options.report || !options.html.empty()) {
    health = check::build_report(*conn, ctx.config.report_blocking_seconds, schema.findings,
                                 ctx.out.table_width());
    report.set("report", health->json);
  }
  if (!options.html.empty()) {
    write_html(ctx, options.html, html_page(*conn, params, *health));
    if (options.html != "-") {
      report.set("html_file", util::absolute_path(options.html));
    }
  }
  std::optional<SchemaFileCheck> file;
  ExitCode code = schema.code;
  if (options.schema_file) {
    file = compare_schema_file(ctx, params);
    report.set("schema_file", file->json());
    if (!file->matches && (code == ExitCode::ok || code == ExitCode::not_latest)) {
      code = ExitCode::validation;
    }
    report.set("ok", code == ExitCode::ok).set("exit_code", core::to_int(code));
  }
  bool failing = health && check::fails_on(health->findings, options.fail_on);
  if (failing) {
    report.set("ok", false).set("exit_code", 1);
  }
  ctx.out.emit(report);

  const core::Output& out = ctx.out;
  // `--html -`: stdout holds the page, and only the page.
  if (options.html != "-") {
    out.line(fmt::format("{} connected to {}", out.paint(core::Style::green, "ok"),
                         pg::as_connected(params, *conn).display()));
    std::vector<std::vector<std::string>> rows = {
        {"  server", "PostgreSQL " + conn->server_version()},
        {"  database", conn->database()},
        {"  user", conn->user()},
        {"  latency", fmt::format("{:.1f} ms", latency)},
        {"  tls", tls.in_use        ? fmt::format("yes: {} {}", tls.protocol, tls.cipher)
                  : tls.unix_socket ? std::string("no (unix socket: local, not on the network)")
                                    : std::string("no: NOT encrypted")},
        {"  pooler", pooler_text(ctx, session)},
        {"  migrate", direct_url.empty() ? std::string("through this connection")
                                         : fmt::format("{} (direct_url from {})", direct_url,
                                                       ctx.config.direct_url_origin)},
        {"  history", history ? pg::history_table_shown() : "none yet (nothing migrated)"},
        {"  schema", schema.summary}};
    if (!embeddings.empty()) {
      rows.push_back({"  embeddings", embeddings});
    }
    if (file) {
      rows.push_back({"  schema file",
                      file->matches ? fmt::format("{}: matches the database", file->path)
                                    : fmt::format("{}: DIFFERS from the database ({} object{})",
                                                  file->path, file->objects.size(),
                                                  file->objects.size() == 1 ? "" : "s")});
    }
    if (redis_info) {
      for (auto& row : check::redis_rows(*redis_url, *redis_info)) {
        rows.push_back(std::move(row));
      }
    }
    out.table(rows);
    if (file && !file->matches) {
      out.line(fmt::format("what differs (the file, then the database):\n  {}\n{}",
                           util::join(file->objects, "\n  "), file->diff));
    }
    if (health) {
      out.line(health->text);
    }
    if (!options.html.empty()) {
      out.line(fmt::format("HTML report written to {}", options.html));
    }
  }
  if (failing) {
    out.notice(fmt::format("agentpg: findings at or above '{}': exit 1", options.fail_on));
    return ExitCode::unexpected;
  }
  if (schema.code != ExitCode::ok) {
    out.notice(
        schema.code == ExitCode::not_latest
            ? "agentpg: schema is not at latest: run 'agentpg migrate' (exit 7)"
            : "agentpg: migrations changed, missing or failed: see 'agentpg status' (exit 5)");
  }
  if (file && !file->matches) {
    out.notice(fmt::format("agentpg: the database differs from {}: migrate it, or write the "
                           "file again with 'agentpg dump' if the database is right (exit 5)",
                           file->path));
  }
  return code;
}

} // namespace agentpg::ops
