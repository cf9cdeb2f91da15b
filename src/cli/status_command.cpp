#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "ops/migrate.hpp"

namespace agentpg::cli {

void wire_status(CLI::App* cmd, Runtime& runtime) {
  auto options = std::make_shared<ops::StatusCommand>();
  cmd->add_flag("--exit-code", options->exit_code,
                "exit 5 when a migration failed, changed or is missing (drift: not with "
                "--allow-drift), else 1 when some are pending");
  cmd->add_flag(
      "--diff", options->diff,
      "show how each changed migration differs from the text recorded when it was applied");
  cmd->callback([&runtime, options] {
    runtime.action = [options](ops::Context& ctx) { return ops::run_status(ctx, *options); };
  });
}

} // namespace agentpg::cli
