#pragma once
// Which database this run talks to.
#include <memory>

#include "ops/context.hpp"
#include "pg/conn_params.hpp"

namespace agentpg::pg {
class Connection;
}

namespace agentpg::ops {

// --local's cluster (started when needed), else the configured URL, else libpq's own
// environment (PGHOST, PGDATABASE, service files). Throws core::Error (usage) when
// nothing says where the database is.
pg::ConnParams target_params(const ops::Context& ctx);

// Connects to the target (exit 3 on failure).
std::unique_ptr<pg::Connection> connect_target(const ops::Context& ctx);

// The same server's maintenance database ("postgres"), for CREATE/DROP DATABASE.
pg::ConnParams maintenance_params(const pg::ConnParams& target);

} // namespace agentpg::ops
