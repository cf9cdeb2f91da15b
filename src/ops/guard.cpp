#include "ops/guard.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <iostream>

#include "core/error.hpp"
#include "util/strings.hpp"

namespace agentpg::ops {

using core::Error;
using core::ExitCode;

namespace {

// Asks on the terminal; throws (exit 8) unless the answer is yes.
void ask(const Context& ctx, const std::string& action) {
  fmt::print(stderr, "About to {} ({} environment). Type 'yes' to go on: ", action,
             ctx.config.environment_name);
  std::fflush(stderr);
  std::string answer;
  std::getline(std::cin, answer);
  if (util::to_lower(util::trim(answer)) != "yes") {
    throw Error(ExitCode::refused, fmt::format("did not {}: not confirmed", action));
  }
}

} // namespace

void confirm_destructive(const Context& ctx, const std::string& action) {
  if (ctx.config.production() && !ctx.config.allow_production) {
    throw Error(ExitCode::refused,
                fmt::format("refused to {} in the production environment", action),
                "pass --allow-production (and --yes) if you really mean it");
  }
  if (ctx.config.yes) {
    return;
  }
  if (!stdin_is_terminal()) {
    throw Error(ExitCode::refused, fmt::format("refused to {} without confirmation", action),
                "stdin is not a terminal: pass --yes to confirm");
  }
  ask(ctx, action);
}

bool stdin_is_terminal() {
  return ::isatty(STDIN_FILENO) != 0;
}

void confirm_on_terminal(const Context& ctx, const std::string& action,
                         const std::string& details) {
  fmt::print(stderr, "{}", details);
  ask(ctx, action);
}

void guard_seeding(const Context& ctx, const std::string& seed_environment) {
  if ((ctx.config.production() || seed_environment == "production") &&
      !ctx.config.allow_production) {
    throw Error(ExitCode::refused, "refused to seed the production environment",
                "pass --allow-production if production really needs these rows");
  }
}

} // namespace agentpg::ops
