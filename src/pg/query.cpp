#include "pg/query.hpp"

#include <cctype>

#include "util/strings.hpp"

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
    if (text[i] == '$' && i + 1 < text.size() &&
        std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
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

std::string quote_identifier(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    out += c == '"' ? "\"\"" : std::string(1, c);
  }
  return out + "\"";
}

std::string quote_qualified(const std::string& qualified) {
  size_t dot = qualified.find('.');
  if (dot == std::string::npos) {
    return quote_identifier(qualified);
  }
  return quote_identifier(qualified.substr(0, dot)) + "." +
         quote_identifier(qualified.substr(dot + 1));
}

Query savepoint(const std::string& name) {
  return "SAVEPOINT " + quote_identifier(name);
}

Query rollback_to_savepoint(const std::string& name) {
  return "ROLLBACK TO SAVEPOINT " + quote_identifier(name);
}

Query release_savepoint(const std::string& name) {
  return "RELEASE SAVEPOINT " + quote_identifier(name);
}

Query set_lock_timeout(int seconds) {
  return "SET lock_timeout = '" + std::to_string(seconds) + "s'";
}

std::string display_statement(const Query& query) {
  std::string statement = util::trim(display(query));
  return statement + (util::ends_with(statement, ";") ? "\n" : ";\n");
}

} // namespace agentpg::pg
