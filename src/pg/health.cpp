#include "pg/health.hpp"

#include <fmt/format.h>

namespace agentpg::pg {

namespace {

long long number(const Rows& rows, size_t r, size_t c) {
  std::string text = rows.text(r, c);
  return text.empty() ? 0 : std::stoll(text);
}

double seconds(const Rows& rows, size_t r, size_t c) {
  std::string text = rows.text(r, c);
  return text.empty() ? 0 : std::stod(text);
}

const char* k_user_tables =
    "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'";

} // namespace

long long database_size(Connection& conn) {
  return number(conn.query("SELECT pg_database_size(current_database())"), 0, 0);
}

std::vector<TableSize> largest_tables(Connection& conn, int limit) {
  // Exact sizes need a lock on each table; when one is held exclusively (within the
  // session's lock_timeout), the catalog's page counts give an estimate instead.
  std::string exact =
      std::string("SELECT n.nspname || '.' || c.relname, pg_total_relation_size(c.oid), "
                  "pg_relation_size(c.oid), pg_indexes_size(c.oid), "
                  "coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0) "
                  "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                  "WHERE c.relkind IN ('r', 'm', 'p') AND ") +
      k_user_tables + " ORDER BY 2 DESC, 1 LIMIT " + std::to_string(limit);
  std::string estimate =
      std::string(
          "SELECT n.nspname || '.' || c.relname, "
          "(c.relpages + coalesce(t.relpages, 0) + coalesce((SELECT sum(i.relpages) FROM pg_index "
          "x "
          "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = c.oid), 0))::bigint * 8192, "
          "c.relpages::bigint * 8192, coalesce((SELECT sum(i.relpages) FROM pg_index x JOIN "
          "pg_class i "
          "ON i.oid = x.indexrelid WHERE x.indrelid = c.oid), 0)::bigint * 8192, "
          "coalesce(t.relpages, 0)::bigint * 8192 "
          "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
          "LEFT JOIN pg_class t ON t.oid = c.reltoastrelid WHERE c.relkind IN ('r', 'm', 'p') "
          "AND ") +
      k_user_tables + " ORDER BY 2 DESC, 1 LIMIT " + std::to_string(limit);
  Rows rows;
  if (conn.try_query(exact, rows)) {
    rows = conn.query(estimate);
  }
  std::vector<TableSize> out;
  for (size_t r = 0; r < rows.size(); ++r) {
    out.push_back({rows.text(r, 0), number(rows, r, 1), number(rows, r, 2), number(rows, r, 3),
                   number(rows, r, 4)});
  }
  return out;
}

std::vector<IndexUsage> index_usage(Connection& conn) {
  Rows rows;
  std::string sql =
      "SELECT s.schemaname || '.' || s.indexrelname, s.schemaname || '.' || s.relname, s.idx_scan, "
      "{}, "
      "i.indisunique FROM pg_stat_user_indexes s JOIN pg_index i ON i.indexrelid = s.indexrelid "
      "JOIN pg_class ic ON ic.oid = s.indexrelid ORDER BY 1";
  if (conn.try_query(fmt::format(sql, "pg_relation_size(s.indexrelid)"), rows)) {
    rows =
        conn.query(fmt::format(sql, "ic.relpages::bigint * 8192")); // a table is locked: estimate
  }
  std::vector<IndexUsage> out;
  for (size_t r = 0; r < rows.size(); ++r) {
    out.push_back({rows.text(r, 0), rows.text(r, 1), number(rows, r, 2), number(rows, r, 3),
                   rows.text(r, 4) == "t"});
  }
  return out;
}

std::vector<DuplicateIndex> duplicate_indexes(Connection& conn) {
  // Same table, same columns, operator classes, collations and orders (DESC, NULLS FIRST),
  // same expressions and predicate. The later one is the duplicate, but never a unique
  // index of one that is not: dropping it would drop the uniqueness.
  Rows rows = conn.query(
      "SELECT a.indrelid::regclass::text, b.indexrelid::regclass::text, "
      "a.indexrelid::regclass::text "
      "FROM pg_index a JOIN pg_index b ON a.indrelid = b.indrelid AND (a.indisunique AND NOT "
      "b.indisunique "
      "OR a.indisunique = b.indisunique AND a.indexrelid < b.indexrelid) "
      "AND a.indkey::text = b.indkey::text AND a.indclass::text = b.indclass::text "
      "AND a.indcollation::text = b.indcollation::text AND a.indoption::text = b.indoption::text "
      "AND coalesce(pg_get_expr(a.indexprs, a.indrelid), '') = coalesce(pg_get_expr(b.indexprs, "
      "b.indrelid), '') "
      "AND coalesce(pg_get_expr(a.indpred, a.indrelid), '') = coalesce(pg_get_expr(b.indpred, "
      "b.indrelid), '') "
      "JOIN pg_class c ON c.oid = a.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2");
  std::vector<DuplicateIndex> out;
  for (size_t r = 0; r < rows.size(); ++r) {
    out.push_back({rows.text(r, 0), rows.text(r, 1), rows.text(r, 2)});
  }
  return out;
}

std::vector<UnindexedForeignKey> unindexed_foreign_keys(Connection& conn) {
  // An index serves the foreign key when its leading columns are the key's columns, in any
  // order, and it is valid and whole, or partial on "column IS NOT NULL" of one of them (the
  // lookups compare the column with a value, which implies that).
  Rows rows = conn.query(
      "SELECT quote_ident(n.nspname) || '.' || quote_ident(t.relname), k.conname, "
      "(SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY c.ord) "
      "FROM unnest(k.conkey) WITH ORDINALITY AS c(attnum, ord) "
      "JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = c.attnum), "
      "quote_ident(rn.nspname) || '.' || quote_ident(r.relname) "
      "FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid "
      "JOIN pg_namespace n ON n.oid = t.relnamespace "
      "JOIN pg_class r ON r.oid = k.confrelid JOIN pg_namespace rn ON rn.oid = r.relnamespace "
      "WHERE k.contype = 'f' AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
      "AND n.nspname !~ '^pg_toast' AND NOT EXISTS (SELECT 1 FROM pg_index i "
      "WHERE i.indrelid = k.conrelid AND i.indisvalid AND (i.indpred IS NULL OR "
      "pg_get_expr(i.indpred, i.indrelid) IN (SELECT '(' || quote_ident(a.attname) || "
      "' IS NOT NULL)' FROM pg_attribute a WHERE a.attrelid = k.conrelid "
      "AND a.attnum = ANY (k.conkey))) "
      "AND (SELECT array_agg(x ORDER BY x) FROM unnest((i.indkey::int2[])[0:cardinality(k.conkey) "
      "- 1]) x) = (SELECT array_agg(x ORDER BY x) FROM unnest(k.conkey) x)) "
      "ORDER BY 1, 2");
  std::vector<UnindexedForeignKey> out;
  for (size_t r = 0; r < rows.size(); ++r) {
    out.push_back({rows.text(r, 0), rows.text(r, 1), rows.text(r, 2), rows.text(r, 3)});
  }
  return out;
}

std::vector<DeadTuples> dead_tuples(Connection& conn, int limit) {
  Rows rows = conn.query(
      "SELECT schemaname || '.' || relname, n_live_tup, n_dead_tup, "
      "coalesce(to_char(last_vacuum, 'YYYY-MM-DD HH24:MI'), ''), coalesce(to_char(last_autovacuum, "
      "'YYYY-MM-DD HH24:MI'), ''), "
      "coalesce(to_char(last_analyze, 'YYYY-MM-DD HH24:MI'), ''), "
      "coalesce(to_char(last_autoanalyze, 'YYYY-MM-DD HH24:MI'), '') "
      "FROM pg_stat_user_tables WHERE n_dead_tup > 0 ORDER BY n_dead_tup DESC, 1 LIMIT $1",
      {std::to_string(limit)});
  std::vector<DeadTuples> out;
  for (size_t r = 0; r < rows.size(); ++r) {
    out.push_back({rows.text(r, 0), number(rows, r, 1), number(rows, r, 2), rows.text(r, 3),
                   rows.text(r, 4), rows.text(r, 5), rows.text(r, 6)});
  }
  return out;
}

std::vector<std::pair<std::string, long long>> connections_by_state(Connection& conn) {
  Rows rows = conn.query("SELECT coalesce(state, 'background'), count(*) FROM pg_stat_activity "
                         "WHERE datname = current_database() GROUP BY 1 ORDER BY 2 DESC, 1");
  std::vector<std::pair<std::string, long long>> out;
  for (size_t r = 0; r < rows.size(); ++r) {
    out.emplace_back(rows.text(r, 0), number(rows, r, 1));
  }
  return out;
}

std::vector<Activity> longest_running(Connection& conn, int limit) {
  Rows rows = conn.query(
      "SELECT pid, state, coalesce(usename, ''), coalesce(application_name, ''), left(query, 200), "
      "extract(epoch FROM now() - coalesce(CASE WHEN state LIKE 'idle in transaction%' THEN "
      "xact_start END, query_start)) "
      "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
      "AND state IS NOT NULL AND state <> 'idle' ORDER BY 6 DESC NULLS LAST LIMIT $1",
      {std::to_string(limit)});
  std::vector<Activity> out;
  for (size_t r = 0; r < rows.size(); ++r) {
    out.push_back({static_cast<int>(number(rows, r, 0)), rows.text(r, 1), rows.text(r, 2),
                   rows.text(r, 3), rows.text(r, 4), seconds(rows, r, 5)});
  }
  return out;
}

std::vector<Blocking> blocked_sessions(Connection& conn) {
  Rows rows = conn.query(
      "SELECT w.pid, b.pid, extract(epoch FROM now() - w.state_change), left(w.query, 200), "
      "left(b.query, 200) "
      "FROM pg_stat_activity w CROSS JOIN LATERAL unnest(pg_blocking_pids(w.pid)) AS blocker(pid) "
      "JOIN pg_stat_activity b ON b.pid = blocker.pid "
      "WHERE w.datname = current_database() ORDER BY 3 DESC");
  std::vector<Blocking> out;
  for (size_t r = 0; r < rows.size(); ++r) {
    out.push_back({static_cast<int>(number(rows, r, 0)), static_cast<int>(number(rows, r, 1)),
                   seconds(rows, r, 2), rows.text(r, 3), rows.text(r, 4)});
  }
  return out;
}

std::optional<std::vector<Statement>> top_statements(Connection& conn, int limit) {
  if (conn.query("SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'").empty()) {
    return std::nullopt;
  }
  Rows rows;
  if (conn.try_query(
          "SELECT left(query, 200), calls, total_exec_time, mean_exec_time FROM pg_stat_statements "
          "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
          "ORDER BY total_exec_time DESC LIMIT " +
              std::to_string(limit),
          rows)) {
    return std::nullopt; // installed but not preloaded: it cannot answer
  }
  std::vector<Statement> out;
  for (size_t r = 0; r < rows.size(); ++r) {
    out.push_back({rows.text(r, 0), number(rows, r, 1), seconds(rows, r, 2), seconds(rows, r, 3)});
  }
  return out;
}

std::vector<Replica> replicas(Connection& conn) {
  Rows rows = conn.query(
      "SELECT coalesce(application_name, ''), coalesce(host(client_addr), 'local'), state, "
      "coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), 0)::bigint, "
      "coalesce(replay_lag::text, '') FROM pg_stat_replication ORDER BY 1");
  std::vector<Replica> out;
  for (size_t r = 0; r < rows.size(); ++r) {
    out.push_back(
        {rows.text(r, 0), rows.text(r, 1), rows.text(r, 2), number(rows, r, 3), rows.text(r, 4)});
  }
  return out;
}

std::vector<Extension> extensions(Connection& conn) {
  Rows rows = conn.query("SELECT extname, extversion FROM pg_extension ORDER BY 1");
  std::vector<Extension> out;
  for (size_t r = 0; r < rows.size(); ++r) {
    out.push_back({rows.text(r, 0), rows.text(r, 1)});
  }
  return out;
}

std::vector<std::string> stale_statistics(Connection& conn) {
  // autovacuum's own rule (50 rows + 10% of the table changed), or never analysed.
  Rows rows = conn.query(
      "SELECT schemaname || '.' || relname FROM pg_stat_user_tables "
      "WHERE n_mod_since_analyze > 50 + 0.1 * n_live_tup "
      "OR (n_live_tup > 0 AND last_analyze IS NULL AND last_autoanalyze IS NULL) ORDER BY 1");
  std::vector<std::string> out;
  for (size_t r = 0; r < rows.size(); ++r) {
    out.push_back(rows.text(r, 0));
  }
  return out;
}

bool function_exists(Connection& conn, const std::string& qualified_name) {
  return !conn.query("SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                     "WHERE n.nspname || '.' || p.proname = $1",
                     {qualified_name})
              .empty();
}

} // namespace agentpg::pg
