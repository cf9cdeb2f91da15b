#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "local/commands.hpp"

namespace agentpg::cli {

void wire_local(CLI::App* cmd, Runtime& runtime) {
  cmd->require_subcommand(1);
  const std::pair<const char*, local::LocalAction> actions[] = {
      {"start", local::LocalAction::start},   {"stop", local::LocalAction::stop},
      {"status", local::LocalAction::status}, {"url", local::LocalAction::url},
      {"destroy", local::LocalAction::destroy},
  };
  const char* help[] = {"initialise (first time) and start the local server", "stop the local server",
                        "show whether it runs, its port and folders (exit 3 when not running)",
                        "print the connection URL of the local database", "stop it and delete .agentpg/"};
  for (size_t i = 0; i < std::size(actions); ++i) {
    local::LocalAction action = actions[i].second;
    cmd->add_subcommand(actions[i].first, help[i])->callback([&runtime, action] {
      runtime.action = [action](core::Context& ctx) { return local::run_local(ctx, action); };
    });
  }
}

} // namespace agentpg::cli
