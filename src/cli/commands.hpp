#pragma once
// One function per subcommand: each binds its flags to its engine's options struct and
// sets Runtime::action. Defined in <name>_command.cpp.
#include "cli/app.hpp"

namespace agentpg::cli {

void add_init_command(CLI::App& app, Runtime& runtime);
void add_create_db_command(CLI::App& app, Runtime& runtime);
void add_drop_db_command(CLI::App& app, Runtime& runtime);
void add_migrate_command(CLI::App& app, Runtime& runtime);
void add_rollback_command(CLI::App& app, Runtime& runtime);
void add_status_command(CLI::App& app, Runtime& runtime);
void add_new_command(CLI::App& app, Runtime& runtime);
void add_adopt_command(CLI::App& app, Runtime& runtime);
void add_seed_command(CLI::App& app, Runtime& runtime);
void add_baseline_command(CLI::App& app, Runtime& runtime);
void add_check_command(CLI::App& app, Runtime& runtime);
void add_maintain_command(CLI::App& app, Runtime& runtime);
void add_backup_command(CLI::App& app, Runtime& runtime);
void add_restore_command(CLI::App& app, Runtime& runtime);
void add_local_command(CLI::App& app, Runtime& runtime);
void add_completion_command(CLI::App& app, Runtime& runtime);
void add_help_command(CLI::App& app, Runtime& runtime);

} // namespace agentpg::cli
