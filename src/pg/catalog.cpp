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
  Rows rows = conn.query("SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON "
                         "n.oid = c.relnamespace "
                         "WHERE n.nspname = $1 AND c.relname = $2",
                         {schema, table});
  return !rows.empty();
}

bool database_exists(Connection& conn, const std::string& name) {
  return !conn.query("SELECT 1 FROM pg_catalog.pg_database WHERE datname = $1", {name}).empty();
}

} // namespace agentpg::pg

namespace agentpg::pg {

std::string column_type(Connection& conn, const std::string& schema, const std::string& table,
                        const std::string& column) {
  Rows rows = conn.query(
      "SELECT format_type(a.atttypid, a.atttypmod) FROM pg_catalog.pg_attribute a "
      "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "WHERE n.nspname = $1 AND c.relname = $2 AND a.attname = $3 AND NOT a.attisdropped",
      {schema, table, column});
  return rows.empty() ? "" : rows.text(0, 0);
}

} // namespace agentpg::pg

namespace agentpg::pg {

namespace {} // namespace

const ColumnInfo* TableInfo::column(const std::string& wanted) const {
  for (const auto& c : columns) {
    if (c.name == wanted) {
      return &c;
    }
  }
  return nullptr;
}

std::optional<TableInfo> table_info(Connection& conn, const std::string& qualified) {
  // The name as written: "schema.table" is quoted part by part, as the seed statements do.
  Rows exists = conn.query("SELECT to_regclass($1)::oid", {quote_qualified(qualified)});
  if (exists.empty() || exists.is_null(0, 0)) {
    return std::nullopt;
  }
  std::string oid = exists.text(0, 0);
  TableInfo info;
  info.name = qualified;
  Rows columns = conn.query(
      "SELECT a.attname, format_type(a.atttypid, a.atttypmod), t.typcategory = 'A', "
      "a.atttypid IN ('json'::regtype, 'jsonb'::regtype), a.attidentity = 'a' OR a.attgenerated <> "
      "'' "
      "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
      "WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
      {oid});
  for (size_t r = 0; r < columns.size(); ++r) {
    info.columns.push_back(ColumnInfo{columns.text(r, 0), columns.text(r, 1),
                                      columns.text(r, 2) == "t", columns.text(r, 3) == "t",
                                      columns.text(r, 4) == "t"});
  }
  // One row per key column (a column name may hold a comma), keys in order: the primary
  // key first, then the unique constraints by name.
  Rows keys =
      conn.query("SELECT c.oid, c.contype, a.attname FROM pg_catalog.pg_constraint c "
                 "CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY k(n, i) "
                 "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n "
                 "WHERE c.conrelid = $1::oid AND c.contype IN ('p', 'u') ORDER BY c.contype, "
                 "c.conname, c.oid, k.i",
                 {oid});
  for (size_t r = 0; r < keys.size(); ++r) {
    if (r == 0 || keys.view(r, 0) != keys.view(r - 1, 0)) {
      info.unique_keys.emplace_back();
    }
    info.unique_keys.back().push_back(keys.text(r, 2));
  }
  if (!keys.empty() && keys.view(0, 1) == "p") {
    info.primary_key = info.unique_keys.front();
  }
  return info;
}

std::vector<std::string> referencing_tables(Connection& conn, const std::string& qualified) {
  Rows rows = conn.query(
      "SELECT DISTINCT n.nspname || '.' || c.relname FROM pg_catalog.pg_constraint k "
      "JOIN pg_catalog.pg_class c ON c.oid = k.conrelid "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "WHERE k.contype = 'f' AND k.confrelid = to_regclass($1) AND k.conrelid <> k.confrelid",
      {quote_qualified(qualified)});
  std::vector<std::string> tables;
  for (size_t r = 0; r < rows.size(); ++r) {
    tables.push_back(rows.text(r, 0));
  }
  return tables;
}

std::vector<std::string> truncate_triggers(Connection& conn, const std::string& qualified) {
  // tgtype bit 5 (TRIGGER_TYPE_TRUNCATE in the server's trigger.h) marks TRUNCATE triggers.
  Rows rows = conn.query("SELECT tgname FROM pg_catalog.pg_trigger WHERE tgrelid = to_regclass($1) "
                         "AND NOT tgisinternal AND tgenabled <> 'D' AND (tgtype & 32) <> 0 "
                         "ORDER BY tgname",
                         {quote_qualified(qualified)});
  std::vector<std::string> names;
  for (size_t r = 0; r < rows.size(); ++r) {
    names.push_back(rows.text(r, 0));
  }
  return names;
}

bool schema_exists(Connection& conn, const std::string& schema) {
  return !conn.query("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1", {schema}).empty();
}

} // namespace agentpg::pg
