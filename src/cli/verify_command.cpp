#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "ops/verify.hpp"

namespace agentpg::cli {

void wire_verify(CLI::App* cmd, Runtime& runtime) {
  auto options = std::make_shared<ops::VerifyMigrationsCommand>();
  cmd->add_flag("--pending", options->pending,
                "check only the migrations not applied in the configured database (those before "
                "them are applied on the scratch database without checking)");
  cmd->callback([&runtime, options] {
    runtime.action = [options](ops::Context& ctx) {
      return ops::run_verify_migrations(ctx, *options);
    };
  });
}

} // namespace agentpg::cli
