#pragma once
// What an operator looks at, read from the catalog and statistics views.
#include <optional>
#include <string>
#include <vector>

#include "pg/connection.hpp"

namespace agentpg::pg {

struct TableSize {
  std::string table;
  long long total = 0, heap = 0, indexes = 0, toast = 0;
};

struct IndexUsage {
  std::string index, table;
  long long scans = 0, size = 0;
  bool unique = false;
};

struct DuplicateIndex {
  std::string table, index, duplicate_of;
};

// A foreign key with no index whose leading columns are its columns: every DELETE or key
// UPDATE on the referenced table scans the referencing one (under a lock).
struct UnindexedForeignKey {
  std::string table, constraint, columns, referenced; // columns: quoted, comma-separated
};

struct DeadTuples {
  std::string table;
  long long live = 0, dead = 0;
  std::string last_vacuum, last_autovacuum, last_analyze, last_autoanalyze; // "" = never
};

struct Activity {
  int pid = 0;
  std::string state, user, application, query;
  double seconds = 0; // since the query (or the transaction when idle in it) started
};

struct Blocking {
  int blocked_pid = 0, blocking_pid = 0;
  double waiting_seconds = 0;
  std::string blocked_query, blocking_query;
};

struct Statement {
  std::string query;
  long long calls = 0;
  double total_ms = 0, mean_ms = 0;
};

struct Replica {
  std::string name, client, state;
  long long lag_bytes = 0;
  std::string replay_lag;
};

struct Extension {
  std::string name, version;
};

long long database_size(Connection& conn);
std::vector<TableSize> largest_tables(Connection& conn, int limit);
std::vector<IndexUsage> index_usage(Connection& conn);
std::vector<DuplicateIndex> duplicate_indexes(Connection& conn);
std::vector<UnindexedForeignKey> unindexed_foreign_keys(Connection& conn);
std::vector<DeadTuples> dead_tuples(Connection& conn, int limit);
std::vector<std::pair<std::string, long long>> connections_by_state(Connection& conn);
std::vector<Activity> longest_running(Connection& conn, int limit);
std::vector<Blocking> blocked_sessions(Connection& conn);
// nullopt when pg_stat_statements is not installed in this database.
std::optional<std::vector<Statement>> top_statements(Connection& conn, int limit);
std::vector<Replica> replicas(Connection& conn);
std::vector<Extension> extensions(Connection& conn);

// Maintenance: tables whose planner statistics are stale (changed a lot since ANALYZE).
std::vector<std::string> stale_statistics(Connection& conn);
bool function_exists(Connection& conn, const std::string& qualified_name);

} // namespace agentpg::pg
