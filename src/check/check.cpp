#include "check/check.hpp"

#include <chrono>
#include <thread>

#include <fmt/format.h>

#include "config/target.hpp"
#include "pg/catalog.hpp"
#include "pg/connection.hpp"
#include "util/time.hpp"

namespace agentpg::check {

namespace {

using core::Error;
using core::ExitCode;
using core::Json;

// Connects, retrying until `wait_seconds` have passed when the server is not there yet
// (starting, refusing, database not created yet): the container-entrypoint case.
std::unique_ptr<pg::Connection> connect_waiting(const core::Context& ctx, const config::ConnParams& params,
                                                int wait_seconds) {
  util::Clock::time_point start = util::Clock::now();
  auto deadline = start + std::chrono::seconds(wait_seconds);
  bool announced = false;
  while (true) {
    try {
      int remaining = static_cast<int>(
          std::chrono::duration_cast<std::chrono::seconds>(deadline - util::Clock::now()).count());
      int timeout = wait_seconds > 0 ? std::max(2, std::min(ctx.config.connect_timeout, remaining)) : ctx.config.connect_timeout;
      return pg::Connection::open(params, timeout);
    } catch (const Error& e) {
      if (e.code() != ExitCode::connection || util::Clock::now() + std::chrono::milliseconds(250) >= deadline) {
        throw;
      }
      if (!announced) {
        ctx.out.notice(fmt::format("agentpg: waiting up to {} s for {}", wait_seconds, params.display()));
        announced = true;
      }
      ctx.out.detail(fmt::format("not ready yet: {}", e.what()));
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
  }
}

} // namespace

ExitCode run_check(core::Context& ctx, const CheckOptions& options) {
  config::ConnParams params = config::target_params(ctx);
  std::unique_ptr<pg::Connection> conn = connect_waiting(ctx, params, options.wait_seconds);
  double latency = pg::ping_ms(*conn);
  bool history = pg::table_exists(*conn, "agentpg", "schema_migrations");

  Json report = Json::object();
  report.set("ok", true)
      .set("url", params.display())
      .set("server_version", conn->server_version())
      .set("database", conn->database())
      .set("user", conn->user())
      .set("latency_ms", latency)
      .set("history_table", history);
  ctx.out.emit(report);

  const core::Output& out = ctx.out;
  out.line(fmt::format("{} connected to {}", out.paint(core::Style::green, "ok"), params.display()));
  out.line(core::format_table({{"  server", "PostgreSQL " + conn->server_version()},
                               {"  database", conn->database()},
                               {"  user", conn->user()},
                               {"  latency", fmt::format("{:.1f} ms", latency)},
                               {"  history", history ? "agentpg.schema_migrations" : "none yet (nothing migrated)"}}));
  return ExitCode::ok;
}

} // namespace agentpg::check
