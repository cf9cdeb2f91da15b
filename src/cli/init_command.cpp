#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "ops/lifecycle.hpp"

namespace agentpg::cli {

void wire_init(CLI::App* cmd, Runtime& runtime) {
  cmd->callback(
      [&runtime] { runtime.action = [](ops::Context& ctx) { return ops::run_init(ctx); }; });
}

} // namespace agentpg::cli
