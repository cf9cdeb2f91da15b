#include "ops/local.hpp"

#include <fmt/format.h>

#include "local/cluster.hpp"
#include "ops/guard.hpp"
#include "util/files.hpp"

namespace agentpg::ops {

using local::Cluster;
using local::ClusterStatus;
using local::State;

namespace {

const char* state_name(State state) {
  switch (state) {
  case State::absent:
    return "absent";
  case State::stopped:
    return "stopped";
  case State::running:
    return "running";
  }
  return "absent";
}

core::Json status_json(const ClusterStatus& status, const std::string& url) {
  return core::Json::object()
      .set("state", state_name(status.state))
      .set("port", status.port)
      .set("server_version", status.server_version)
      .set("data_dir", status.data_dir)
      .set("socket_dir", status.socket_dir)
      .set("log_file", status.log_file)
      .set("url", url);
}

} // namespace

core::ExitCode run_local(ops::Context& ctx, LocalAction action) {
  Cluster cluster({ctx.config.local_dir, ctx.config.local_user, ctx.config.local_database});
  const core::Output& out = ctx.out;
  auto url_of = [&] { return cluster.params(ctx.config.local_database).display(); };
  std::string url = url_of();
  switch (action) {
  case LocalAction::start: {
    ClusterStatus status = cluster.ensure_running(out);
    url = url_of();
    out.emit(status_json(status, url));
    out.line(fmt::format("local PostgreSQL {} running on port {}: {}", status.server_version,
                         status.port, url));
    break;
  }
  case LocalAction::stop: {
    bool stopped = cluster.stop();
    out.emit(core::Json::object().set("stopped", stopped));
    out.line(stopped ? "local PostgreSQL stopped" : "local PostgreSQL was not running");
    break;
  }
  case LocalAction::status: {
    ClusterStatus status = cluster.status();
    out.emit(status_json(status, url));
    // Not fitted to the terminal: the paths and the URL are there to be copied whole.
    out.line(core::format_table({{"state", state_name(status.state)},
                                 {"version", status.server_version},
                                 {"port", status.port ? std::to_string(status.port) : ""},
                                 {"data", status.data_dir},
                                 {"log", status.log_file},
                                 {"url", url}}));
    return status.state == State::running ? core::ExitCode::ok : core::ExitCode::connection;
  }
  case LocalAction::url:
    // The URL is the output even with --quiet: scripts capture it.
    if (ctx.out.json()) {
      out.emit(core::Json::object().set("url", url));
    } else {
      fmt::print("{}\n", url);
    }
    break;
  case LocalAction::destroy:
    // Guarded as drop-db is: asked on a terminal, refused without --yes off one.
    if (util::path_exists(ctx.config.local_dir)) {
      ClusterStatus status = cluster.status();
      std::vector<std::string> items = {fmt::format(
          "{}: the local cluster's databases, configuration and log", ctx.config.local_dir)};
      if (status.state == State::running) {
        items.push_back(fmt::format("the server running on port {} (stopped first)", status.port));
      }
      confirm_destructive(ctx, "delete the local PostgreSQL cluster", items);
    }
    cluster.destroy();
    out.emit(core::Json::object().set("destroyed", ctx.config.local_dir));
    out.line(fmt::format("deleted {}", ctx.config.local_dir));
    break;
  }
  return core::ExitCode::ok;
}

} // namespace agentpg::ops
