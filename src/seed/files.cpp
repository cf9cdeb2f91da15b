#include "seed/files.hpp"

#include <dirent.h>

#include <algorithm>
#include <regex>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "core/error.hpp"
#include "core/json.hpp"
#include "util/files.hpp"
#include "util/sha256.hpp"
#include "util/strings.hpp"

namespace agentpg::seed {

namespace {

using core::Error;
using core::ExitCode;

[[noreturn]] void malformed(const std::string& path, const YAML::Mark& mark, const std::string& what) {
  throw Error(ExitCode::validation, fmt::format("{}:{}:{}: {}", path, mark.line + 1, mark.column + 1, what),
              "a YAML seed holds 'table: schema.table', 'key: [columns]' and 'rows:' (a list of maps)");
}

bool plain_scalar_is(const YAML::Node& node, std::initializer_list<const char*> words) {
  if (node.Tag() == "!") {  // quoted: always a string
    return false;
  }
  std::string value = node.Scalar();
  return std::any_of(words.begin(), words.end(), [&](const char* w) { return value == w; });
}

bool plain_number(const YAML::Node& node) {
  static const std::regex k_number(R"(^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$)");
  return node.Tag() != "!" && std::regex_match(node.Scalar(), k_number);
}

std::string to_json(const YAML::Node& node) {
  if (node.IsNull()) {
    return "null";
  }
  if (node.IsScalar()) {
    if (plain_scalar_is(node, {"true", "false"})) {
      return node.Scalar();
    }
    if (plain_scalar_is(node, {"null", "~"})) {
      return "null";
    }
    return plain_number(node) ? node.Scalar() : core::json_quote(node.Scalar());
  }
  std::string out;
  if (node.IsSequence()) {
    for (const auto& item : node) {
      out += (out.empty() ? "" : ",") + to_json(item);
    }
    return "[" + out + "]";
  }
  for (const auto& item : node) {
    out += (out.empty() ? "" : ",") + core::json_quote(item.first.as<std::string>()) + ":" + to_json(item.second);
  }
  return "{" + out + "}";
}

SeedValue to_value(const std::string& path, const YAML::Node& node) {
  SeedValue v;
  if (node.IsNull() || (node.IsScalar() && plain_scalar_is(node, {"null", "~"}))) {
    return v;
  }
  if (node.IsScalar()) {
    v.kind = SeedValue::Kind::scalar;
    v.text = node.Scalar();
    return v;
  }
  if (node.IsMap() && node["$ref"]) {
    v.kind = SeedValue::Kind::reference;
    for (const auto& item : node) {
      std::string key = item.first.as<std::string>();
      if (!item.second.IsScalar()) {
        malformed(path, item.second.Mark(), fmt::format("'{}' of a $ref must be a single value", key));
      }
      if (key == "$ref") {
        v.ref_table = item.second.Scalar();
      } else if (key == "$column") {
        v.ref_column = item.second.Scalar();
      } else {
        v.ref_key.emplace_back(key, item.second.Scalar());
      }
    }
    if (v.ref_key.empty()) {
      malformed(path, node.Mark(), "a $ref needs at least one column to find the row by");
    }
    return v;
  }
  v.kind = SeedValue::Kind::structured;
  v.text = to_json(node);
  v.is_list = node.IsSequence();
  if (v.is_list) {
    for (const auto& item : node) {
      v.items.push_back(item.IsScalar() ? item.Scalar() : to_json(item));
    }
  }
  return v;
}

std::vector<std::string> sorted_files(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d)) {
      std::string name = e->d_name;
      if (name[0] != '.' && (util::ends_with(name, ".sql") || util::ends_with(name, ".yaml") ||
                             util::ends_with(name, ".yml") || util::ends_with(name, ".csv"))) {
        names.push_back(name);
      }
    }
    ::closedir(d);
  }
  std::sort(names.begin(), names.end());
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
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    throw Error(ExitCode::validation, fmt::format("{}:{}:{}: {}", path, e.mark.line + 1, e.mark.column + 1, e.msg),
                "fix the YAML syntax");
  }
  if (!root.IsMap() || !root["table"] || !root["rows"]) {
    malformed(path, root.Mark(), "expected 'table:' and 'rows:'");
  }
  f.table = root["table"].as<std::string>();
  if (f.table.find('.') == std::string::npos) {
    malformed(path, root["table"].Mark(), fmt::format("table '{}' needs its schema (schema.table)", f.table));
  }
  if (root["key"]) {
    if (root["key"].IsScalar()) {
      f.key.push_back(root["key"].Scalar());
    } else {
      for (const auto& k : root["key"]) {
        f.key.push_back(k.as<std::string>());
      }
    }
  }
  if (!root["rows"].IsSequence()) {
    malformed(path, root["rows"].Mark(), "'rows' must be a list of maps");
  }
  for (const auto& row : root["rows"]) {
    if (!row.IsMap()) {
      malformed(path, row.Mark(), "each row must be a map of column: value");
    }
    SeedRow r;
    r.line = row.Mark().line + 1;
    for (const auto& item : row) {
      r.values.emplace_back(item.first.as<std::string>(), to_value(path, item.second));
    }
    for (const auto& k : f.key) {
      if (std::none_of(r.values.begin(), r.values.end(), [&](const auto& v) { return v.first == k; })) {
        malformed(path, row.Mark(), fmt::format("this row has no value for the key column '{}'", k));
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
  static const std::regex k_csv_name(R"(^(?:[0-9]+_)?([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)\.csv$)");
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
        throw Error(ExitCode::validation, fmt::format("{}:1: a CSV seed is named [NN_]<schema>.<table>.csv", path));
      }
      f.kind = SeedKind::csv;
      f.table = match[1].str() + "." + match[2].str();
      f.checksum = util::sha256_file(path);
      files.push_back(std::move(f));
      continue;
    }
    std::optional<std::string> text = util::read_file(path);
    if (!text) {
      throw Error(ExitCode::validation, fmt::format("{}:1: cannot read the file", path));
    }
    if (util::ends_with(name, ".yaml") || util::ends_with(name, ".yml")) {
      files.push_back(parse_yaml_seed(path, *text));
      continue;
    }
    f.checksum = util::sha256_hex(*text);
    {
      f.kind = SeedKind::sql;
      f.sql = *text;
      f.requires_schemas = sql_header(*text, "requires");
      f.fills = sql_header(*text, "fills");
    }
    files.push_back(std::move(f));
  }
  return files;
}

} // namespace agentpg::seed
