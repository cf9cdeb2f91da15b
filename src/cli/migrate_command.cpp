#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "ops/migrate.hpp"

namespace agentpg::cli {

void wire_migrate(CLI::App* cmd, Runtime& runtime) {
  auto options = std::make_shared<ops::MigrateCommand>();
  cmd->add_option("--to", options->to, "stop after this version")->type_name("VERSION");
  cmd->add_flag("--dry-run", options->dry_run,
                "print the SQL that would run (history writes included); change nothing");
  cmd->add_flag("--resume", options->resume,
                "run a failed migration (transaction:false, or with its own BEGIN/COMMIT) again "
                "from the statement "
                "that failed");
  cmd->add_option("--resume-from", options->resume_from,
                  "run a failed or interrupted migration again from statement N (an interrupted "
                  "statement's outcome "
                  "is unknown: say where to go on)")
      ->type_name("N")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--forget-failed", options->forget_failed,
                "forget a failure, after settling its effects by hand: a failed migration is no "
                "longer applied, a "
                "failed rollback is applied again");
  cmd->add_flag("--backup-first", options->backup_first,
                "take a backup (custom format, to the backup folder) before applying anything");
  cmd->callback([&runtime, options] {
    runtime.action = [options](ops::Context& ctx) { return ops::run_migrate(ctx, *options); };
  });
}

} // namespace agentpg::cli
