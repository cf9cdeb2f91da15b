#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "ops/adopt.hpp"

namespace agentpg::cli {

void wire_adopt(CLI::App* cmd, Runtime& runtime) {
  auto options = std::make_shared<ops::AdoptCommand>();
  cmd->add_option("--from", options->tool, "the tool (default: found in search_path)")
      ->check(CLI::IsMember({"dbmate", "golang-migrate", "diesel", "flyway", "alembic"}));
  cmd->add_option("--table", options->table, "its history table (default: the tool's own name)")
      ->type_name("SCHEMA.TABLE");
  cmd->add_flag("--dry-run", options->dry_run,
                "print the history rows it would write; change nothing");
  cmd->add_flag("--allow-missing", options->rules.allow_missing,
                "adopt although some foreign versions have no file");
  cmd->add_flag("--mark-applied", options->rules.mark_applied,
                "also record files older than the foreign head that it has no row for");
  cmd->add_option("--dirty-is", options->rules.dirty_is,
                  "golang-migrate's dirty version: applied or not-applied")
      ->check(CLI::IsMember({"applied", "not-applied"}));
  cmd->callback([&runtime, options] {
    runtime.action = [options](ops::Context& ctx) { return ops::run_adopt(ctx, *options); };
  });
}

void wire_baseline(CLI::App* cmd, Runtime& runtime) {
  auto options = std::make_shared<ops::BaselineCommand>();
  cmd->add_option("version", options->version, "the newest migration the database already has")
      ->required();
  cmd->add_flag("--dry-run", options->dry_run,
                "print the history rows it would write; change nothing");
  cmd->callback([&runtime, options] {
    runtime.action = [options](ops::Context& ctx) { return ops::run_baseline(ctx, *options); };
  });
}

} // namespace agentpg::cli
