#pragma once
// The migration engine's Database on a real PostgreSQL: the history table
// agentpg.schema_migrations and the session-level advisory lock.
#include <string_view>

#include "pg/migration_store.hpp"

namespace agentpg::pg {

class Connection;

class MigrationDatabase : public MigrationStore {
public:
  explicit MigrationDatabase(Connection& conn);

  std::optional<std::vector<AppliedMigration>> read_history() override;
  std::optional<RecordedMigration> read_recorded(const std::string& version) override;
  bool history_needs_upgrade() const override { return m_needs_upgrade; }
  std::string missing_history_privileges() override;
  Query create_history() const override;
  Query record_applied(const MigrationRow& m) const override;
  Query record_adopted(const MigrationRow& m, const std::string& applied_by) const override;
  Query record_running(const MigrationRow& m, Direction direction, int statement) const override;
  Query record_failed(const std::string& version, Direction direction, int statement,
                      const std::string& error) const override;
  Query record_finished(const std::string& version) const override;
  Query record_reapplied(const std::string& version) const override;
  Query forget(const std::string& version) const override;
  Query record_accepted(const MigrationRow& m) const override;
  Query set_lock_timeout(int seconds) const override;
  Query relaxed_commits() const override;
  std::vector<Query> flush_commits() const override;
  std::optional<ServerError> execute(const Query& query) override;
  std::optional<BatchFailure> execute_batch(const std::vector<Query>& statements) override;
  Query lock_check() const override;
  bool try_lock() override;
  void unlock() override;
  std::optional<LockHolder> lock_holder() override;

private:
  Connection& m_conn;
  bool m_needs_upgrade = false;
};

} // namespace agentpg::pg
