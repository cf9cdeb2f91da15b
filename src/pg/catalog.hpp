#pragma once
// Catalog questions agentpg asks of any database (the SQL lives here, with the rest of
// the PostgreSQL specifics).
#include <optional>
#include <string>
#include <vector>

namespace agentpg::pg {

class Connection;

// Round-trip time of a trivial query, in milliseconds.
double ping_ms(Connection& conn);
bool table_exists(Connection& conn, const std::string& schema, const std::string& table);
bool database_exists(Connection& conn, const std::string& name);
struct ColumnInfo {
  std::string name;
  std::string type; // format_type(): "uuid", "jsonb", "text[]", "character varying(255)"
  bool is_array = false;
  bool is_json = false;
  bool generated_always = false; // GENERATED ALWAYS identity or generated column
};

struct TableInfo {
  std::string name; // schema.table as given
  std::vector<ColumnInfo> columns;
  std::vector<std::string> primary_key;
  std::vector<std::vector<std::string>> unique_keys; // primary key first
  const ColumnInfo* column(const std::string& name) const;
};

// nullopt when the table does not exist. `qualified` is "schema.table" as written, without
// quotes: case and spaces are kept ("Sales.Order Lines").
std::optional<TableInfo> table_info(Connection& conn, const std::string& qualified);

// Tables ("schema.table", as above) whose foreign keys reference `qualified`.
std::vector<std::string> referencing_tables(Connection& conn, const std::string& qualified);

// The enabled triggers of `qualified` (as above) that fire on TRUNCATE: guards such as the
// one that keeps an append-only table from being emptied.
std::vector<std::string> truncate_triggers(Connection& conn, const std::string& qualified);

bool schema_exists(Connection& conn, const std::string& schema);

// The SQL type of a column ("vector(1536)", "real[]"), or "" when there is no such column.
std::string column_type(Connection& conn, const std::string& schema, const std::string& table,
                        const std::string& column);

} // namespace agentpg::pg
