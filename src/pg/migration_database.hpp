#pragma once
// The migration engine's Database on a real PostgreSQL: the history table
// agentpg.schema_migrations and the session-level advisory lock.
#include <string_view>

#include "migrate/database.hpp"

namespace agentpg::pg {

class Connection;

class MigrationDatabase : public migrate::Database {
public:
  explicit MigrationDatabase(Connection& conn);

  std::optional<std::vector<migrate::AppliedMigration>> read_history() override;
  // The history's digest (one row however long it is); std::nullopt when there is no
  // history table, or the server has no sha256() (before PostgreSQL 11).
  std::optional<migrate::HistoryDigest> read_history_digest();
  std::string create_history_sql() const override;
  std::string record_applied_sql(const migrate::MigrationFile& m) const override;
  std::string record_adopted_sql(const migrate::MigrationFile& m, const std::string& applied_by) const override;
  std::string record_running_sql(const migrate::MigrationFile& m, int statement) const override;
  std::string record_failed_sql(const std::string& version, int statement, const std::string& error) const override;
  std::string record_finished_sql(const std::string& version) const override;
  std::string forget_sql(const std::string& version) const override;
  std::string set_lock_timeout_sql(int seconds) const override;
  std::string relaxed_commits_sql() const override;
  std::string flush_commits_sql() const override;
  std::optional<ServerError> execute(const std::string& sql) override;
  std::optional<BatchFailure> execute_batch(const std::vector<std::string>& statements) override;
  bool try_lock() override;
  void unlock() override;
  std::optional<migrate::LockHolder> lock_holder() override;

private:
  Connection& m_conn;
};

// A SQL string literal ('it''s'), for the history statements --dry-run prints.
std::string sql_literal(const std::string& value);

} // namespace agentpg::pg
