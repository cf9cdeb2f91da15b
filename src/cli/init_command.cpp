#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "ops/lifecycle.hpp"

namespace agentpg::cli {

void wire_init(CLI::App* cmd, Runtime& runtime) {
  auto options = std::make_shared<ops::InitCommand>();
  cmd->add_flag("--migrate", options->migrate,
                "migrate to latest even where auto_migrate is off (in production it is off "
                "unless set)");
  cmd->callback([&runtime, options] {
    runtime.action = [options](ops::Context& ctx) { return ops::run_init(ctx, *options); };
  });
}

} // namespace agentpg::cli
