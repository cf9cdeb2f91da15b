#pragma once
// psql's variable references in SQL text, found by PostgreSQL's own scanner (libpg_query's
// pg_query_scan): `:'name'`, `:"name"` and `:name`. A colon inside a string, a quoted
// identifier, a comment or a dollar-quoted body is part of that token, and `::` is the
// cast operator, so none of them is ever taken for a reference.
#include <string>
#include <string_view>
#include <vector>

namespace agentpg::sql {

enum class VariableKind {
  literal,    // :'name' -> a string literal
  identifier, // :"name" -> a quoted identifier
  raw,        // :name   -> the value as it is
};

struct VariableRef {
  size_t offset = 0; // of the ':'
  size_t length = 0; // through the closing quote or the name's last character
  std::string name;
  VariableKind kind = VariableKind::literal;
};

struct VariableScan {
  std::vector<VariableRef> refs; // in text order
  bool scanned = false;          // false: the scanner gave up (say, an unterminated quote)
  std::string error;             // the scanner's message when it gave up
  size_t error_offset = 0;       // and where
};

// A name is letters, digits and _ (psql's own rule, also bytes of non-ASCII letters).
VariableScan find_variables(std::string_view sql);

} // namespace agentpg::sql
