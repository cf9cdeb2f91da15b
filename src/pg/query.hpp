#pragma once
// A statement and its $1.. parameters: values always travel as parameters, never spliced
// into the SQL text.
#include <optional>
#include <string>
#include <vector>

namespace agentpg::pg {

using Value = std::optional<std::string>; // nullopt is SQL NULL

struct Query {
  std::string text;
  std::vector<Value> params;
  // The number of rows the statement must change (INSERT/UPDATE/DELETE); any other count
  // is an error, as if the server had reported one (a trigger, rule or policy at work).
  std::optional<long long> rows;

  Query(std::string sql) : text(std::move(sql)) {} // NOLINT: a plain statement converts
  Query(const char* sql) : text(sql) {}            // NOLINT
  Query(std::string sql, std::vector<Value> values)
      : text(std::move(sql)), params(std::move(values)) {}
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
// display(), trimmed and ended by exactly one ';' and a newline: one statement of a dry run.
std::string display_statement(const Query& query);

// "name" with inner quotes doubled: any name, also one that needs no quoting.
std::string quote_identifier(const std::string& name);
// "schema"."table" from "schema.table" (split at the first dot).
std::string quote_qualified(const std::string& qualified);

// Transaction control, the same for every caller.
inline Query begin() {
  return "BEGIN";
}
inline Query begin_read_write() {
  return "BEGIN READ WRITE";
}
inline Query commit() {
  return "COMMIT";
}
inline Query rollback() {
  return "ROLLBACK";
}
Query savepoint(const std::string& name);
Query rollback_to_savepoint(const std::string& name);
Query release_savepoint(const std::string& name);
// SET lock_timeout for the session (0: wait forever), and back to the server's setting.
Query set_lock_timeout(int seconds);
inline Query reset_lock_timeout() {
  return "RESET lock_timeout";
}

} // namespace agentpg::pg
