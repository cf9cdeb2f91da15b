#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "ops/migrate.hpp"

namespace agentpg::cli {

void wire_redo(CLI::App* cmd, Runtime& runtime) {
  auto options = std::make_shared<ops::RedoCommand>();
  cmd->add_option("--steps", options->steps, "how many of the newest to revert and apply again")
      ->capture_default_str();
  cmd->add_flag("--dry-run", options->dry_run, "print the SQL that would run; change nothing");
  cmd->callback([&runtime, options] {
    runtime.action = [options](ops::Context& ctx) { return ops::run_redo(ctx, *options); };
  });
}

void wire_accept(CLI::App* cmd, Runtime& runtime) {
  auto options = std::make_shared<ops::AcceptCommand>();
  cmd->add_option("version", options->versions,
                  "applied migrations whose change is intended (a missing one is forgotten)")
      ->required()
      ->type_name("VERSION");
  cmd->add_flag("--dry-run", options->dry_run,
                "print the history writes it would make; change nothing");
  cmd->callback([&runtime, options] {
    runtime.action = [options](ops::Context& ctx) { return ops::run_accept(ctx, *options); };
  });
}

void wire_diff(CLI::App* cmd, Runtime& runtime) {
  auto options = std::make_shared<ops::DiffCommand>();
  cmd->add_option("version", options->version, "an applied migration")
      ->required()
      ->type_name("VERSION");
  cmd->callback([&runtime, options] {
    runtime.action = [options](ops::Context& ctx) { return ops::run_diff(ctx, *options); };
  });
}

} // namespace agentpg::cli
