#include "pg/history_table.hpp"

#include <algorithm>

namespace agentpg::pg {

namespace {

constexpr const char* k_default = "agentpg.schema_migrations";

struct Names {
  std::string name = "schema_migrations";
  std::string sql = k_default;
  std::string shown = k_default;
};

Names& names() {
  static Names n;
  return n;
}

// A name of lower-case letters, digits and '_' (not starting with a digit) needs no quotes
// after "agentpg.": the grammar takes any word there, keywords included.
bool plain(const std::string& name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

} // namespace

void use_history_table(const std::string& name) {
  Names& n = names();
  n.name = name;
  n.shown = "agentpg." + name;
  n.sql = plain(name) ? n.shown : "agentpg.\"" + name + "\""; // validated: no '"' in it
}

const std::string& history_table_sql() {
  return names().sql;
}
const std::string& history_table_shown() {
  return names().shown;
}
const std::string& history_table_name() {
  return names().name;
}

std::string with_history_table(std::string sql) {
  const std::string& table = history_table_sql();
  if (table == k_default) {
    return sql;
  }
  const std::string from = k_default;
  for (size_t at = sql.find(from); at != std::string::npos;
       at = sql.find(from, at + table.size())) {
    sql.replace(at, from.size(), table);
  }
  return sql;
}

} // namespace agentpg::pg
