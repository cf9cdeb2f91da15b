#include "pg/row_counts.hpp"

#include "pg/connection.hpp"
#include "util/strings.hpp"

namespace agentpg::pg {

std::optional<std::string> begin_exported_snapshot(Connection& conn) {
  Rows rows;
  std::optional<BatchFailure> failure = conn.try_execute_batch(
      {"BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "SET LOCAL row_security = off"});
  std::optional<ServerError> error =
      failure ? std::optional<ServerError>(failure->error)
              : conn.try_query(Query("SELECT pg_catalog.pg_export_snapshot()"), rows);
  if (error || rows.size() != 1) {
    conn.try_execute(rollback());
    return std::nullopt;
  }
  return rows.text(0, 0);
}

std::vector<TableRows> count_table_rows(Connection& conn) {
  conn.query("SET row_security = off");
  Rows tables = conn.query(
      "SELECT n.nspname, c.relname FROM pg_catalog.pg_class c "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
      "AND n.nspname !~ '^pg_(toast|temp_)' "
      "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = "
      "'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid AND d.deptype = 'e') "
      "ORDER BY n.nspname COLLATE \"C\", c.relname COLLATE \"C\"");
  std::vector<TableRows> counts;
  for (size_t i = 0; i < tables.size(); ++i) {
    TableRows t{tables.text(i, 0), tables.text(i, 1), 0};
    Rows count = conn.query("SELECT count(*) FROM " + conn.quote_identifier(t.schema) + "." +
                            conn.quote_identifier(t.table));
    unsigned long long n = 0;
    util::parse_uint(count.text(0, 0), n);
    t.rows = static_cast<long long>(n);
    counts.push_back(t);
  }
  return counts;
}

std::string server_now(Connection& conn) {
  return conn.query("SELECT pg_catalog.now()").text(0, 0);
}

std::vector<TableRows> running_copies_out(Connection& conn, const std::string& since) {
  if (conn.server_version_num() < 140000) {
    return {};
  }
  // A transaction sees one snapshot of the sessions' activity unless it is cleared.
  conn.query("SELECT pg_catalog.pg_stat_clear_snapshot()");
  Rows rows = conn.query(
      "SELECT n.nspname, c.relname, p.tuples_processed FROM pg_catalog.pg_stat_progress_copy p "
      "JOIN pg_catalog.pg_stat_activity a ON a.pid = p.pid "
      "JOIN pg_catalog.pg_class c ON c.oid = p.relid "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "WHERE p.datid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = "
      "pg_catalog.current_database()) AND p.command = 'COPY TO' AND p.type = 'PIPE' "
      "AND p.pid <> pg_catalog.pg_backend_pid() AND a.backend_start >= $1::timestamptz",
      {since});
  std::vector<TableRows> copies;
  for (size_t i = 0; i < rows.size(); ++i) {
    unsigned long long n = 0;
    util::parse_uint(rows.text(i, 2), n);
    copies.push_back(TableRows{rows.text(i, 0), rows.text(i, 1), static_cast<long long>(n)});
  }
  return copies;
}

} // namespace agentpg::pg
