#pragma once
// `agentpg maintain`: the bundled schemas' upkeep jobs, each transactional and idempotent:
// releasing Caracal's expired provisional charges, Agent Agency's retention windows, and
// ANALYZE of tables whose statistics are stale. --schedule hands them to pg_cron.
#include <string>

#include "core/error.hpp"
#include "ops/context.hpp"

namespace agentpg::ops {

struct MaintainCommand {
  bool dry_run = false; // count what would change; change nothing
  std::string only;     // expired-charges, retention or analyze; "" = all
  bool schedule = false;
  bool unschedule = false;
};

core::ExitCode run_maintain(ops::Context& ctx, const MaintainCommand& command);

} // namespace agentpg::ops
