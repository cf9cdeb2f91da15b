#include "seed/files.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <regex>

#include <yaml-cpp/exceptions.h>

#include "core/error.hpp"
#include "core/json.hpp"
#include "core/utf8.hpp"
#include "util/files.hpp"
#include "util/sha256.hpp"
#include "util/strings.hpp"
#include "util/yaml_tree.hpp"

namespace agentpg::seed {

namespace {

using core::Error;
using core::ExitCode;
using util::YamlNode;

[[noreturn]] void malformed(const std::string& path, const YAML::Mark& mark,
                            const std::string& what) {
  throw Error(
      ExitCode::validation, fmt::format("{}:{}:{}: {}", path, mark.line + 1, mark.column + 1, what),
      "a YAML seed holds 'table: schema.table', 'key: [columns]' and 'rows:' (a list of maps)");
}

bool plain_scalar_is(const YamlNode& node, std::initializer_list<const char*> words) {
  return !node.quoted &&
         std::any_of(words.begin(), words.end(), [&](const char* w) { return node.value == w; });
}

// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?, read without std::regex (which recurses
// once a character and overflows the stack on a long number).
bool plain_number(const YamlNode& node) {
  if (node.quoted) {
    return false;
  }
  const std::string& v = node.value;
  size_t i = 0;
  auto digits = [&] {
    size_t start = i;
    while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) {
      ++i;
    }
    return i - start;
  };
  i += i < v.size() && v[i] == '-' ? 1 : 0;
  size_t integer_start = i;
  size_t integer = digits();
  if (integer == 0 || (integer > 1 && v[integer_start] == '0')) {
    return false;
  }
  if (i < v.size() && v[i] == '.') {
    ++i;
    if (digits() == 0) {
      return false;
    }
  }
  if (i < v.size() && (v[i] == 'e' || v[i] == 'E')) {
    ++i;
    i += i < v.size() && (v[i] == '-' || v[i] == '+') ? 1 : 0;
    if (digits() == 0) {
      return false;
    }
  }
  return i == v.size();
}

// A map key's text: keys are single values.
const std::string& key_text(const std::string& path, const YamlNode& key) {
  if (key.type != YamlNode::Type::scalar) {
    malformed(path, key.mark, "a key must be a single value");
  }
  return key.value;
}

std::string to_json(const std::string& path, const YamlNode& node) {
  switch (node.type) {
  case YamlNode::Type::null:
    return "null";
  case YamlNode::Type::scalar:
    if (plain_scalar_is(node, {"true", "false"})) {
      return node.value;
    }
    if (plain_scalar_is(node, {"null", "~"})) {
      return "null";
    }
    return plain_number(node) ? node.value : core::json_quote(node.value);
  case YamlNode::Type::sequence: {
    std::string out;
    for (const auto& item : node.items) {
      out += (out.empty() ? "" : ",") + to_json(path, item);
    }
    return "[" + out + "]";
  }
  case YamlNode::Type::map:
    break;
  }
  std::string out;
  for (size_t i = 0; i + 1 < node.items.size(); i += 2) {
    out += (out.empty() ? "" : ",") + core::json_quote(key_text(path, node.items[i])) + ":" +
           to_json(path, node.items[i + 1]);
  }
  return "{" + out + "}";
}

SeedValue reference(const std::string& path, const YamlNode& node) {
  SeedValue v;
  v.kind = SeedValue::Kind::reference;
  for (size_t i = 0; i + 1 < node.items.size(); i += 2) {
    const std::string& key = key_text(path, node.items[i]);
    const YamlNode& value = node.items[i + 1];
    if (value.type != YamlNode::Type::scalar) {
      malformed(path, value.mark, fmt::format("'{}' of a $ref must be a single value", key));
    }
    if (key == "$ref") {
      v.ref_table = value.value;
    } else if (key == "$column") {
      v.ref_column = value.value;
    } else {
      v.ref_key.emplace_back(key, value.value);
    }
  }
  if (v.ref_key.empty()) {
    malformed(path, node.mark, "a $ref needs at least one column to find the row by");
  }
  return v;
}

SeedValue to_value(const std::string& path, const YamlNode& node) {
  SeedValue v;
  if (node.type == YamlNode::Type::null || plain_scalar_is(node, {"null", "~"})) {
    return v;
  }
  if (node.type == YamlNode::Type::scalar) {
    v.kind = SeedValue::Kind::scalar;
    v.text = node.value;
    return v;
  }
  if (node.get("$ref") != nullptr) {
    return reference(path, node);
  }
  v.kind = SeedValue::Kind::structured;
  v.text = to_json(path, node);
  v.is_list = node.type == YamlNode::Type::sequence;
  if (v.is_list) {
    for (const auto& item : node.items) {
      v.items.push_back(item.type == YamlNode::Type::scalar ? item.value : to_json(path, item));
    }
  }
  return v;
}

std::vector<std::string> sorted_files(const std::string& dir) {
  std::vector<std::string> names;
  for (const util::DirEntry& entry : util::list_directory(dir)) {
    const std::string& name = entry.name;
    if (name[0] != '.' && (util::ends_with(name, ".sql") || util::ends_with(name, ".yaml") ||
                           util::ends_with(name, ".yml") || util::ends_with(name, ".csv"))) {
      names.push_back(name);
    }
  }
  return names;
}

// The comma-separated names of a "-- <header>:" line of an SQL seed.
std::vector<std::string> sql_header(const std::string& text, const std::string& header) {
  std::vector<std::string> names;
  std::string prefix = "-- " + header + ":";
  for (const auto& line : util::split(text, '\n')) {
    std::string trimmed = util::trim(line);
    if (util::starts_with(trimmed, prefix)) {
      for (const auto& s : util::split(trimmed.substr(prefix.size()), ',')) {
        if (!util::trim(s).empty()) {
          names.push_back(util::trim(s));
        }
      }
    }
  }
  return names;
}

} // namespace

SeedFile parse_yaml_seed(const std::string& path, std::string_view text) {
  SeedFile f;
  f.path = path;
  f.name = path.substr(path.find_last_of('/') + 1);
  f.kind = SeedKind::yaml;
  f.checksum = util::sha256_hex(text);
  // YAML is Unicode text: a byte that is not UTF-8 would otherwise reach a JSON column as
  // U+FFFD, changed without a word.
  if (size_t bad = core::first_invalid_utf8(text); bad != std::string_view::npos) {
    std::string_view before = text.substr(0, bad);
    size_t line_start = before.rfind('\n');
    size_t column = bad - (line_start == std::string_view::npos ? 0 : line_start + 1);
    throw Error(ExitCode::validation,
                fmt::format("{}:{}:{}: the file is not UTF-8 (the byte {})", path,
                            1 + std::count(before.begin(), before.end(), '\n'), column + 1,
                            core::escape_bytes(text.substr(bad, 1))),
                "save the file as UTF-8");
  }
  YamlNode root;
  try {
    root = util::parse_yaml(text);
  } catch (const util::YamlRefused& e) { // its message says what to change
    throw Error(ExitCode::validation,
                fmt::format("{}:{}:{}: {}", path, e.mark.line + 1, e.mark.column + 1, e.msg));
  } catch (const YAML::Exception& e) {
    throw Error(ExitCode::validation,
                fmt::format("{}:{}:{}: {}", path, e.mark.line + 1, e.mark.column + 1, e.msg),
                "fix the YAML syntax");
  }
  const YamlNode* table = root.get("table");
  const YamlNode* rows = root.get("rows");
  const YamlNode* key = root.get("key");
  if (table == nullptr || rows == nullptr) {
    malformed(path, root.mark, "expected 'table:' and 'rows:'");
  }
  if (table->type != YamlNode::Type::scalar) {
    malformed(path, table->mark, "'table' must be a single value: schema.table");
  }
  if (table->value.find('.') == std::string::npos) {
    malformed(path, table->mark,
              fmt::format("table '{}' needs its schema (schema.table)", table->value));
  }
  f.table = table->value;
  if (key != nullptr && key->type == YamlNode::Type::scalar) {
    f.key.push_back(key->value);
  } else if (key != nullptr) {
    for (const auto& k : key->items) {
      f.key.push_back(key_text(path, k));
    }
  }
  if (rows->type != YamlNode::Type::sequence) {
    malformed(path, rows->mark, "'rows' must be a list of maps");
  }
  f.rows.reserve(rows->items.size());
  for (const auto& row : rows->items) {
    if (row.type != YamlNode::Type::map) {
      malformed(path, row.mark, "each row must be a map of column: value");
    }
    SeedRow r;
    r.line = row.mark.line + 1;
    for (size_t i = 0; i + 1 < row.items.size(); i += 2) {
      r.values.emplace_back(key_text(path, row.items[i]), to_value(path, row.items[i + 1]));
    }
    for (const auto& k : f.key) {
      if (std::none_of(r.values.begin(), r.values.end(),
                       [&](const auto& v) { return v.first == k; })) {
        malformed(path, row.mark, fmt::format("this row has no value for the key column '{}'", k));
      }
    }
    f.rows.push_back(std::move(r));
  }
  return f;
}

std::vector<SeedFile> load_seed_files(const std::string& dir) {
  if (!util::is_directory(dir)) {
    throw Error(ExitCode::usage, fmt::format("there are no seeds at {}", dir),
                "seeds live in seeds/<environment>/ (or --seeds-dir)");
  }
  static const std::regex k_csv_name(
      R"(^(?:[0-9]+_)?([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)\.csv$)");
  std::vector<SeedFile> files;
  for (const auto& name : sorted_files(dir)) {
    std::string path = dir + "/" + name;
    SeedFile f;
    f.path = path;
    f.name = name;
    std::smatch match;
    if (util::ends_with(name, ".csv")) {
      // Streamed, never read whole: CSV seeds can be large.
      if (!std::regex_match(name, match, k_csv_name)) {
        throw Error(ExitCode::validation,
                    fmt::format("{}:1: a CSV seed is named [NN_]<schema>.<table>.csv", path));
      }
      f.kind = SeedKind::csv;
      f.table = match[1].str() + "." + match[2].str();
      f.checksum = util::sha256_file(path);
      files.push_back(std::move(f));
      continue;
    }
    std::string text = util::read_file(path, ExitCode::validation);
    if (util::ends_with(name, ".yaml") || util::ends_with(name, ".yml")) {
      files.push_back(parse_yaml_seed(path, text));
      continue;
    }
    f.checksum = util::sha256_hex(text);
    if (size_t nul = text.find('\0'); nul != std::string::npos) {
      throw Error(
          ExitCode::validation,
          fmt::format(
              "{}:{}: the file contains a NUL byte (SQL after it would never run)", path,
              1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(nul), '\n')),
          "remove the NUL byte; is this a binary file, or saved as UTF-16?");
    }
    {
      f.kind = SeedKind::sql;
      f.sql = text;
      f.requires_schemas = sql_header(text, "requires");
      f.fills = sql_header(text, "fills");
    }
    files.push_back(std::move(f));
  }
  return files;
}

} // namespace agentpg::seed
