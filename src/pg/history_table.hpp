#pragma once
// The name of agentpg's migration history table: agentpg.schema_migrations, unless the
// history_table setting (DB_MIGRATION_TABLE) names another table in the agentpg schema.
// One per process: ops::Context sets it from the configuration before anything connects.
#include <string>

namespace agentpg::pg {

// NAME: a table name in the agentpg schema, as validated by the configuration.
void use_history_table(const std::string& name);

// The table as SQL (agentpg.schema_migrations, or agentpg."Quoted_Name") and as shown in
// messages (agentpg.Quoted_Name).
const std::string& history_table_sql();
const std::string& history_table_shown();
// The table's own name, without the schema (for catalog lookups).
const std::string& history_table_name();

// SQL of agentpg's own with each "agentpg.schema_migrations" in it naming the configured table.
std::string with_history_table(std::string sql);

} // namespace agentpg::pg
