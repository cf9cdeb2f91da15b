#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "ops/lifecycle.hpp"

namespace agentpg::cli {

void wire_drop_db(CLI::App* cmd, Runtime& runtime) {
  auto options = std::make_shared<ops::DropDbCommand>();
  cmd->add_flag("--force", options->force, "terminate other sessions using it first");
  cmd->callback([&runtime, options] {
    runtime.action = [options](ops::Context& ctx) { return ops::run_drop_db(ctx, *options); };
  });
}

} // namespace agentpg::cli
