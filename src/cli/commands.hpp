#pragma once
// One function per subcommand: each binds its flags to its engine's options struct and
// sets Runtime::action. Defined in <name>_command.cpp.
#include "cli/app.hpp"

namespace agentpg::cli {

void add_check_command(CLI::App& app, Runtime& runtime);
void add_local_command(CLI::App& app, Runtime& runtime);

} // namespace agentpg::cli
