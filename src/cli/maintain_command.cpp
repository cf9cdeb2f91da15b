#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "ops/maintain.hpp"

namespace agentpg::cli {

void wire_maintain(CLI::App* cmd, Runtime& runtime) {
  auto options = std::make_shared<ops::MaintainCommand>();
  cmd->add_flag("--dry-run", options->dry_run, "count what each job would change; change nothing");
  cmd->add_option("--only", options->only, "run one job: expired-charges, retention or analyze")
      ->check(CLI::IsMember({"expired-charges", "retention", "analyze"}));
  CLI::Option* schedule =
      cmd->add_flag("--schedule", options->schedule, "register the jobs with pg_cron instead");
  cmd->add_flag("--unschedule", options->unschedule, "remove the jobs from pg_cron")
      ->excludes(schedule);
  cmd->callback([&runtime, options] {
    runtime.action = [options](ops::Context& ctx) { return ops::run_maintain(ctx, *options); };
  });
}

} // namespace agentpg::cli
