#include "ops/target.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "local/cluster.hpp"
#include "pg/connection.hpp"

namespace agentpg::ops {

pg::ConnParams target_params(const ops::Context& ctx) {
  const config::Config& config = ctx.config;
  if (config.local) {
    local::Cluster cluster({config.local_dir, config.local_user, config.local_database});
    cluster.ensure_running(ctx.out);
    return cluster.params(config.local_database);
  }
  pg::ConnParams params;
  if (!config.database_url.empty()) {
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
  return params;
}

std::unique_ptr<pg::Connection> connect_target(const ops::Context& ctx) {
  pg::ConnParams params = target_params(ctx);
  ctx.out.detail(fmt::format("connecting to {}", params.display()));
  return pg::Connection::open(params, ctx.config.connect_timeout);
}

pg::ConnParams maintenance_params(const pg::ConnParams& target) {
  pg::ConnParams params = target;
  params.set("dbname", "postgres");
  return params;
}

} // namespace agentpg::ops
