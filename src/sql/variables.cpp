#include "sql/variables.hpp"

#include <pg_query.h>

#include <cctype>
#include <memory>

#include <pg_query/pg_query.pb-c.h>

namespace agentpg::sql {

namespace {

// psql's variable_char: [A-Za-z\200-\377_0-9].
bool is_name_char(char c) {
  auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '_' || u >= 0x80;
}

size_t name_end(std::string_view sql, size_t pos) {
  while (pos < sql.size() && is_name_char(sql[pos])) {
    ++pos;
  }
  return pos;
}

// The reference that starts with the ':' token at `colon`, if the text right after it
// (no blank between) is a name, or a name in ' or " quotes.
bool reference_at(std::string_view sql, size_t colon, VariableRef& ref) {
  size_t at = colon + 1;
  if (at >= sql.size()) {
    return false;
  }
  char c = sql[at];
  if (c == '\'' || c == '"') {
    size_t end = name_end(sql, at + 1);
    if (end == at + 1 || end >= sql.size() || sql[end] != c) {
      return false; // not psql's :'name' or :"name": left as the text it is
    }
    ref = VariableRef{colon, end + 1 - colon, std::string(sql.substr(at + 1, end - at - 1)),
                      c == '\'' ? VariableKind::literal : VariableKind::identifier};
    return true;
  }
  if (!is_name_char(c) || std::isdigit(static_cast<unsigned char>(c))) {
    return false; // arr[1:2], or :$1
  }
  size_t end = name_end(sql, at);
  ref = VariableRef{colon, end - colon, std::string(sql.substr(at, end - at)), VariableKind::raw};
  return true;
}

struct ScanResultFree {
  void operator()(PgQuery__ScanResult* r) const {
    pg_query__scan_result__free_unpacked(r, nullptr);
  }
};

} // namespace

VariableScan find_variables(std::string_view sql) {
  VariableScan out;
  std::string text(sql);
  PgQueryScanResult result = pg_query_scan(text.c_str());
  if (result.error != nullptr) {
    out.error = result.error->message != nullptr ? result.error->message : "cannot scan";
    out.error_offset = result.error->cursorpos > 0 ? result.error->cursorpos - 1 : 0;
    pg_query_free_scan_result(result);
    return out;
  }
  std::unique_ptr<PgQuery__ScanResult, ScanResultFree> tokens(pg_query__scan_result__unpack(
      nullptr, result.pbuf.len, reinterpret_cast<const uint8_t*>(result.pbuf.data)));
  pg_query_free_scan_result(result);
  if (!tokens) {
    out.error = "cannot read the scanner's tokens";
    return out;
  }
  out.scanned = true;
  for (size_t i = 0; i < tokens->n_tokens; ++i) {
    const PgQuery__ScanToken* t = tokens->tokens[i];
    // A lone ':' (`::` is its own token, TYPECAST; `:=` is COLON_EQUALS).
    if (t->token != PG_QUERY__TOKEN__ASCII_58) {
      continue;
    }
    VariableRef ref;
    if (reference_at(sql, static_cast<size_t>(t->start), ref)) {
      out.refs.push_back(std::move(ref));
    }
  }
  return out;
}

} // namespace agentpg::sql
