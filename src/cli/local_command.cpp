#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "ops/local.hpp"

namespace agentpg::cli {

void wire_local(CLI::App* cmd, Runtime& runtime) {
  cmd->require_subcommand(1);
  const std::pair<const char*, ops::LocalAction> actions[] = {
      {"start", ops::LocalAction::start},     {"stop", ops::LocalAction::stop},
      {"status", ops::LocalAction::status},   {"url", ops::LocalAction::url},
      {"destroy", ops::LocalAction::destroy},
  };
  const char* help[] = {"initialise (first time) and start the local server",
                        "stop the local server",
                        "show whether it runs, its port and folders (exit 3 when not running)",
                        "print the connection URL of the local database",
                        "stop it and delete .agentpg/ (guarded: confirmation, --yes)"};
  for (size_t i = 0; i < std::size(actions); ++i) {
    ops::LocalAction action = actions[i].second;
    cmd->add_subcommand(actions[i].first, help[i])->callback([&runtime, action] {
      runtime.action = [action](ops::Context& ctx) { return ops::run_local(ctx, action); };
    });
  }
}

} // namespace agentpg::cli
