#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "migrate/lifecycle.hpp"

namespace agentpg::cli {

void add_create_db_command(CLI::App& app, Runtime& runtime) {
  auto options = std::make_shared<migrate::CreateDbCommand>();
  CLI::App* cmd = app.add_subcommand("create-db", "create the database (nothing to do when it exists)");
  cmd->add_flag("--force", options->force, "drop it first (guarded: confirmation, --yes, refused in production)");
  cmd->callback([&runtime, options] {
    runtime.action = [options](core::Context& ctx) { return migrate::run_create_db(ctx, *options); };
  });
}

} // namespace agentpg::cli
