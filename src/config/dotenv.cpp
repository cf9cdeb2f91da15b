#include "config/dotenv.hpp"

#include <fmt/format.h>

#include <cctype>

#include "core/error.hpp"
#include "util/strings.hpp"

namespace agentpg::config {

namespace {

using core::Error;
using core::ExitCode;

class DotenvParser {
public:
  DotenvParser(std::string_view text, const std::string& file) : m_text(text), m_file(file) {}

  std::map<std::string, DotenvEntry> parse() {
    std::map<std::string, DotenvEntry> entries;
    while (m_pos < m_text.size()) {
      skip_blanks();
      if (at_end_of_line()) {
        next_line();
        continue;
      }
      if (peek() == '#') {
        skip_to_end_of_line();
        next_line();
        continue;
      }
      int line = m_line;
      std::string key = read_key();
      entries[key] = DotenvEntry{read_value(), line};
      next_line();
    }
    return entries;
  }

private:
  char peek() const { return m_pos < m_text.size() ? m_text[m_pos] : '\n'; }
  bool at_end_of_line() const { return m_pos >= m_text.size() || peek() == '\n' || peek() == '\r'; }
  void skip_blanks() {
    while (m_pos < m_text.size() && (peek() == ' ' || peek() == '\t')) {
      ++m_pos;
    }
  }
  void skip_to_end_of_line() {
    while (!at_end_of_line()) {
      ++m_pos;
    }
  }
  void next_line() {
    skip_to_end_of_line();
    if (m_pos < m_text.size() && peek() == '\r') {
      ++m_pos;
    }
    if (m_pos < m_text.size() && peek() == '\n') {
      ++m_pos;
    }
    ++m_line;
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw Error(ExitCode::usage, fmt::format("{}:{}: {}", m_file, m_line, what),
                "each line of a .env file is KEY=VALUE, optionally quoted");
  }

  std::string read_word() {
    std::string word;
    while (m_pos < m_text.size() &&
           (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '_' || peek() == '.')) {
      word += m_text[m_pos++];
    }
    return word;
  }

  std::string read_key() {
    std::string key = read_word();
    if (key == "export" && (peek() == ' ' || peek() == '\t')) {
      skip_blanks();
      key = read_word();
    }
    if (key.empty() || std::isdigit(static_cast<unsigned char>(key[0]))) {
      fail("expected a variable name");
    }
    skip_blanks();
    if (peek() != '=') {
      fail(fmt::format("expected '=' after '{}'", key));
    }
    ++m_pos;
    skip_blanks();
    return key;
  }

  std::string read_value() {
    std::string value;
    if (peek() == '\'') {
      value = read_quoted('\'');
    } else if (peek() == '"') {
      value = read_quoted('"');
    } else {
      while (!at_end_of_line() &&
             !(peek() == '#' && !value.empty() && (value.back() == ' ' || value.back() == '\t'))) {
        value += m_text[m_pos++];
      }
      return util::trim(value);
    }
    skip_blanks();
    if (!at_end_of_line() && peek() != '#') {
      fail("unexpected text after the closing quote");
    }
    return value;
  }

  std::string read_quoted(char quote) {
    int start_line = m_line;
    ++m_pos;
    std::string value;
    while (m_pos < m_text.size() && peek() != quote) {
      char c = m_text[m_pos++];
      if (c == '\n') {
        ++m_line;
      }
      if (quote == '"' && c == '\\' && m_pos < m_text.size()) {
        char e = m_text[m_pos++];
        value += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
        continue;
      }
      value += c;
    }
    if (m_pos >= m_text.size()) {
      m_line = start_line;
      fail(fmt::format("unterminated {} quote", quote == '"' ? "double" : "single"));
    }
    ++m_pos;
    return value;
  }

  std::string_view m_text;
  const std::string& m_file;
  size_t m_pos = 0;
  int m_line = 1;
};

} // namespace

std::map<std::string, DotenvEntry> parse_dotenv(std::string_view text,
                                                const std::string& file_name) {
  return DotenvParser(text, file_name).parse();
}

} // namespace agentpg::config
