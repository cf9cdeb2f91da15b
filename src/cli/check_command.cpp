#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "ops/check.hpp"

namespace agentpg::cli {

void wire_check(CLI::App* cmd, Runtime& runtime) {
  auto options = std::make_shared<ops::CheckOptions>();
  cmd->add_option(
         "--wait", options->wait_seconds,
         "keep trying this many seconds until the database accepts logins (container start-up)")
      ->type_name("SECONDS")
      ->capture_default_str();
  cmd->add_flag(
      "--report", options->report,
      "also report sizes, index use, dead rows, connections, blocking, top statements, replicas, "
      "extensions, and findings with a severity");
  cmd->add_option("--fail-on", options->fail_on,
                  "with --report: exit 1 when a finding is at least this severe")
      ->check(CLI::IsMember({"warning", "critical"}));
  cmd->add_option("--html", options->html,
                  "also write the report as one self-contained HTML page (sizes as bars, "
                  "findings by severity, the migration timeline) to FILE, atomically, mode "
                  "0600 when new; '-' prints the page alone on stdout; implies --report")
      ->type_name("FILE");
  cmd->add_flag("--schema", options->schema_file,
                "also compare the database with the schema file (schema.sql): a unified diff and "
                "the objects that differ; exit 5 when they differ");
  cmd->callback([&runtime, options] {
    runtime.action = [options](ops::Context& ctx) { return ops::run_check(ctx, *options); };
  });
}

// dbmate's `wait`: for a container entrypoint or a CI step before the first command.
void wire_wait(CLI::App* cmd, Runtime& runtime) {
  auto seconds = std::make_shared<int>(60);
  cmd->add_option("seconds", *seconds, "how long to keep trying")
      ->type_name("SECONDS")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->callback([&runtime, seconds] {
    runtime.action = [seconds](ops::Context& ctx) { return ops::run_wait(ctx, *seconds); };
  });
}

} // namespace agentpg::cli
