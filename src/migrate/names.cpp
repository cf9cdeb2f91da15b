#include "migrate/names.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/error.hpp"
#include "core/utf8.hpp"
#include "util/strings.hpp"

namespace agentpg::migrate {

namespace {

using core::Error;
using core::ExitCode;

bool is_lower_or_digit(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

bool is_module_char(char c) {
  return is_lower_or_digit(c) || (c >= 'A' && c <= 'Z') || c == '-';
}

// What is wrong with a module name, or "" when nothing is.
std::string module_problem(const std::string& module) {
  if (module.empty()) {
    return "is empty";
  }
  if (module.size() > k_max_module_length) {
    return fmt::format("is longer than {} characters", k_max_module_length);
  }
  if (module.find('/') != std::string::npos || module.find('\\') != std::string::npos) {
    return "holds a path separator: a module is one folder directly under the migrations folder";
  }
  if (module[0] == '.') {
    return "starts with '.': '.' and '..' are not module folders, and discovery skips hidden "
           "folders";
  }
  if (module[0] == '-') {
    return "starts with '-'";
  }
  auto bad = std::find_if(module.begin(), module.end(), [](char c) { return !is_module_char(c); });
  if (bad == module.end()) {
    return "";
  }
  auto c = static_cast<unsigned char>(*bad);
  if (c < 0x20 || c == 0x7F) {
    return "holds a control character";
  }
  return c == ' ' ? "holds a space" : "holds a character other than letters, digits, _ and -";
}

} // namespace

void check_migration_name(const std::string& name) {
  bool valid = !name.empty() && name.size() <= k_max_name_length &&
               std::all_of(name.begin(), name.end(), is_lower_or_digit);
  if (!valid) {
    throw Error(ExitCode::usage,
                fmt::format("migration name '{}' must be lower-case letters, digits and _ "
                            "(1 to {} of them): it becomes part of the file name",
                            core::escape_bytes(name), k_max_name_length),
                "e.g. 'agentpg new add_agents_table'");
  }
}

void check_module_name(const std::string& module) {
  std::string problem = module_problem(module);
  if (!problem.empty()) {
    throw Error(ExitCode::usage,
                fmt::format("module name '{}' {}", core::escape_bytes(module), problem),
                fmt::format("a module is a folder under the migrations folder named with letters, "
                            "digits, _ and - (at most {}), e.g. --module billing",
                            k_max_module_length));
  }
}

void check_new_module(const std::string& dir, const std::string& module,
                      const std::vector<std::string>& existing,
                      const std::vector<std::string>& configured) {
  if (!configured.empty() &&
      std::find(configured.begin(), configured.end(), module) == configured.end()) {
    throw Error(ExitCode::usage,
                fmt::format("module '{}' is not among the configured modules ({}): migrate "
                            "would never read a migration there",
                            module, util::join(configured, ", ")),
                "add it to 'modules' (agentpg.yaml, AGENTPG_MODULES or --modules) first");
  }
  if (std::find(existing.begin(), existing.end(), module) != existing.end()) {
    return;
  }
  for (const auto& other : existing) {
    if (util::to_lower(other) == util::to_lower(module) ||
        util::edit_distance(other, module) <= 1) {
      throw Error(ExitCode::usage,
                  fmt::format("there is no module '{}' (did you mean '{}'?)", module, other),
                  fmt::format("to start a new module of that name, create its folder first "
                              "(mkdir {}/{})",
                              dir, module));
    }
  }
}

} // namespace agentpg::migrate
