#pragma once
// The guards: of destructive commands (drop-db, create-db --force, rollback, seed --reset),
// refused in production without --allow-production, confirmed on a terminal, refused
// without --yes when stdin is not a terminal; and of seeding, refused in production
// without --allow-production.
#include <string>
#include <vector>

#include "ops/context.hpp"

namespace agentpg::ops {

// Returns when the action may go ahead; throws core::Error (exit 8) when it may not.
// `action` completes "about to ...", e.g. "drop database app_dev"; `items` (what will be
// reverted, emptied, dropped or replaced, one a line) are listed before the question. On a
// terminal, y or yes (any case) goes on; n, no, an empty answer or the end of input stop
// (exit 8); anything else is asked again, a few times, then stops.
void confirm_destructive(const Context& ctx, const std::string& action,
                         const std::vector<std::string>& items = {});

// Whether stdin is a terminal, where a question can be asked.
bool stdin_is_terminal();

// Prints `details` (what the action would change) on stderr, then asks on the terminal as
// confirm_destructive does; throws core::Error (exit 8) when the answer is anything else.
void confirm_on_terminal(const Context& ctx, const std::string& action, const std::string& details);

// Returns when the rows of `seed_environment` may be loaded; throws core::Error (exit 8)
// when the environment, or the seed environment, is production and --allow-production
// is not given. `seed` and `init` both ask here.
void guard_seeding(const Context& ctx, const std::string& seed_environment);

} // namespace agentpg::ops
