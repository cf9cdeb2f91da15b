#pragma once
// The names `agentpg new` writes: a migration's name becomes part of a file name and a
// module's name one folder directly under the migrations folder, so neither may reach
// outside it ('/', '..'), hide (a leading '.', which discovery skips) or hold bytes a
// file name or the history should not (control characters, anything but the characters
// below). Pure: each throws core::Error (exit 2) saying what is wrong and what to do.
#include <string>
#include <vector>

namespace agentpg::migrate {

// Lower-case letters, digits and '_', 1 to k_max_name_length bytes.
constexpr size_t k_max_name_length = 200;
void check_migration_name(const std::string& name);
// The migration name `agentpg new` uses for what the user typed: a valid name as it is;
// else lower-cased, accented Latin letters without their accents (é -> e, ß -> ss), and
// every run of other characters (blanks, '-', '.', punctuation, other scripts) one '_',
// none at either end: "Add Agents" -> "add_agents", "add-agents v2" -> "add_agents_v2".
// Throws core::Error (exit 2) for a path separator ('/', '\\'), a control character, or
// when no letter or digit is left ("..", "!!!").
std::string migration_name_from(const std::string& typed);

// Letters, digits, '_' and '-', not starting with '-', 1 to k_max_module_length bytes.
constexpr size_t k_max_module_length = 63;
void check_module_name(const std::string& module);

// A module is refused when the configured `modules` list leaves it out (migrate would never
// read it). One that has no folder yet starts a new one, unless it is one edit away from (or
// differs only in case from) a module that exists: then it is taken for a typo. `existing` are the
// module folders of `dir`, the migrations folder.
void check_new_module(const std::string& dir, const std::string& module,
                      const std::vector<std::string>& existing,
                      const std::vector<std::string>& configured);

} // namespace agentpg::migrate
