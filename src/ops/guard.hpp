#pragma once
// The guard of destructive commands (drop-db, create-db --force, rollback, seed --reset):
// refused in production without --allow-production; confirmed on a terminal; refused
// without --yes when stdin is not a terminal.
#include <string>

#include "ops/context.hpp"

namespace agentpg::ops {

// Returns when the action may go ahead; throws core::Error (exit 8) when it may not.
// `action` completes "about to ...", e.g. "drop database app_dev".
void confirm_destructive(const Context& ctx, const std::string& action);

} // namespace agentpg::ops
