#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "migrate/commands.hpp"

namespace agentpg::cli {

void add_status_command(CLI::App& app, Runtime& runtime) {
  auto options = std::make_shared<migrate::StatusCommand>();
  CLI::App* cmd = app.add_subcommand("status", "show applied, pending, changed, missing and failed migrations");
  cmd->add_flag("--exit-code", options->exit_code, "exit 1 when migrations are pending");
  cmd->callback([&runtime, options] {
    runtime.action = [options](core::Context& ctx) { return migrate::run_status(ctx, *options); };
  });
}

} // namespace agentpg::cli
