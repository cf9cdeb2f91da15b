#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "ops/seed.hpp"

namespace agentpg::cli {

void wire_seed(CLI::App* cmd, Runtime& runtime) {
  auto options = std::make_shared<ops::SeedCommand>();
  cmd->add_option("--env", options->environment,
                  "seed environment (default: the environment setting)")
      ->type_name("ENVIRONMENT");
  cmd->add_flag("--reset", options->reset,
                "empty the tables this environment seeds first (guarded)");
  cmd->add_flag("--dry-run", options->dry_run,
                "load everything, report the counts, then roll it all back and put back the "
                "sequences it moved");
  cmd->callback([&runtime, options] {
    runtime.action = [options](ops::Context& ctx) { return ops::run_seed(ctx, *options); };
  });
}

} // namespace agentpg::cli
