#include "migrate/names.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

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

// What an accented Latin letter (U+00C0 to U+017F) becomes without its accent; "" for
// the two signs among them (x and ÷) and code points outside.
std::string unaccented(unsigned code) {
  // U+00C0..U+00FF; '?' is a letter of two (below), '*' a sign.
  static const char k_latin1[] = "AAAAAA?CEEEEIIIIDNOOOOO*OUUUUY??aaaaaa?ceeeeiiiidnooooo*ouuuuy?y";
  // U+0100..U+017F
  static const char k_extended_a[] = "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIiJjJjKkk"
                                     "LlLlLlLlLlNnNnNnnNnOoOoOoOoRrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWw"
                                     "YyYZzZzZzs";
  if (code >= 0xC0 && code <= 0xFF) {
    switch (code) {
    case 0xC6:
    case 0xE6:
      return "ae";
    case 0xDE:
    case 0xFE:
      return "th";
    case 0xDF:
      return "ss";
    default:
      break;
    }
    char c = k_latin1[code - 0xC0];
    return c == '*' ? "" : std::string(1, c);
  }
  if (code >= 0x100 && code <= 0x17F) {
    if (code == 0x132 || code == 0x133) {
      return "ij";
    }
    if (code == 0x152 || code == 0x153) {
      return "oe";
    }
    return std::string(1, k_extended_a[code - 0x100]);
  }
  return "";
}

// The code point of the UTF-8 sequence at `text[at]` and its length; length 1 and code
// point 0xFFFD for a byte that starts no well-formed sequence.
std::pair<unsigned, size_t> decode_at(const std::string& text, size_t at) {
  auto byte = [&text](size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned first = byte(at);
  size_t length = first < 0x80           ? 1
                  : (first >> 5) == 0x6  ? 2
                  : (first >> 4) == 0xE  ? 3
                  : (first >> 3) == 0x1E ? 4
                                         : 0;
  if (length == 0 || at + length > text.size()) {
    return {0xFFFD, 1};
  }
  unsigned code = length == 1 ? first : first & (0x7F >> length);
  for (size_t i = 1; i < length; ++i) {
    if ((byte(at + i) & 0xC0) != 0x80) {
      return {0xFFFD, 1};
    }
    code = (code << 6) | (byte(at + i) & 0x3F);
  }
  return {code, length};
}

} // namespace

std::string migration_name_from(const std::string& typed) {
  if (!typed.empty() && std::all_of(typed.begin(), typed.end(), is_lower_or_digit)) {
    check_migration_name(typed);
    return typed;
  }
  // A path separator is refused, not replaced: whoever typed one meant a place, and
  // `new` writes only in the migrations folder.
  if (typed.find('/') != std::string::npos || typed.find('\\') != std::string::npos) {
    throw Error(
        ExitCode::usage,
        fmt::format("migration name '{}' holds a path separator", core::escape_bytes(typed)),
        "the file goes into the migrations folder (--module M for a module's folder); "
        "e.g. 'agentpg new \"add agents table\"' (written add_agents_table)");
  }
  std::string name;
  for (size_t at = 0; at < typed.size();) {
    auto [code, length] = decode_at(typed, at);
    at += length;
    if (code < 0x20 || code == 0x7F) {
      throw Error(
          ExitCode::usage,
          fmt::format("migration name '{}' holds a control character", core::escape_bytes(typed)),
          "e.g. 'agentpg new \"add agents table\"' (written add_agents_table)");
    }
    std::string letters = code < 0x80 ? std::string(1, static_cast<char>(code)) : unaccented(code);
    bool kept = false;
    for (char c : letters) {
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        name += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        kept = true;
      }
    }
    if (!kept && !name.empty() && name.back() != '_') {
      name += '_';
    }
  }
  while (!name.empty() && name.back() == '_') {
    name.pop_back();
  }
  if (name.empty()) {
    throw Error(ExitCode::usage,
                fmt::format("migration name '{}' holds no letter or digit to name the file by",
                            core::escape_bytes(typed)),
                "e.g. 'agentpg new \"add agents table\"' (written add_agents_table)");
  }
  check_migration_name(name);
  return name;
}

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
