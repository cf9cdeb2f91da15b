#pragma once
// PostgreSQL's parse tree of SQL text, as libpg_query gives it (its JSON form, read with
// nlohmann::json), with the few helpers the lint rules share. Internal to sql/: only
// sql/*.cpp include it. Every "location" in the tree is a byte offset into the text given
// to parse().
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace agentpg::sql::tree {

using Node = nlohmann::json;

struct ParsedStatement {
  size_t offset = 0;     // where the statement's piece begins (after the previous ';')
  size_t length = 0;     // of the piece, without its ';'
  size_t first_word = 0; // where its first word is (after leading blanks and comments)
  std::string kind;      // the node's type: "CreateStmt", "IndexStmt", ...
  Node body;             // the node's fields
};

struct ParseResult {
  bool ok = false;
  std::vector<ParsedStatement> statements;
  std::string error;       // the parser's message when !ok
  size_t error_offset = 0; // byte offset of the error when !ok
};

ParseResult parse(std::string_view sql);

// A field of an object node, or a null node when it has none (never throws).
const Node& field(const Node& node, const char* key);
// A string field, "" when absent.
std::string text(const Node& node, const char* key);
// A boolean field, false when absent (libpg_query leaves false fields out).
bool flag(const Node& node, const char* key);
// A node's "location", or `fallback` when it has none.
size_t location(const Node& node, size_t fallback);
// A list of String nodes ("names", "funcname", ...) as its strings.
std::vector<std::string> strings(const Node& list);
// The last name of a list of names, lower-case as the parser leaves unquoted names;
// "schema.name" when qualified.
std::string dotted(const std::vector<std::string>& names);
// A RangeVar as "schema.name" or "name".
std::string relation_name(const Node& range_var);
// The type of a TypeName without pg_catalog. ("varchar", "int4", "serial", "timestamptz").
std::string type_name(const Node& type_name_node);
// The one wrapped node of {"Kind": {...}}: its kind and its body.
std::string kind_of(const Node& wrapped);
const Node& body_of(const Node& wrapped);

} // namespace agentpg::sql::tree
