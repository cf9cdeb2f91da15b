#include <CLI/CLI.hpp>

#include "check/check.hpp"
#include "cli/commands.hpp"

namespace agentpg::cli {

void add_check_command(CLI::App& app, Runtime& runtime) {
  auto options = std::make_shared<check::CheckOptions>();
  CLI::App* cmd = app.add_subcommand("check", "check connectivity, server version and the schema's state");
  cmd->add_option("--wait", options->wait_seconds,
                  "keep trying this many seconds until the database accepts logins (container start-up)")
      ->type_name("SECONDS")
      ->capture_default_str();
  cmd->callback([&runtime, options] {
    runtime.action = [options](core::Context& ctx) { return check::run_check(ctx, *options); };
  });
}

} // namespace agentpg::cli
