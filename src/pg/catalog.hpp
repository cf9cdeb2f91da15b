#pragma once
// Catalog questions agentpg asks of any database (the SQL lives here, with the rest of
// the PostgreSQL specifics).
#include <string>

namespace agentpg::pg {

class Connection;

// Round-trip time of a trivial query, in milliseconds.
double ping_ms(Connection& conn);
bool table_exists(Connection& conn, const std::string& schema, const std::string& table);
bool database_exists(Connection& conn, const std::string& name);
bool extension_available(Connection& conn, const std::string& name);
// The SQL type of a column ("vector(1536)", "real[]"), or "" when there is no such column.
std::string column_type(Connection& conn, const std::string& schema, const std::string& table,
                        const std::string& column);

} // namespace agentpg::pg
