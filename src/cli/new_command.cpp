#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "ops/migrate.hpp"

namespace agentpg::cli {

void wire_new(CLI::App* cmd, Runtime& runtime) {
  auto options = std::make_shared<ops::NewCommand>();
  cmd->add_option("name", options->name,
                  "what it does, e.g. add_agents_table or \"Add agents table\" (made lower-case "
                  "letters, digits and _)")
      ->required();
  cmd->add_option("--module", options->module, "module folder under the migrations folder")
      ->type_name("MODULE");
  cmd->callback([&runtime, options] {
    runtime.action = [options](ops::Context& ctx) { return ops::run_new(ctx, *options); };
  });
}

} // namespace agentpg::cli
