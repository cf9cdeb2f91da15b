#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "migrate/lifecycle.hpp"

namespace agentpg::cli {

void wire_init(CLI::App* cmd, Runtime& runtime) {
  cmd->callback([&runtime] { runtime.action = [](ops::Context& ctx) { return migrate::run_init(ctx); }; });
}

} // namespace agentpg::cli
