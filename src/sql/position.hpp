#pragma once
// Where in a file a server error points: PostgreSQL reports a position in characters of
// the statement it ran; people want file:line:column.
#include <string>
#include <string_view>

namespace agentpg::sql {

// SQL text and where it came from: the file, and the file's line the text begins on.
struct Source {
  std::string_view text;
  std::string_view path;
  int first_line = 1;
};

// "path:line:column" (column in characters) of the statement at `statement_offset`
// (`statement_length` bytes) of `source`, at the server's `position` (1-based, in
// characters of that statement); with no position (0), at the statement's first word.
std::string locate(const Source& source, size_t statement_offset, size_t statement_length,
                   int position);

} // namespace agentpg::sql
