#pragma once
// Splits SQL text into statements the way psql does: a ';' ends a statement unless it
// is inside a string ('...', E'...' with backslash escapes), a quoted identifier, a
// dollar quote ($$...$$, $tag$...$tag$), a comment (-- and nested /* */), parentheses,
// or a BEGIN ATOMIC ... END body (or CASE ... END) after a statement's first word.
#include <string_view>
#include <vector>

namespace agentpg::migrate {

struct Statement {
  size_t offset = 0;  // into the text
  size_t length = 0;  // includes the ';' and what precedes the next statement
  bool has_sql = false;  // false when it holds only blanks and comments
};

// The pieces cover the text exactly, in order: concatenated they give it back.
std::vector<Statement> split_statements(std::string_view sql);

} // namespace agentpg::migrate
