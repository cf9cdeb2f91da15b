#include "sql/parse_tree.hpp"

#include <pg_query.h>

#include "sql/splitter.hpp"

namespace agentpg::sql::tree {

namespace {

// The byte offset of the 1-based character `position` of UTF-8 text (the parser counts
// characters, as the server does).
size_t byte_of_character(std::string_view text, int position) {
  size_t offset = 0;
  for (int chars = 1; offset < text.size() && chars < position; ++chars) {
    ++offset;
    while (offset < text.size() && (static_cast<unsigned char>(text[offset]) & 0xC0) == 0x80) {
      ++offset;
    }
  }
  return offset;
}

} // namespace

ParseResult parse(std::string_view sql) {
  std::string text(sql);
  ParseResult result;
  PgQueryParseResult parsed = pg_query_parse(text.c_str());
  if (parsed.error != nullptr) {
    result.error = parsed.error->message;
    result.error_offset = byte_of_character(sql, parsed.error->cursorpos);
    pg_query_free_parse_result(parsed);
    return result;
  }
  Node root = Node::parse(parsed.parse_tree);
  pg_query_free_parse_result(parsed);
  result.ok = true;
  for (Node& raw : root["stmts"]) {
    ParsedStatement st;
    st.offset = raw.value("stmt_location", size_t{0});
    size_t length = raw.value("stmt_len", size_t{0});
    st.length = length == 0 ? sql.size() - st.offset : length; // 0: to the end of the text
    st.first_word = skip_blanks_and_comments(sql.substr(0, st.offset + st.length), st.offset);
    auto member = raw["stmt"].begin();
    st.kind = member.key();
    st.body = std::move(member.value());
    result.statements.push_back(std::move(st));
  }
  return result;
}

const Node& field(const Node& node, const char* key) {
  static const Node k_null;
  if (!node.is_object()) {
    return k_null;
  }
  auto it = node.find(key);
  return it == node.end() ? k_null : *it;
}

std::string text(const Node& node, const char* key) {
  const Node& value = field(node, key);
  return value.is_string() ? value.get<std::string>() : std::string();
}

bool flag(const Node& node, const char* key) {
  const Node& value = field(node, key);
  return value.is_boolean() && value.get<bool>();
}

size_t location(const Node& node, size_t fallback) {
  const Node& value = field(node, "location");
  return value.is_number_integer() && value.get<long long>() >= 0 ? value.get<size_t>() : fallback;
}

std::vector<std::string> strings(const Node& list) {
  std::vector<std::string> out;
  if (!list.is_array()) {
    return out;
  }
  for (const Node& item : list) {
    const Node& string = field(item, "String");
    if (string.is_object()) {
      out.push_back(text(string, "sval"));
    }
  }
  return out;
}

std::string dotted(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) {
    out += (out.empty() ? "" : ".") + name;
  }
  return out;
}

std::string relation_name(const Node& range_var) {
  std::string schema = text(range_var, "schemaname");
  std::string name = text(range_var, "relname");
  return schema.empty() ? name : schema + "." + name;
}

std::string type_name(const Node& type_name_node) {
  std::vector<std::string> names = strings(field(type_name_node, "names"));
  if (names.empty()) {
    return "";
  }
  return names.size() == 2 && names[0] == "pg_catalog" ? names[1] : dotted(names);
}

std::string kind_of(const Node& wrapped) {
  return wrapped.is_object() && !wrapped.empty() ? wrapped.begin().key() : std::string();
}

const Node& body_of(const Node& wrapped) {
  static const Node k_null;
  return wrapped.is_object() && !wrapped.empty() ? wrapped.begin().value() : k_null;
}

} // namespace agentpg::sql::tree
