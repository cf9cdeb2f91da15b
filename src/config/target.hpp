#pragma once
// Which database this run talks to.
#include <memory>

#include "config/url.hpp"
#include "core/context.hpp"

namespace agentpg::pg {
class Connection;
}

namespace agentpg::config {

// --local's cluster (started when needed), else the configured URL, else libpq's own
// environment (PGHOST, PGDATABASE, service files). Throws core::Error (usage) when
// nothing says where the database is.
ConnParams target_params(const core::Context& ctx);

// Connects to the target (exit 3 on failure).
std::unique_ptr<pg::Connection> connect_target(const core::Context& ctx);

// The same server's maintenance database ("postgres"), for CREATE/DROP DATABASE.
ConnParams maintenance_params(const ConnParams& target);

} // namespace agentpg::config
