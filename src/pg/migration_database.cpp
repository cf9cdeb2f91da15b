#include "pg/migration_database.hpp"

#include <fmt/format.h>

#include <cstdlib>

#include "core/error.hpp"
#include "pg/connection.hpp"
#include "pg/history_table.hpp"
#include "pg/query.hpp"
#include "util/time.hpp"

namespace agentpg::pg {

namespace {

// The advisory lock key: "agentpg!" as a big-endian 64-bit number. Split into the two
// 32-bit halves pg_locks shows it as (classid, objid).
constexpr long long k_lock_key = 0x6167656e74706721LL;
constexpr unsigned k_lock_classid = 0x6167656eU;
constexpr unsigned k_lock_objid = 0x74706721U;

HistoryStatus parse_status(std::string_view text) {
  if (text == "failed") {
    return HistoryStatus::failed;
  }
  return text == "running" ? HistoryStatus::running : HistoryStatus::applied;
}

} // namespace

MigrationDatabase::MigrationDatabase(Connection& conn) : m_conn(conn) {}

std::optional<std::vector<AppliedMigration>> MigrationDatabase::read_history() {
  // With DateStyle ISO the server's own text carries the UTC offset, and is converted
  // here: formatting 1,000 rows with to_char() AT TIME ZONE cost the server more.
  bool iso = m_conn.parameter("DateStyle").rfind("ISO", 0) == 0;
  std::string applied_at =
      iso ? "applied_at" : "to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')";
  const char* columns = "version, name, module, checksum, status, {}, execution_ms, applied_by, "
                        "failed_statement, error";
  Rows rows;
  std::string sql = fmt::format("SELECT {}, direction = 'down' FROM {}",
                                fmt::format(columns, applied_at), history_table_sql());
  std::optional<ServerError> error = m_conn.try_query(sql, rows);
  m_needs_upgrade = error && error->sqlstate == "42703"; // a table from before the direction column
  if (m_needs_upgrade) {
    error = m_conn.try_query(fmt::format("SELECT {}, false FROM {}",
                                         fmt::format(columns, applied_at), history_table_sql()),
                             rows);
  }
  if (error &&
      (error->sqlstate == "42P01" || error->sqlstate == "3F000")) { // no table, or no schema
    return std::nullopt;
  }
  if (error) {
    throw core::Error(core::ExitCode::sql,
                      fmt::format("cannot read {}: {} (SQLSTATE {})", history_table_shown(),
                                  error->message, error->sqlstate),
                      error->sqlstate == "42501"
                          ? "the user needs SELECT on " + history_table_shown()
                          : error->hint);
  }
  std::vector<AppliedMigration> history(rows.size());
  for (size_t r = 0; r < rows.size(); ++r) {
    AppliedMigration& a = history[r];
    a.version = rows.view(r, 0);
    a.name = rows.view(r, 1);
    a.module = rows.view(r, 2);
    a.checksum = rows.view(r, 3);
    a.status = parse_status(rows.view(r, 4));
    a.applied_at = util::utc_timestamp(rows.view(r, 5));
    a.execution_ms = std::strtod(rows.text(r, 6).c_str(), nullptr);
    a.applied_by = rows.view(r, 7);
    a.failed_statement = rows.is_null(r, 8) ? 0 : std::atoi(rows.text(r, 8).c_str());
    a.error = rows.view(r, 9);
    a.failed_down = rows.view(r, 10) == "t";
  }
  return history;
}

std::optional<RecordedMigration> MigrationDatabase::read_recorded(const std::string& version) {
  Rows rows;
  try {
    rows = m_conn.query(
        with_history_table(
            "SELECT up_sql, up_transactional, down_sql, down_transactional "
            "FROM agentpg.schema_migrations WHERE version = $1 AND up_sql IS NOT NULL"),
        {version});
  } catch (const core::Error&) {
    return std::nullopt; // a table from before the recorded sections
  }
  if (rows.empty()) {
    return std::nullopt;
  }
  RecordedMigration recorded;
  recorded.up_sql = rows.text(0, 0);
  recorded.up_transactional = rows.view(0, 1) != "f";
  if (!rows.is_null(0, 2)) {
    recorded.down_sql = rows.text(0, 2);
  }
  recorded.down_transactional = rows.view(0, 3) != "f";
  return recorded;
}

std::string MigrationDatabase::missing_history_privileges() {
  Rows rows = m_conn.query(with_history_table(
      "SELECT current_user, p FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', "
      "'DELETE']) WITH ORDINALITY AS x(p, i) "
      "WHERE NOT has_table_privilege('agentpg.schema_migrations', p) ORDER BY i"));
  std::vector<std::string> missing;
  for (size_t r = 0; r < rows.size(); ++r) {
    missing.push_back(rows.text(r, 1));
  }
  if (missing.empty()) {
    return "";
  }
  std::string list;
  for (size_t i = 0; i < missing.size(); ++i) {
    list += (i == 0 ? "" : i + 1 == missing.size() ? " and " : ", ") + missing[i];
  }
  return fmt::format("the user {} may not {} {}", rows.text(0, 0), list, history_table_shown());
}

Query MigrationDatabase::create_history() const {
  return with_history_table(
      "CREATE SCHEMA IF NOT EXISTS agentpg;\n"
      "CREATE TABLE IF NOT EXISTS agentpg.schema_migrations (\n"
      "  version text PRIMARY KEY,\n"
      "  name text NOT NULL,\n"
      "  module text NOT NULL DEFAULT '',\n"
      "  checksum text NOT NULL,\n"
      "  applied_at timestamptz NOT NULL DEFAULT now(),\n"
      "  execution_ms double precision NOT NULL DEFAULT 0,\n"
      "  applied_by text NOT NULL DEFAULT current_user,\n"
      "  status text NOT NULL DEFAULT 'applied' CHECK (status IN ('applied', 'running', "
      "'failed')),\n"
      "  failed_statement integer,\n"
      "  error text\n"
      ");\n"
      "ALTER TABLE agentpg.schema_migrations\n"
      "  ADD COLUMN IF NOT EXISTS direction text CHECK (direction IN ('up', 'down')),\n"
      "  ADD COLUMN IF NOT EXISTS up_sql text,\n"
      "  ADD COLUMN IF NOT EXISTS up_transactional boolean,\n"
      "  ADD COLUMN IF NOT EXISTS down_sql text,\n"
      "  ADD COLUMN IF NOT EXISTS down_transactional boolean;");
}

namespace {

std::vector<Value> texts(const MigrationRow& m) {
  return {m.up_sql, std::string(m.up_transactional ? "t" : "f"), m.down_sql,
          std::string(m.down_transactional ? "t" : "f")};
}

std::vector<Value> row_values(const MigrationRow& m, std::vector<Value> more) {
  std::vector<Value> values = {m.version, m.name, m.module, m.checksum};
  for (auto& v : texts(m)) {
    values.push_back(std::move(v));
  }
  for (auto& v : more) {
    values.push_back(std::move(v));
  }
  return values;
}

// One of the queries below on the configured history table.
Query H(Query q) {
  q.text = with_history_table(std::move(q.text));
  return q;
}

const char* direction_name(Direction d) {
  return d == Direction::up ? "up" : "down";
}

} // namespace

Query MigrationDatabase::record_applied(const MigrationRow& m) const {
  // now() is the transaction's start, so the row times the whole migration.
  return H(Query("INSERT INTO agentpg.schema_migrations (version, name, module, checksum, up_sql, "
                 "up_transactional, "
                 "down_sql, down_transactional, execution_ms) "
                 "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1000 * extract(epoch FROM "
                 "clock_timestamp() - now()))",
                 row_values(m, {})))
      .changing(1);
}

Query MigrationDatabase::record_adopted(const MigrationRow& m,
                                        const std::string& applied_by) const {
  return H(Query(
               "INSERT INTO agentpg.schema_migrations (version, name, module, checksum, up_sql, "
               "up_transactional, "
               "down_sql, down_transactional, applied_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
               "$9)",
               row_values(m, {applied_by})))
      .changing(1);
}

Query MigrationDatabase::record_running(const MigrationRow& m, Direction direction,
                                        int statement) const {
  if (direction == Direction::down) {
    return H(Query(
                 "UPDATE agentpg.schema_migrations SET status = 'running', failed_statement = $2, "
                 "direction = 'down', "
                 "error = NULL WHERE version = $1",
                 {m.version, std::to_string(statement)}))
        .changing(1);
  }
  return H(Query(
               "INSERT INTO agentpg.schema_migrations (version, name, module, checksum, up_sql, "
               "up_transactional, "
               "down_sql, down_transactional, status, failed_statement, direction) "
               "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'running', $9, 'up') ON CONFLICT (version) "
               "DO UPDATE SET "
               "status = 'running', failed_statement = excluded.failed_statement, direction = "
               "'up', "
               "checksum = excluded.checksum, up_sql = excluded.up_sql, up_transactional = "
               "excluded.up_transactional, "
               "down_sql = excluded.down_sql, down_transactional = excluded.down_transactional, "
               "error = NULL",
               row_values(m, {std::to_string(statement)})))
      .changing(1);
}

Query MigrationDatabase::record_failed(const std::string& version, Direction direction,
                                       int statement, const std::string& error) const {
  return H(Query(
               "UPDATE agentpg.schema_migrations SET status = 'failed', failed_statement = $2, "
               "direction = $3, "
               "error = $4 WHERE version = $1",
               {version, std::to_string(statement), std::string(direction_name(direction)), error}))
      .changing(1);
}

Query MigrationDatabase::record_finished(const std::string& version) const {
  return H(Query(
               "UPDATE agentpg.schema_migrations SET status = 'applied', failed_statement = NULL, "
               "direction = NULL, "
               "error = NULL, execution_ms = 1000 * extract(epoch FROM clock_timestamp() - "
               "applied_at), "
               "applied_at = now() WHERE version = $1",
               {version}))
      .changing(1);
}

Query MigrationDatabase::record_reapplied(const std::string& version) const {
  return H(Query(
               "UPDATE agentpg.schema_migrations SET status = 'applied', failed_statement = NULL, "
               "direction = NULL, "
               "error = NULL WHERE version = $1",
               {version}))
      .changing(1);
}

Query MigrationDatabase::forget(const std::string& version) const {
  return H(Query("DELETE FROM agentpg.schema_migrations WHERE version = $1", {version}))
      .changing(1);
}

Query MigrationDatabase::record_accepted(const MigrationRow& m) const {
  // applied_at, execution_ms and applied_by stay: they say when it ran, not when it was
  // accepted.
  return H(Query("UPDATE agentpg.schema_migrations SET name = $2, module = $3, checksum = $4, "
                 "up_sql = $5, up_transactional = $6, down_sql = $7, down_transactional = $8 "
                 "WHERE version = $1 AND status = 'applied'",
                 row_values(m, {})))
      .changing(1);
}

Query MigrationDatabase::set_lock_timeout(int seconds) const {
  return fmt::format("SET LOCAL lock_timeout = '{}s'", seconds);
}

Query MigrationDatabase::relaxed_commits() const {
  return "SET synchronous_commit = off";
}

std::vector<Query> MigrationDatabase::flush_commits() const {
  // A synchronous commit flushes the WAL only when its transaction wrote some: a row is
  // written and deleted again (the migration lock keeps others away), and the commit
  // flushes the WAL up to it, with every asynchronous commit before it.
  return {
      "BEGIN READ WRITE", "SET LOCAL synchronous_commit = on",
      H(Query("INSERT INTO agentpg.schema_migrations (version, name, checksum, status) "
              "VALUES ('agentpg:flush', '', '', 'running')"))
          .changing(1),
      H(Query("DELETE FROM agentpg.schema_migrations WHERE version = 'agentpg:flush'")).changing(1),
      "COMMIT"};
}

std::optional<ServerError> MigrationDatabase::execute(const Query& query) {
  return m_conn.try_execute(query);
}

std::optional<BatchFailure> MigrationDatabase::execute_batch(const std::vector<Query>& statements) {
  return m_conn.try_execute_batch(statements);
}

Query MigrationDatabase::lock_check() const {
  // Plain SQL (a DO block is compiled on every call): taking the lock again succeeds when
  // this session holds it (the count only grows until the session ends) or nobody does;
  // when another session took it, the cast of the message fails and names it.
  return fmt::format(
      "SELECT (CASE WHEN pg_catalog.pg_try_advisory_lock({}) THEN NULL ELSE 'agentpg lost the "
      "migration "
      "lock, and another session holds it now (a statement of the migration released it, such as "
      "DISCARD ALL or pg_advisory_unlock_all(); check the database before going on)' END)::int",
      k_lock_key);
}

bool MigrationDatabase::try_lock() {
  return m_conn.query(fmt::format("SELECT pg_try_advisory_lock({})", k_lock_key)).text(0, 0) == "t";
}

void MigrationDatabase::unlock() {
  m_conn.try_execute(fmt::format("SELECT pg_advisory_unlock({})", k_lock_key));
}

std::optional<LockHolder> MigrationDatabase::lock_holder() {
  Rows rows = m_conn.query(
      fmt::format("SELECT a.pid, coalesce(a.application_name, ''), coalesce(host(a.client_addr), "
                  "'local socket'), "
                  "to_char(coalesce(a.backend_start, now()), 'YYYY-MM-DD HH24:MI:SS TZ'), "
                  "CASE WHEN a.state = 'active' THEN 'running: ' || "
                  "left(btrim(regexp_replace(a.query, '\\s+', ' ', 'g')), 120) "
                  "ELSE coalesce(a.state, '') END "
                  "FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid "
                  "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = {} AND l.objid = {} "
                  "AND l.objsubid = 1 "
                  "AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = "
                  "current_database())",
                  k_lock_classid, k_lock_objid));
  if (rows.empty()) {
    return std::nullopt;
  }
  return LockHolder{std::stoi(rows.text(0, 0)), rows.text(0, 1), rows.text(0, 2), rows.text(0, 3),
                    rows.text(0, 4)};
}

} // namespace agentpg::pg
