#pragma once
// The words a user brings from other tools, and the help that teaches the commands.
#include <string>

#include "cli/app.hpp"

namespace agentpg::cli {

// Other tools' words: aliases where the meaning matches (up = migrate, down = rollback one,
// history = status, ...); pointers (exit 2) to the right command where it does not.
void add_other_tools_words(CLI::App& app, Runtime& runtime);
// One line for the general help listing the aliases.
std::string other_tools_words_help();

// The width help is written for: COLUMNS, else the terminal's, else 80.
size_t help_width();
// `text` with every line longer than `width` wrapped at spaces, continuation lines
// indented under the description column ("  --to TEXT    revert ..." wraps under "revert").
std::string wrap_help(const std::string& text, size_t width);
// `agentpg` alone and `agentpg help`: the commands by group, one line each.
std::string general_help(const CLI::App& app, size_t width);

} // namespace agentpg::cli
