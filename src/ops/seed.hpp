#pragma once
// `agentpg seed`, and the seed step of `init`.
#include <string>

#include "core/error.hpp"
#include "ops/context.hpp"

namespace agentpg::pg {
class Connection;
}

namespace agentpg::ops {

struct SeedCommand {
  std::string environment; // "" = the configured environment
  bool reset = false;
  bool dry_run = false;
};

core::ExitCode run_seed(Context& ctx, const SeedCommand& command);
// The seed step of init (no reset), reporting as run_seed does.
void seed_for_init(Context& ctx, pg::Connection& conn, const std::string& environment);

} // namespace agentpg::ops
