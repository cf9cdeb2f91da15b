#pragma once
// A statement and its $1.. parameters: values always travel as parameters, never spliced
// into the SQL text.
#include <optional>
#include <string>
#include <vector>

namespace agentpg::pg {

using Value = std::optional<std::string>;  // nullopt is SQL NULL

struct Query {
  std::string text;
  std::vector<Value> params;
  // The number of rows the statement must change (INSERT/UPDATE/DELETE); any other count
  // is an error, as if the server had reported one (a trigger, rule or policy at work).
  std::optional<long long> rows;

  Query(std::string sql) : text(std::move(sql)) {}  // NOLINT: a plain statement converts
  Query(const char* sql) : text(sql) {}             // NOLINT
  Query(std::string sql, std::vector<Value> values) : text(std::move(sql)), params(std::move(values)) {}
  // This query, required to change exactly `count` rows.
  Query changing(long long count) && {
    rows = count;
    return std::move(*this);
  }
};

// A SQL string literal that reads the same whatever standard_conforming_strings says
// ('it''s', or E'a\\b' when there is a backslash). For text shown to people (--dry-run).
std::string sql_literal(const std::string& value);

// The query as text with its parameters written in as literals, for --dry-run.
std::string display(const Query& query);

} // namespace agentpg::pg
