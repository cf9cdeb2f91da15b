#include "pg/catalog.hpp"

#include "pg/connection.hpp"
#include "util/time.hpp"

namespace agentpg::pg {

double ping_ms(Connection& conn) {
  util::Clock::time_point start = util::Clock::now();
  conn.query("SELECT 1");
  return util::elapsed_ms(start);
}

bool table_exists(Connection& conn, const std::string& schema, const std::string& table) {
  Rows rows = conn.query("SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                         "WHERE n.nspname = $1 AND c.relname = $2",
                         {schema, table});
  return !rows.empty();
}

bool database_exists(Connection& conn, const std::string& name) {
  return !conn.query("SELECT 1 FROM pg_catalog.pg_database WHERE datname = $1", {name}).empty();
}

bool extension_available(Connection& conn, const std::string& name) {
  return !conn.query("SELECT 1 FROM pg_catalog.pg_available_extensions WHERE name = $1", {name}).empty();
}

} // namespace agentpg::pg

namespace agentpg::pg {

std::string column_type(Connection& conn, const std::string& schema, const std::string& table,
                        const std::string& column) {
  Rows rows = conn.query("SELECT format_type(a.atttypid, a.atttypmod) FROM pg_catalog.pg_attribute a "
                         "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
                         "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                         "WHERE n.nspname = $1 AND c.relname = $2 AND a.attname = $3 AND NOT a.attisdropped",
                         {schema, table, column});
  return rows.empty() ? "" : rows.text(0, 0);
}

} // namespace agentpg::pg
