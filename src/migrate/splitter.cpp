#include "migrate/splitter.hpp"

#include <cctype>
#include <string>

namespace agentpg::migrate {

namespace {

bool ident_start(unsigned char c) { return std::isalpha(c) || c == '_' || c >= 0x80; }
bool ident_char(unsigned char c) { return std::isalnum(c) || c == '_' || c == '$' || c >= 0x80; }

bool word_is(std::string_view word, const char* keyword) {
  std::string_view k(keyword);
  if (word.size() != k.size()) {
    return false;
  }
  for (size_t i = 0; i < k.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(word[i])) != k[i]) {
      return false;
    }
  }
  return true;
}

class Splitter {
public:
  explicit Splitter(std::string_view sql) : m_sql(sql) {}

  std::vector<Statement> run() {
    while (m_pos < m_sql.size()) {
      step();
    }
    finish(m_sql.size());
    return m_statements;
  }

private:
  char at(size_t i) const { return i < m_sql.size() ? m_sql[i] : '\0'; }

  void step() {
    char c = m_sql[m_pos];
    if (c == '-' && at(m_pos + 1) == '-') {
      size_t end = m_sql.find('\n', m_pos);
      m_pos = end == std::string_view::npos ? m_sql.size() : end + 1;
    } else if (c == '/' && at(m_pos + 1) == '*') {
      skip_block_comment();
    } else if (c == '\'') {
      mark_sql();
      skip_quoted('\'', false);
    } else if (c == '"') {
      mark_sql();
      skip_quoted('"', false);
    } else if (c == '$' && dollar_tag_length() > 0) {
      mark_sql();
      skip_dollar_quote();
    } else if (ident_start(static_cast<unsigned char>(c))) {
      mark_sql();
      read_word();
    } else if (c == ';') {
      ++m_pos;
      if (m_paren_depth == 0 && m_begin_depth == 0) {
        finish(m_pos);
      }
    } else {
      if (!std::isspace(static_cast<unsigned char>(c))) {
        mark_sql();
      }
      m_paren_depth += c == '(' ? 1 : 0;
      m_paren_depth -= c == ')' && m_paren_depth > 0 ? 1 : 0;
      ++m_pos;
    }
  }

  void mark_sql() { m_has_sql = true; }

  void skip_block_comment() {
    int depth = 0;
    while (m_pos < m_sql.size()) {
      if (m_sql[m_pos] == '/' && at(m_pos + 1) == '*') {
        ++depth;
        m_pos += 2;
      } else if (m_sql[m_pos] == '*' && at(m_pos + 1) == '/') {
        m_pos += 2;
        if (--depth == 0) {
          return;
        }
      } else {
        ++m_pos;
      }
    }
  }

  // '...' or "..." (a doubled quote stays inside); with `backslash`, \x escapes too.
  void skip_quoted(char quote, bool backslash) {
    ++m_pos;
    while (m_pos < m_sql.size()) {
      char c = m_sql[m_pos];
      if (backslash && c == '\\') {
        m_pos += 2;
      } else if (c == quote && at(m_pos + 1) == quote) {
        m_pos += 2;
      } else if (c == quote) {
        ++m_pos;
        return;
      } else {
        ++m_pos;
      }
    }
  }

  // Length of "$tag$" at m_pos, or 0 when there is none ($1 is a parameter).
  size_t dollar_tag_length() const {
    size_t i = m_pos + 1;
    if (at(i) == '$') {
      return 2;
    }
    if (!ident_start(static_cast<unsigned char>(at(i)))) {
      return 0;
    }
    while (i < m_sql.size() && ident_char(static_cast<unsigned char>(m_sql[i])) && m_sql[i] != '$') {
      ++i;
    }
    return at(i) == '$' ? i - m_pos + 1 : 0;
  }

  void skip_dollar_quote() {
    std::string_view tag = m_sql.substr(m_pos, dollar_tag_length());
    size_t end = m_sql.find(tag, m_pos + tag.size());
    m_pos = end == std::string_view::npos ? m_sql.size() : end + tag.size();
  }

  void read_word() {
    size_t start = m_pos;
    while (m_pos < m_sql.size() && ident_char(static_cast<unsigned char>(m_sql[m_pos]))) {
      ++m_pos;
    }
    std::string_view word = m_sql.substr(start, m_pos - start);
    if (at(m_pos) == '\'') {
      // E'...' takes backslash escapes; other prefixes (B, X, N, U&) do not.
      skip_quoted('\'', word_is(word, "e"));
      return;
    }
    ++m_identifier_count;
    if (word_is(word, "begin") || word_is(word, "case")) {
      // A statement's first word BEGIN starts a transaction; later ones open a body.
      m_begin_depth += m_identifier_count > 1 ? 1 : 0;
    } else if (word_is(word, "end") && m_begin_depth > 0) {
      --m_begin_depth;
    }
  }

  void finish(size_t end) {
    if (end > m_start) {
      m_statements.push_back(Statement{m_start, end - m_start, m_has_sql});
    }
    m_start = end;
    m_has_sql = false;
    m_paren_depth = 0;
    m_begin_depth = 0;
    m_identifier_count = 0;
  }

  std::string_view m_sql;
  size_t m_pos = 0;
  size_t m_start = 0;
  bool m_has_sql = false;
  int m_paren_depth = 0;
  int m_begin_depth = 0;
  int m_identifier_count = 0;
  std::vector<Statement> m_statements;
};

} // namespace

std::vector<Statement> split_statements(std::string_view sql) { return Splitter(sql).run(); }

} // namespace agentpg::migrate
