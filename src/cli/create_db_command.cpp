#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "ops/lifecycle.hpp"

namespace agentpg::cli {

void wire_create_db(CLI::App* cmd, Runtime& runtime) {
  auto options = std::make_shared<ops::CreateDbCommand>();
  cmd->add_flag("--force", options->force,
                "drop it first (guarded: confirmation, --yes, refused in production)");
  cmd->callback([&runtime, options] {
    runtime.action = [options](ops::Context& ctx) { return ops::run_create_db(ctx, *options); };
  });
}

} // namespace agentpg::cli
