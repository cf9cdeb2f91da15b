#include "sql/splitter.hpp"

#include <pg_query.h>

#include <cctype>
#include <string>

namespace agentpg::sql {

namespace {

// The end offset of each statement libpg_query found: the byte after its ';', or the
// statement's end when the text ends without one.
struct SplitEnds {
  std::vector<size_t> ends;
  bool parsed = false;
};

SplitEnds split_ends(const std::string& text, bool with_parser) {
  SplitEnds out;
  PgQuerySplitResult result = with_parser ? pg_query_split_with_parser(text.c_str())
                                          : pg_query_split_with_scanner(text.c_str());
  out.parsed = result.error == nullptr;
  // The scanner gives up on text it cannot scan (an unterminated quote): one piece then.
  if (out.parsed && result.stmts != nullptr) {
    for (int i = 0; i < result.n_stmts; ++i) {
      size_t end = static_cast<size_t>(result.stmts[i]->stmt_location) +
                   static_cast<size_t>(result.stmts[i]->stmt_len);
      end = std::min(end, text.size());
      out.ends.push_back(end < text.size() && text[end] == ';' ? end + 1 : end);
    }
  }
  pg_query_free_split_result(result);
  return out;
}

// True when `text` holds nothing but blanks, comments and semicolons.
bool only_blanks(const std::string& text) {
  PgQuerySplitResult result = pg_query_split_with_parser(text.c_str());
  bool blank = result.error == nullptr && result.n_stmts == 0;
  pg_query_free_split_result(result);
  return blank;
}

// The statement's first `count` words, lower-cased.
std::vector<std::string> first_words(std::string_view statement, size_t count) {
  std::vector<std::string> words;
  size_t pos = 0;
  while (words.size() < count) {
    pos = skip_blanks_and_comments(statement, pos);
    std::string word;
    while (pos < statement.size() &&
           (std::isalpha(static_cast<unsigned char>(statement[pos])) || statement[pos] == '_')) {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(statement[pos])));
      ++pos;
    }
    if (word.empty()) {
      break;
    }
    words.push_back(std::move(word));
  }
  return words;
}

TransactionControl classify(std::string_view statement) {
  std::vector<std::string> w = first_words(statement, 2);
  std::string first = w.empty() ? "" : w[0];
  std::string second = w.size() > 1 ? w[1] : "";
  if ((first == "prepare" && second == "transaction") ||
      ((first == "commit" || first == "rollback") && second == "prepared")) {
    return TransactionControl::two_phase;
  }
  if (first == "begin" || (first == "start" && second == "transaction")) {
    return TransactionControl::begin;
  }
  if ((first == "commit" && second != "prepared") || first == "end") {
    return TransactionControl::commit;
  }
  if ((first == "rollback" && second != "to" && second != "prepared") || first == "abort") {
    return TransactionControl::rollback;
  }
  return TransactionControl::none;
}

bool is_copy(std::string_view statement) {
  std::vector<std::string> w = first_words(statement, 1);
  return !w.empty() && w[0] == "copy";
}

} // namespace

size_t skip_blanks_and_comments(std::string_view sql, size_t pos) {
  while (pos < sql.size()) {
    if (std::isspace(static_cast<unsigned char>(sql[pos])) || sql[pos] == ';') {
      ++pos;
    } else if (sql.compare(pos, 2, "--") == 0) {
      size_t end = sql.find('\n', pos);
      pos = end == std::string_view::npos ? sql.size() : end + 1;
    } else if (sql.compare(pos, 2, "/*") == 0) {
      int depth = 0;
      while (pos < sql.size()) {
        if (sql.compare(pos, 2, "/*") == 0) {
          ++depth;
          pos += 2;
        } else if (sql.compare(pos, 2, "*/") == 0) {
          pos += 2;
          if (--depth == 0) {
            break;
          }
        } else {
          ++pos;
        }
      }
    } else {
      break;
    }
  }
  return pos;
}

std::vector<Statement> split_statements(std::string_view sql) {
  std::string text(sql);
  SplitEnds split = split_ends(text, true);
  bool parsed = split.parsed;
  if (!parsed) {
    // The scanner's split leaves out a piece without any keyword (such as a typo); the
    // pieces below still cover it, so it goes to the server with the next statement.
    split = split_ends(text, false);
  }
  std::vector<Statement> statements;
  size_t start = 0;
  for (size_t end : split.ends) {
    if (end <= start) {
      continue;
    }
    std::string_view piece = sql.substr(start, end - start);
    statements.push_back(Statement{start, end - start, true, classify(piece), is_copy(piece)});
    start = end;
  }
  if (start < sql.size()) {
    bool has_sql = !parsed && !only_blanks(text.substr(start));
    std::string_view piece = sql.substr(start);
    statements.push_back(Statement{start, sql.size() - start, has_sql,
                                   has_sql ? classify(piece) : TransactionControl::none,
                                   has_sql && is_copy(piece)});
  }
  return statements;
}

bool has_transaction_control(std::string_view sql) {
  for (const Statement& st : split_statements(sql)) {
    if (st.control != TransactionControl::none) {
      return true;
    }
  }
  return false;
}

} // namespace agentpg::sql
