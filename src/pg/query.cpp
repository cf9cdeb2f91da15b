#include "pg/query.hpp"

#include <cctype>

namespace agentpg::pg {

std::string sql_literal(const std::string& value) {
  bool backslash = value.find('\\') != std::string::npos;
  std::string out = backslash ? "E'" : "'";
  for (char c : value) {
    if (c == '\'') {
      out += "''";
    } else if (c == '\\') {
      out += "\\\\";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string display(const Query& query) {
  std::string out;
  const std::string& text = query.text;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '$' && i + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
      size_t end = i + 1;
      size_t number = 0;
      while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) {
        number = number * 10 + static_cast<size_t>(text[end] - '0');
        ++end;
      }
      if (number >= 1 && number <= query.params.size()) {
        const Value& v = query.params[number - 1];
        out += v ? sql_literal(*v) : "NULL";
        i = end - 1;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

} // namespace agentpg::pg
