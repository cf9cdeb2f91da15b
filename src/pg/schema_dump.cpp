#include "pg/schema_dump.hpp"

#include <fmt/format.h>

#include <map>

#include "core/error.hpp"
#include "pg/connection.hpp"
#include "pg/tools.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"

namespace agentpg::pg {

namespace {

using core::Error;
using core::ExitCode;

// What pg_dump 15 sets before a schema, less what varies between its versions (17 adds
// transaction_timeout) or with the database (client_encoding follows --encoding).
constexpr std::string_view k_preamble = "SET statement_timeout = 0;\n"
                                        "SET lock_timeout = 0;\n"
                                        "SET idle_in_transaction_session_timeout = 0;\n"
                                        "SET client_encoding = 'UTF8';\n"
                                        "SET standard_conforming_strings = on;\n"
                                        "SELECT pg_catalog.set_config('search_path', '', false);\n"
                                        "SET check_function_bodies = false;\n"
                                        "SET xmloption = content;\n"
                                        "SET client_min_messages = warning;\n"
                                        "SET row_security = off;\n";

constexpr std::string_view k_name_prefix = "-- Name: ";
constexpr std::string_view k_dump_complete = "-- PostgreSQL database dump complete";

bool is_preamble_setting(std::string_view line) {
  return util::starts_with(line, "SET ") ||
         util::starts_with(line, "SELECT pg_catalog.set_config(");
}

// \restrict and \unrestrict carry a random key (pg_dump 15.14 and later).
bool is_restrict_line(std::string_view line) {
  return util::starts_with(line, "\\restrict ") || util::starts_with(line, "\\unrestrict ");
}

// "-- Name: items; Type: TABLE; Schema: shop; Owner: -" -> its parts; false for other lines.
bool parse_header(std::string_view line, DumpObject& object) {
  if (!util::starts_with(line, k_name_prefix)) {
    return false;
  }
  std::string_view rest = line.substr(k_name_prefix.size());
  size_t type = rest.rfind("; Type: ");
  size_t schema = rest.rfind("; Schema: ");
  if (type == std::string_view::npos || schema == std::string_view::npos || schema < type) {
    return false;
  }
  size_t owner = rest.find(';', schema + 2);
  object.name = std::string(rest.substr(0, type));
  object.type = std::string(rest.substr(type + 8, schema - type - 8));
  object.schema = std::string(rest.substr(
      schema + 10, owner == std::string_view::npos ? std::string_view::npos : owner - schema - 10));
  return true;
}

} // namespace

std::string normalise_schema_dump(std::string_view dump) {
  std::vector<std::string> lines;
  for (std::string& line : util::split(dump, '\n')) {
    if (!is_restrict_line(line)) {
      lines.push_back(std::move(line));
    }
  }
  // The preamble (banner, versions, SET lines) ends with its last SET line, before the
  // first statement of the schema.
  size_t body = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (is_preamble_setting(line)) {
      body = i + 1;
    } else if (!line.empty() && !util::starts_with(line, "--")) {
      break;
    }
  }
  size_t end = lines.size();
  for (size_t i = body; i < lines.size(); ++i) {
    if (lines[i] == k_dump_complete) {
      end = i > body && lines[i - 1] == "--" ? i - 1 : i;
      break;
    }
  }
  while (body < end && lines[body].empty()) {
    ++body;
  }
  while (end > body && lines[end - 1].empty()) {
    --end;
  }
  std::string text(k_preamble);
  if (body < end) {
    text += "\n";
    for (size_t i = body; i < end; ++i) {
      text += lines[i];
      text += '\n';
    }
  }
  return text;
}

std::string dump_schema(const ConnParams& params, int connect_timeout) {
  int major = Connection::open(params, connect_timeout)->server_version_num() / 10000;
  Tool pg_dump = find_tool("pg_dump", major);
  // Owners, grants and tablespaces differ between machines; subscriptions hold connection
  // strings; agentpg's own schema (the history) is written apart, as the applied versions.
  std::vector<std::string> argv = {pg_dump.path,
                                   "--dbname=" + child_conninfo(params),
                                   "--no-password",
                                   "--format=plain",
                                   "--schema-only",
                                   "--no-owner",
                                   "--no-privileges",
                                   "--no-tablespaces",
                                   "--no-subscriptions",
                                   "--encoding=UTF8",
                                   "--exclude-schema=agentpg"};
  ChildSecrets secrets(params);
  util::ProcessOptions options;
  options.env_set = secrets.environment();
  util::ProcessResult result = util::run_process(argv, options);
  if (result.exit_code != 0) {
    throw Error(ExitCode::sql,
                fmt::format("pg_dump --schema-only failed (exit {}):\n  {}", result.exit_code,
                            util::join(util::split(util::trim(result.err), '\n'), "\n  ")));
  }
  return normalise_schema_dump(result.out);
}

std::vector<std::string> user_objects(Connection& conn, size_t limit) {
  // The schemas of the database's own objects: not the system's, not agentpg's history.
  const char* mine = "n.nspname NOT IN ('information_schema', 'agentpg') AND n.nspname !~ '^pg_'";
  std::string sql = fmt::format(
      "SELECT what FROM ("
      " SELECT 'SCHEMA ' || n.nspname AS what FROM pg_namespace n WHERE {0} AND n.nspname <> "
      "'public'"
      " UNION ALL SELECT CASE c.relkind WHEN 'v' THEN 'VIEW ' WHEN 'm' THEN 'MATERIALIZED VIEW ' "
      "WHEN 'S' THEN 'SEQUENCE ' WHEN 'i' THEN 'INDEX ' ELSE 'TABLE ' END || n.nspname || '.' || "
      "c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {0}"
      " UNION ALL SELECT 'FUNCTION ' || n.nspname || '.' || p.proname FROM pg_proc p "
      "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE {0}"
      " UNION ALL SELECT 'TYPE ' || n.nspname || '.' || t.typname FROM pg_type t "
      "JOIN pg_namespace n ON n.oid = t.typnamespace WHERE {0} AND t.typrelid = 0 "
      "AND t.typcategory <> 'A'"
      " UNION ALL SELECT 'EXTENSION ' || extname FROM pg_extension WHERE extname <> 'plpgsql'"
      ") x ORDER BY CASE split_part(what, ' ', 1) WHEN 'SCHEMA' THEN 0 WHEN 'EXTENSION' THEN 1 "
      "WHEN 'TABLE' THEN 2 WHEN 'VIEW' THEN 3 ELSE 4 END, what LIMIT {1}",
      mine, limit);
  Rows rows = conn.query(sql);
  std::vector<std::string> found;
  for (size_t r = 0; r < rows.size(); ++r) {
    found.push_back(rows.text(r, 0));
  }
  return found;
}

std::string DumpObject::label() const {
  return schema == "-" ? fmt::format("{} {}", type, name)
                       : fmt::format("{} {}.{}", type, schema, name);
}

std::vector<DumpObject> dump_objects(std::string_view normalised) {
  std::vector<DumpObject> objects;
  std::vector<std::string> lines = util::split(normalised, '\n');
  if (!lines.empty() && lines.back().empty()) {
    lines.pop_back(); // after the last newline
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    DumpObject object;
    if (parse_header(lines[i], object)) {
      // The header is "--", "-- Name: ...", "--": the block starts at the first "--".
      if (!objects.empty() && !objects.back().text.empty() &&
          util::ends_with(objects.back().text, "--\n")) {
        objects.back().text.resize(objects.back().text.size() - 3);
      }
      object.text = "--\n";
      objects.push_back(std::move(object));
    }
    if (!objects.empty()) {
      objects.back().text += lines[i] + "\n";
    }
  }
  return objects;
}

std::string without_objects(std::string_view normalised, const std::vector<std::string>& labels) {
  if (labels.empty()) {
    return std::string(normalised);
  }
  auto kept = [&labels](const DumpObject& o) {
    for (const std::string& label : labels) {
      if (o.label() == label || (o.type == "COMMENT" && o.name == label)) {
        return true;
      }
    }
    return false;
  };
  std::vector<DumpObject> objects = dump_objects(normalised);
  size_t first = normalised.find("--\n-- Name: ");
  std::string text(normalised.substr(0, first));
  for (const DumpObject& o : objects) {
    if (!kept(o)) {
      text += o.text;
    }
  }
  return text;
}

std::vector<std::string> object_differences(std::string_view before, std::string_view after,
                                            const std::string& before_label,
                                            const std::string& after_label) {
  std::vector<DumpObject> old_objects = dump_objects(before);
  std::vector<DumpObject> new_objects = dump_objects(after);
  std::map<std::string, const DumpObject*> remaining;
  for (const DumpObject& o : new_objects) {
    remaining.emplace(o.label(), &o);
  }
  std::vector<std::string> lines;
  for (const DumpObject& o : old_objects) {
    auto it = remaining.find(o.label());
    if (it == remaining.end()) {
      lines.push_back(fmt::format("{}: only in {}", o.label(), before_label));
      continue;
    }
    if (util::trim(it->second->text) != util::trim(o.text)) {
      lines.push_back(fmt::format("{}: differs", o.label()));
    }
    remaining.erase(it);
  }
  for (const DumpObject& o : new_objects) {
    if (remaining.count(o.label()) != 0) {
      lines.push_back(fmt::format("{}: only in {}", o.label(), after_label));
    }
  }
  return lines;
}

} // namespace agentpg::pg
