#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "migrate/commands.hpp"

namespace agentpg::cli {

void wire_migrate(CLI::App* cmd, Runtime& runtime) {
  auto options = std::make_shared<migrate::MigrateCommand>();
  cmd->add_option("--to", options->to, "stop after this version")->type_name("VERSION");
  cmd->add_flag("--dry-run", options->dry_run, "print the SQL that would run (history writes included); change nothing");
  cmd->add_flag("--resume", options->resume,
                "run a failed transaction:false migration again from the statement that failed");
  cmd->add_flag("--forget-failed", options->forget_failed,
                "delete the history row of a failed migration (after undoing its effects by hand)");
  cmd->add_flag("--backup-first", options->backup_first,
                "take a backup (custom format, to the backup folder) before applying anything");
  cmd->callback([&runtime, options] {
    runtime.action = [options](core::Context& ctx) { return migrate::run_migrate(ctx, *options); };
  });
}

} // namespace agentpg::cli
