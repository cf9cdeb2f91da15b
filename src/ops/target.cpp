#include "ops/target.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "core/error.hpp"
#include "local/cluster.hpp"
#include "pg/connection.hpp"
#include "pg/ping.hpp"
#include "pg/pooler.hpp"
#include "util/time.hpp"

namespace agentpg::ops {

namespace {

// The direct URL; an error in it says that it is the direct URL that is wrong.
pg::ConnParams parse_direct_url(const config::Config& config) {
  try {
    return pg::ConnParams::parse(config.direct_url);
  } catch (const core::Error& e) {
    throw core::Error(e.code(),
                      fmt::format("direct_url (from {}): {}", config.direct_url_origin, e.what()),
                      e.hint());
  }
}

} // namespace

pg::ConnParams resolve_target_params(const ops::Context& ctx, Route route) {
  const config::Config& config = ctx.config;
  if (config.local) {
    if (!config.database_url.empty() && !ctx.local_choice_told) {
      // Both are configured: say which one is used, so that nobody migrates the local
      // copy believing it is the database the URL names (or the other way round).
      ctx.local_choice_told = true;
      ctx.out.notice(fmt::format("agentpg: using the project-local PostgreSQL in {}/ (--local), "
                                 "not the database URL from {}",
                                 config.local_dir, config.database_url_origin));
    }
    local::Cluster cluster({config.local_dir, config.local_user, config.local_database});
    cluster.ensure_running(ctx.out);
    return cluster.params(config.local_database);
  }
  pg::ConnParams params;
  const bool direct =
      !config.direct_url.empty() && (route == Route::direct || config.database_url.empty());
  if (direct) {
    params = parse_direct_url(config);
  } else if (!config.database_url.empty()) {
    params = pg::ConnParams::parse(config.database_url);
  } else if (!config.libpq_configured) {
    throw core::Error(
        core::ExitCode::usage, "no database configured",
        fmt::format("set {} (or --database-url), or use --local for a project-local PostgreSQL",
                    config.url_env));
  }
  for (const auto& [keyword, value] : config.libpq_defaults) {
    params.set_default(keyword, value);
  }
  check_database_name(params.get("dbname"));
  return params;
}

namespace {

const char* describe(pg::ServerState state) {
  return state == pg::ServerState::rejecting
             ? "the server is there but does not accept connections yet (starting up or "
               "shutting down)"
             : "nothing answered: the server is not running or not reachable";
}

} // namespace

void wait_for_server(const ops::Context& ctx, const pg::ConnParams& params) {
  const int wait_seconds = ctx.config.wait_seconds;
  if (wait_seconds <= 0 || ctx.config.local) {
    return;
  }
  util::Clock::time_point deadline = util::Clock::now() + std::chrono::seconds(wait_seconds);
  bool announced = false;
  while (true) {
    auto remaining = std::chrono::duration_cast<std::chrono::seconds>(
                         deadline - util::Clock::now() + std::chrono::milliseconds(999))
                         .count();
    // libpq's smallest connect_timeout is 2 s; a refused port answers at once anyway.
    int timeout = std::max(2, std::min(ctx.config.connect_timeout, static_cast<int>(remaining)));
    pg::ServerState state = pg::ping_server(params, timeout);
    if (state == pg::ServerState::accepting || state == pg::ServerState::no_attempt) {
      // no_attempt: the settings are invalid, which the command's connection explains.
      return;
    }
    util::Clock::time_point now = util::Clock::now();
    if (now >= deadline) {
      throw core::Error(core::ExitCode::connection,
                        fmt::format("gave up after {} s waiting for {} to accept connections: {}",
                                    wait_seconds, params.display(), describe(state)),
                        "start the server or check the host and port; raise --wait "
                        "(AGENTPG_WAIT) if it needs longer to start");
    }
    if (!announced) {
      ctx.out.notice(
          fmt::format("agentpg: waiting up to {} s for {}", wait_seconds, params.display()));
      announced = true;
    }
    ctx.out.detail(fmt::format("not ready yet: {}", describe(state)));
    // The last attempt is at the deadline itself: --wait 1 gives the server the whole second.
    std::this_thread::sleep_for(
        std::min<util::Clock::duration>(std::chrono::milliseconds(250), deadline - now));
  }
}

void check_database_name(const std::string& name) {
  constexpr size_t k_max_bytes = 63; // NAMEDATALEN - 1
  if (name.size() > k_max_bytes) {
    throw core::Error(
        core::ExitCode::usage,
        fmt::format("the database name {} is {} bytes long: PostgreSQL names are at most {} "
                    "bytes, and a longer one is cut short to name another database",
                    name, name.size(), k_max_bytes),
        "use a shorter name");
  }
}

pg::ConnParams target_params(const ops::Context& ctx, Route route) {
  pg::ConnParams params = resolve_target_params(ctx, route);
  wait_for_server(ctx, params);
  if (!ctx.config.production() || ctx.config.local || ctx.transport_checked) {
    return params;
  }
  // The database may not exist yet (init, create-db, restore): then its server's
  // maintenance database tells the same. When neither answers, the command's own
  // connection reports why.
  for (const pg::ConnParams& probe : {params, maintenance_params(params)}) {
    std::unique_ptr<pg::Connection> conn;
    try {
      conn = pg::Connection::open(probe, ctx.config.connect_timeout);
    } catch (const core::Error&) {
      continue;
    }
    check_transport(ctx, params, *conn);
    break;
  }
  return params;
}

namespace {

std::unique_ptr<pg::Connection> connect_to(const ops::Context& ctx, const pg::ConnParams& params) {
  wait_for_server(ctx, params);
  ctx.out.detail(fmt::format("connecting to {}", params.display()));
  util::Clock::time_point start = util::Clock::now();
  std::unique_ptr<pg::Connection> conn = pg::Connection::open(params, ctx.config.connect_timeout);
  ctx.out.detail(fmt::format("connected in {} (PostgreSQL {})",
                             util::format_duration_ms(util::elapsed_ms(start)),
                             conn->server_version()));
  check_transport(ctx, params, *conn);
  return conn;
}

} // namespace

std::unique_ptr<pg::Connection> connect_target(const ops::Context& ctx, Route route) {
  return connect_to(ctx, resolve_target_params(ctx, route));
}

void require_own_session(const ops::Context& ctx, const pg::ConnParams& params,
                         pg::Connection& conn) {
  if (ctx.config.local ||
      pg::probe_session(conn, params, ctx.config.connect_timeout) != pg::Session::shared) {
    return;
  }
  const config::Config& config = ctx.config;
  std::string hint =
      config.direct_url.empty()
          ? "give the database's own address for migrations, past the pooler: direct_url in "
            "agentpg.yaml, DATABASE_DIRECT_URL or --direct-url (the pooled URL stays for the "
            "application and for status and check); or use a pooler in session mode"
          : fmt::format("direct_url (from {}) must name the database itself, past the pooler, "
                        "or a pooler in session mode",
                        config.direct_url_origin);
  throw core::Error(core::ExitCode::usage,
                    fmt::format("{} goes through a connection pooler in transaction mode (the "
                                "server session changes hands between transactions): the "
                                "migration lock, a session-level advisory lock, cannot be held "
                                "there; nothing was changed",
                                params.display()),
                    hint);
}

std::unique_ptr<pg::Connection> connect_for_lock(const ops::Context& ctx) {
  pg::ConnParams params = resolve_target_params(ctx, Route::direct);
  std::unique_ptr<pg::Connection> conn = connect_to(ctx, params);
  require_own_session(ctx, params, *conn);
  return conn;
}

std::unique_ptr<pg::Connection> open_existing_for_lock(const ops::Context& ctx,
                                                       const pg::ConnParams& params) {
  std::unique_ptr<pg::Connection> conn;
  try {
    conn = pg::Connection::open(params, ctx.config.connect_timeout);
  } catch (const core::Error& e) {
    if (e.code() != core::ExitCode::connection) {
      throw;
    }
    return nullptr;
  }
  require_own_session(ctx, params, *conn);
  return conn;
}

std::string direct_url_display(const ops::Context& ctx) {
  const config::Config& config = ctx.config;
  if (config.local || config.direct_url.empty()) {
    return "";
  }
  return parse_direct_url(config).display();
}

void check_transport(const ops::Context& ctx, const pg::ConnParams& params,
                     const pg::Connection& conn) {
  if (!ctx.config.production() || ctx.transport_checked) {
    return;
  }
  ctx.transport_checked = true;
  pg::TlsStatus tls = conn.tls_status();
  if (tls.in_use || tls.unix_socket) {
    return;
  }
  bool sslmode_chosen = params.has("sslmode") || ctx.config.sslmode_configured;
  if (!sslmode_chosen && !ctx.config.allow_plaintext) {
    throw core::Error(
        core::ExitCode::usage,
        fmt::format("production: the connection to {} is not encrypted (no sslmode was given, "
                    "and libpq's default 'prefer' fell back to plain text)",
                    params.display()),
        "enable TLS on the server and add sslmode=require (or verify-full) to the URL; to "
        "accept plain text knowingly, give sslmode=disable or prefer, or set "
        "allow_plaintext: true (AGENTPG_ALLOW_PLAINTEXT=1, --allow-plaintext)");
  }
  ctx.out.warn(fmt::format(
      "production: the connection to {} is not encrypted ({})", params.display(),
      ctx.config.allow_plaintext
          ? "allow_plaintext is set"
          : "sslmode=" +
                (params.has("sslmode") ? params.get("sslmode") : std::string("$PGSSLMODE")) +
                " was chosen"));
}

pg::ConnParams maintenance_params(const pg::ConnParams& target) {
  pg::ConnParams params = target;
  params.set("dbname", "postgres");
  return params;
}

} // namespace agentpg::ops
