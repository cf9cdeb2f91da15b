#include "sql/position.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "sql/splitter.hpp"

namespace agentpg::sql {

namespace {

bool continuation_byte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// Byte offset of the `chars`-th character (0-based) of UTF-8 text.
size_t byte_offset_of_char(std::string_view text, size_t chars) {
  size_t i = 0;
  for (; i < text.size() && chars > 0; ++i) {
    if (!continuation_byte(text[i])) {
      --chars;
    }
    if (chars == 0) {
      ++i;
      while (i < text.size() && continuation_byte(text[i])) {
        ++i;
      }
      break;
    }
  }
  return i;
}

} // namespace

std::string locate(const Source& source, size_t statement_offset, size_t statement_length,
                   int position) {
  std::string_view sql = source.text;
  std::string_view statement = sql.substr(std::min(statement_offset, sql.size()), statement_length);
  size_t within = position > 0 ? byte_offset_of_char(statement, static_cast<size_t>(position - 1))
                               : skip_blanks_and_comments(statement, 0);
  size_t offset = std::min(sql.size(), statement_offset + within);
  int line = source.first_line;
  size_t line_start = 0;
  for (size_t i = 0; i < offset; ++i) {
    if (sql[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  size_t column = 1;
  for (size_t i = line_start; i < offset; ++i) {
    column += continuation_byte(sql[i]) ? 0 : 1;
  }
  return fmt::format("{}:{}:{}", source.path, line, column);
}

} // namespace agentpg::sql
