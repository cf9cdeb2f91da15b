#pragma once
// One function per subcommand: each adds the subcommand's options (bound to its engine's
// options struct) and sets Runtime::action. Defined in <name>_command.cpp; app.cpp lists
// the commands with their names and one-line help, and wires a command only when the
// command line names it (or when help, completion or the man page need them all).
#include "cli/app.hpp"

namespace agentpg::cli {

void wire_init(CLI::App* cmd, Runtime& runtime);
void wire_create_db(CLI::App* cmd, Runtime& runtime);
void wire_drop_db(CLI::App* cmd, Runtime& runtime);
void wire_migrate(CLI::App* cmd, Runtime& runtime);
void wire_rollback(CLI::App* cmd, Runtime& runtime);
void wire_status(CLI::App* cmd, Runtime& runtime);
void wire_redo(CLI::App* cmd, Runtime& runtime);
void wire_accept(CLI::App* cmd, Runtime& runtime);
void wire_diff(CLI::App* cmd, Runtime& runtime);
void wire_new(CLI::App* cmd, Runtime& runtime);
void wire_lint(CLI::App* cmd, Runtime& runtime);
void wire_adopt(CLI::App* cmd, Runtime& runtime);
void wire_seed(CLI::App* cmd, Runtime& runtime);
void wire_baseline(CLI::App* cmd, Runtime& runtime);
void wire_check(CLI::App* cmd, Runtime& runtime);
void wire_wait(CLI::App* cmd, Runtime& runtime);
void wire_maintain(CLI::App* cmd, Runtime& runtime);
void wire_backup(CLI::App* cmd, Runtime& runtime);
void wire_restore(CLI::App* cmd, Runtime& runtime);
void wire_dump(CLI::App* cmd, Runtime& runtime);
void wire_load(CLI::App* cmd, Runtime& runtime);
void wire_verify(CLI::App* cmd, Runtime& runtime);
void wire_local(CLI::App* cmd, Runtime& runtime);
void wire_bundled(CLI::App* cmd, Runtime& runtime);
void wire_completion(CLI::App* cmd, Runtime& runtime);
void wire_manpage(CLI::App* cmd, Runtime& runtime);
void wire_help(CLI::App* cmd, Runtime& runtime);

} // namespace agentpg::cli
