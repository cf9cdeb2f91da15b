#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "ops/migrate.hpp"

namespace agentpg::cli {

void wire_rollback(CLI::App* cmd, Runtime& runtime) {
  auto options = std::make_shared<ops::RollbackCommand>();
  CLI::Option* steps =
      cmd->add_option("--steps", options->steps, "how many to revert")->capture_default_str();
  cmd->add_option("--to", options->to, "revert everything newer than VERSION ('base': everything)")
      ->type_name("VERSION|base")
      ->excludes(steps);
  cmd->add_flag("--dry-run", options->dry_run, "print the SQL that would run; change nothing");
  cmd->add_flag(
      "--resume", options->resume,
      "run a failed down section (transaction:false, or with its own BEGIN/COMMIT) again from the "
      "statement that failed, and stop");
  cmd->add_flag(
      "--recorded-down", options->recorded_down,
      "with --allow-drift: for a changed file, run the down section recorded when it was applied "
      "(a missing file's recorded down section is used in any case)");
  cmd->add_option("--resume-from", options->resume_from,
                  "run a failed or interrupted down section again from statement N, and stop")
      ->type_name("N")
      ->check(CLI::PositiveNumber);
  cmd->callback([&runtime, options] {
    runtime.action = [options](ops::Context& ctx) { return ops::run_rollback(ctx, *options); };
  });
}

} // namespace agentpg::cli
