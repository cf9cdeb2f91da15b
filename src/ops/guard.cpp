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

// How many answers that are neither yes nor no are asked again before giving up.
constexpr int k_asks = 3;

// Asks on the terminal, after listing `items`; throws (exit 8) unless the answer is y or
// yes (any case). n, no, an empty answer or the end of input stop at once; anything else
// asks again, up to k_asks times.
void ask(const Context& ctx, const std::string& action, const std::vector<std::string>& items) {
  fmt::print(stderr, "About to {} ({} environment){}\n", action, ctx.config.environment_name,
             items.empty() ? "." : ":");
  for (const auto& item : items) {
    fmt::print(stderr, "  {}\n", item);
  }
  for (int i = 0; i < k_asks; ++i) {
    fmt::print(stderr, "{}",
               i == 0 ? "Type 'yes' to go on, 'no' to stop [y/N]: "
                      : "Please answer 'yes' or 'no' [y/N]: ");
    std::fflush(stderr);
    std::string answer;
    if (!std::getline(std::cin, answer)) {
      fmt::print(stderr, "\n");
      break;
    }
    answer = util::to_lower(util::trim(answer));
    if (answer == "y" || answer == "yes") {
      return;
    }
    if (answer.empty() || answer == "n" || answer == "no") {
      break;
    }
  }
  throw Error(ExitCode::refused, fmt::format("did not {}: not confirmed", action));
}

} // namespace

void confirm_destructive(const Context& ctx, const std::string& action,
                         const std::vector<std::string>& items) {
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
  ask(ctx, action, items);
}

bool stdin_is_terminal() {
  return ::isatty(STDIN_FILENO) != 0;
}

void confirm_on_terminal(const Context& ctx, const std::string& action,
                         const std::string& details) {
  fmt::print(stderr, "{}", details);
  ask(ctx, action, {});
}

void guard_seeding(const Context& ctx, const std::string& seed_environment) {
  if ((ctx.config.production() || seed_environment == "production") &&
      !ctx.config.allow_production) {
    throw Error(ExitCode::refused, "refused to seed the production environment",
                "pass --allow-production if production really needs these rows");
  }
}

} // namespace agentpg::ops
