#include "pg/foreign_history.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "pg/connection.hpp"

namespace agentpg::pg {

namespace {

struct Candidate {
  const char* tool;
  const char* default_table;
};

// In the order they are tried; dbmate and golang-migrate share the table name and are
// told apart by golang-migrate's `dirty` column.
const Candidate k_candidates[] = {
    {"golang-migrate", "schema_migrations"},  {"dbmate", "schema_migrations"},
    {"diesel", "__diesel_schema_migrations"}, {"flyway", "flyway_schema_history"},
    {"alembic", "alembic_version"},
};

// A table found through search_path: its name for people ("schema.table", as stored) and
// for SQL (quoted where its names need it), or empty names when it does not exist.
struct Resolved {
  std::string qualified;
  std::string sql;
};

Resolved resolve(Connection& conn, const std::string& table) {
  Rows rows = conn.query(
      "SELECT c.oid::regclass::text, n.nspname || '.' || c.relname FROM pg_catalog.pg_class c "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)",
      {table});
  return rows.empty() ? Resolved{} : Resolved{rows.text(0, 1), rows.text(0, 0)};
}

bool has_column(Connection& conn, const Resolved& table, const std::string& column) {
  return !conn.query("SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = $1::regclass AND "
                     "attname = $2 "
                     "AND NOT attisdropped",
                     {table.sql, column})
              .empty();
}

std::vector<std::string> column_values(Connection& conn, const std::string& sql) {
  Rows rows = conn.query(sql);
  std::vector<std::string> values;
  for (size_t r = 0; r < rows.size(); ++r) {
    values.push_back(rows.text(r, 0));
  }
  return values;
}

ForeignHistory read(Connection& conn, const std::string& tool, const Resolved& table) {
  ForeignHistory h;
  h.tool = tool;
  h.table = table.qualified;
  const std::string& t = table.sql;
  if (tool == "golang-migrate") {
    Rows rows = conn.query("SELECT version::text, dirty FROM " + t + " LIMIT 1");
    if (!rows.empty()) {
      h.head = rows.text(0, 0);
      h.dirty = rows.text(0, 1) == "t";
    }
  } else if (tool == "dbmate" || tool == "diesel") {
    h.versions = column_values(conn, "SELECT version::text FROM " + t);
  } else if (tool == "flyway") {
    // Only successful versioned migrations (repeatable ones have no version).
    h.versions =
        column_values(conn, "SELECT version FROM " + t +
                                " WHERE success AND version IS NOT NULL AND type <> 'DELETE' "
                                "ORDER BY installed_rank");
  } else if (tool == "alembic") {
    std::vector<std::string> heads = column_values(conn, "SELECT version_num FROM " + t);
    if (heads.size() > 1) {
      throw core::Error(
          core::ExitCode::validation,
          fmt::format("{} holds {} heads (a branched Alembic history)", h.table, heads.size()),
          "merge the branches with Alembic first ('alembic merge'), then adopt");
    }
    h.head = heads.empty() ? "" : heads[0];
  }
  return h;
}

} // namespace

std::optional<ForeignHistory> find_foreign_history(Connection& conn, const std::string& tool,
                                                   const std::string& table) {
  for (const auto& candidate : k_candidates) {
    if (!tool.empty() && tool != candidate.tool) {
      continue;
    }
    Resolved found = resolve(conn, table.empty() ? candidate.default_table : table);
    if (found.qualified.empty() || found.qualified.rfind("agentpg.", 0) == 0) {
      continue;
    }
    bool dirty_column = has_column(conn, found, "dirty");
    if (tool.empty() && std::string(candidate.tool) == "golang-migrate" && !dirty_column) {
      continue;
    }
    if (tool.empty() && std::string(candidate.tool) == "dbmate" && dirty_column) {
      continue;
    }
    return read(conn, candidate.tool, found);
  }
  return std::nullopt;
}

std::vector<std::string> user_tables(Connection& conn, size_t limit) {
  Rows rows = conn.query("SELECT n.nspname || '.' || c.relname FROM pg_catalog.pg_class c "
                         "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                         "WHERE c.relkind IN ('r', 'p', 'v', 'm') AND n.nspname NOT IN "
                         "('pg_catalog', 'information_schema', 'agentpg') "
                         "AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%' "
                         "AND c.relname NOT IN ('schema_migrations', '__diesel_schema_migrations', "
                         "'flyway_schema_history', "
                         "'alembic_version') ORDER BY 1 LIMIT " +
                         std::to_string(limit));
  std::vector<std::string> tables;
  for (size_t r = 0; r < rows.size(); ++r) {
    tables.push_back(rows.text(r, 0));
  }
  return tables;
}

} // namespace agentpg::pg
