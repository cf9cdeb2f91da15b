#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "migrate/lifecycle.hpp"

namespace agentpg::cli {

void add_init_command(CLI::App& app, Runtime& runtime) {
  CLI::App* cmd = app.add_subcommand(
      "init", "create the database if missing, migrate to latest, seed if configured (safe to repeat)");
  cmd->callback([&runtime] { runtime.action = [](core::Context& ctx) { return migrate::run_init(ctx); }; });
}

} // namespace agentpg::cli
