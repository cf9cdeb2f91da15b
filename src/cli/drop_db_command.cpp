#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "migrate/lifecycle.hpp"

namespace agentpg::cli {

void add_drop_db_command(CLI::App& app, Runtime& runtime) {
  auto options = std::make_shared<migrate::DropDbCommand>();
  CLI::App* cmd = app.add_subcommand("drop-db", "drop the database (guarded: confirmation, --yes, refused in production)");
  cmd->add_flag("--force", options->force, "terminate other sessions using it first");
  cmd->callback([&runtime, options] {
    runtime.action = [options](core::Context& ctx) { return migrate::run_drop_db(ctx, *options); };
  });
}

} // namespace agentpg::cli
