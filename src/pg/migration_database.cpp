#include "pg/migration_database.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include "core/error.hpp"
#include "pg/connection.hpp"
#include "util/time.hpp"

namespace agentpg::pg {

namespace {

// The advisory lock key: "agentpg!" as a big-endian 64-bit number. Split into the two
// 32-bit halves pg_locks shows it as (classid, objid).
constexpr long long k_lock_key = 0x6167656e74706721LL;
constexpr unsigned k_lock_classid = 0x6167656eU;
constexpr unsigned k_lock_objid = 0x74706721U;

migrate::HistoryStatus parse_status(std::string_view text) {
  if (text == "failed") {
    return migrate::HistoryStatus::failed;
  }
  return text == "running" ? migrate::HistoryStatus::running : migrate::HistoryStatus::applied;
}

} // namespace

std::string sql_literal(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    out += c == '\'' ? "''" : std::string(1, c);
  }
  return out + "'";
}

MigrationDatabase::MigrationDatabase(Connection& conn) : m_conn(conn) {}

std::optional<migrate::HistoryDigest> MigrationDatabase::read_history_digest() {
  if (m_conn.server_version_num() < 110000) {
    return std::nullopt;
  }
  Rows rows;
  std::optional<ServerError> error = m_conn.try_query(
      "SELECT count(*), count(*) FILTER (WHERE status <> 'applied'), "
      "encode(sha256(convert_to(coalesce(string_agg(version || ' ' || checksum, E'\\n' ORDER BY version COLLATE \"C\"), "
      "''), 'UTF8')), 'hex') FROM agentpg.schema_migrations",
      rows);
  if (error || rows.size() != 1) {
    return std::nullopt;  // no table yet, or anything else: the full read says what is wrong
  }
  migrate::HistoryDigest digest;
  digest.rows = std::atoll(rows.text(0, 0).c_str());
  digest.not_applied = std::atoll(rows.text(0, 1).c_str());
  digest.sha256 = rows.view(0, 2);
  return digest;
}

std::optional<std::vector<migrate::AppliedMigration>> MigrationDatabase::read_history() {
  // With DateStyle ISO the server's own text carries the UTC offset, and is converted
  // here: formatting 1,000 rows with to_char() AT TIME ZONE cost the server more.
  bool iso = m_conn.parameter("DateStyle").rfind("ISO", 0) == 0;
  std::string applied_at = iso ? "applied_at" : "to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')";
  Rows rows;
  std::optional<ServerError> error =
      m_conn.try_query(fmt::format("SELECT version, name, module, checksum, status, {}, execution_ms, applied_by, "
                                   "failed_statement, error FROM agentpg.schema_migrations",
                                   applied_at),
                       rows);
  if (error && (error->sqlstate == "42P01" || error->sqlstate == "3F000")) {  // no table, or no schema
    return std::nullopt;
  }
  if (error) {
    throw core::Error(core::ExitCode::sql,
                      fmt::format("cannot read agentpg.schema_migrations: {} (SQLSTATE {})", error->message,
                                  error->sqlstate),
                      error->sqlstate == "42501" ? "the user needs SELECT on agentpg.schema_migrations" : error->hint);
  }
  std::vector<migrate::AppliedMigration> history(rows.size());
  for (size_t r = 0; r < rows.size(); ++r) {
    migrate::AppliedMigration& a = history[r];
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
  }
  return history;
}

std::string MigrationDatabase::create_history_sql() const {
  return "CREATE SCHEMA IF NOT EXISTS agentpg;\n"
         "CREATE TABLE IF NOT EXISTS agentpg.schema_migrations (\n"
         "  version text PRIMARY KEY,\n"
         "  name text NOT NULL,\n"
         "  module text NOT NULL DEFAULT '',\n"
         "  checksum text NOT NULL,\n"
         "  applied_at timestamptz NOT NULL DEFAULT now(),\n"
         "  execution_ms double precision NOT NULL DEFAULT 0,\n"
         "  applied_by text NOT NULL DEFAULT current_user,\n"
         "  status text NOT NULL DEFAULT 'applied' CHECK (status IN ('applied', 'running', 'failed')),\n"
         "  failed_statement integer,\n"
         "  error text\n"
         ");";
}

std::string MigrationDatabase::record_applied_sql(const migrate::MigrationFile& m) const {
  // now() is the transaction's start, so the row times the whole migration.
  return fmt::format("INSERT INTO agentpg.schema_migrations (version, name, module, checksum, execution_ms) "
                     "VALUES ({}, {}, {}, {}, 1000 * extract(epoch FROM clock_timestamp() - now()))",
                     sql_literal(m.version), sql_literal(m.name), sql_literal(m.module), sql_literal(m.checksum));
}

std::string MigrationDatabase::record_adopted_sql(const migrate::MigrationFile& m, const std::string& applied_by) const {
  return fmt::format("INSERT INTO agentpg.schema_migrations (version, name, module, checksum, applied_by) "
                     "VALUES ({}, {}, {}, {}, {})",
                     sql_literal(m.version), sql_literal(m.name), sql_literal(m.module), sql_literal(m.checksum),
                     sql_literal(applied_by));
}

std::string MigrationDatabase::record_running_sql(const migrate::MigrationFile& m, int statement) const {
  return fmt::format("INSERT INTO agentpg.schema_migrations (version, name, module, checksum, status, failed_statement) "
                     "VALUES ({}, {}, {}, {}, 'running', {}) ON CONFLICT (version) DO UPDATE SET status = 'running', "
                     "failed_statement = excluded.failed_statement, checksum = excluded.checksum, error = NULL",
                     sql_literal(m.version), sql_literal(m.name), sql_literal(m.module), sql_literal(m.checksum),
                     statement);
}

std::string MigrationDatabase::record_failed_sql(const std::string& version, int statement,
                                                 const std::string& error) const {
  return fmt::format("UPDATE agentpg.schema_migrations SET status = 'failed', failed_statement = {}, error = {} "
                     "WHERE version = {}",
                     statement, sql_literal(error), sql_literal(version));
}

std::string MigrationDatabase::record_finished_sql(const std::string& version) const {
  return fmt::format("UPDATE agentpg.schema_migrations SET status = 'applied', failed_statement = NULL, error = NULL, "
                     "execution_ms = 1000 * extract(epoch FROM clock_timestamp() - applied_at), applied_at = now() "
                     "WHERE version = {}",
                     sql_literal(version));
}

std::string MigrationDatabase::forget_sql(const std::string& version) const {
  return fmt::format("DELETE FROM agentpg.schema_migrations WHERE version = {}", sql_literal(version));
}

std::string MigrationDatabase::set_lock_timeout_sql(int seconds) const {
  return fmt::format("SET LOCAL lock_timeout = '{}s'", seconds);
}

std::string MigrationDatabase::relaxed_commits_sql() const { return "SET synchronous_commit = off"; }

std::string MigrationDatabase::flush_commits_sql() const {
  // A transaction with an xid writes a commit record; committing it synchronously flushes
  // the WAL up to there, and with it every asynchronous commit before it.
  return "BEGIN; SET LOCAL synchronous_commit = on; SELECT txid_current(); COMMIT";
}

std::optional<ServerError> MigrationDatabase::execute(const std::string& sql) { return m_conn.try_execute(sql); }

std::optional<BatchFailure> MigrationDatabase::execute_batch(const std::vector<std::string>& statements) {
  return m_conn.try_execute_batch(statements);
}

bool MigrationDatabase::try_lock() {
  return m_conn.query(fmt::format("SELECT pg_try_advisory_lock({})", k_lock_key)).text(0, 0) == "t";
}

void MigrationDatabase::unlock() { m_conn.try_execute(fmt::format("SELECT pg_advisory_unlock({})", k_lock_key)); }

std::optional<migrate::LockHolder> MigrationDatabase::lock_holder() {
  Rows rows = m_conn.query(fmt::format(
      "SELECT a.pid, coalesce(a.application_name, ''), coalesce(host(a.client_addr), 'local socket'), "
      "to_char(coalesce(a.backend_start, now()), 'YYYY-MM-DD HH24:MI:SS TZ') "
      "FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid "
      "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = {} AND l.objid = {} AND l.objsubid = 1 "
      "AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())",
      k_lock_classid, k_lock_objid));
  if (rows.empty()) {
    return std::nullopt;
  }
  return migrate::LockHolder{std::stoi(rows.text(0, 0)), rows.text(0, 1), rows.text(0, 2), rows.text(0, 3)};
}

} // namespace agentpg::pg
