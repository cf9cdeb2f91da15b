#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "migrate/commands.hpp"

namespace agentpg::cli {

void wire_rollback(CLI::App* cmd, Runtime& runtime) {
  auto options = std::make_shared<migrate::RollbackCommand>();
  CLI::Option* steps = cmd->add_option("--steps", options->steps, "how many to revert")->capture_default_str();
  cmd->add_option("--to", options->to, "revert everything newer than VERSION ('base': everything)")
      ->type_name("VERSION|base")
      ->excludes(steps);
  cmd->add_flag("--dry-run", options->dry_run, "print the SQL that would run; change nothing");
  cmd->callback([&runtime, options] {
    runtime.action = [options](core::Context& ctx) { return migrate::run_rollback(ctx, *options); };
  });
}

} // namespace agentpg::cli
