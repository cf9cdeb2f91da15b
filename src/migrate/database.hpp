#pragma once
// What the migration engine needs of a database. pg::MigrationDatabase is the real one;
// the unit tests use an in-memory fake. The engine runs the SQL these functions write,
// so --dry-run can print exactly what a real run sends, history writes included.
#include <optional>
#include <string>
#include <vector>

#include "migrate/files.hpp"
#include "migrate/history.hpp"
#include "pg/server_error.hpp"

namespace agentpg::migrate {

struct LockHolder {
  int pid = 0;
  std::string application_name;
  std::string client;
  std::string since;
};

class Database {
public:
  virtual ~Database() = default;

  // The history in one round trip; nullopt when there is no history table yet.
  virtual std::optional<std::vector<AppliedMigration>> read_history() = 0;

  virtual std::string create_history_sql() const = 0;
  // Records `m` as applied, timing it from the start of the current transaction.
  virtual std::string record_applied_sql(const MigrationFile& m) const = 0;
  // Records `m` as applied without running it (adopt, baseline); `applied_by` says how.
  virtual std::string record_adopted_sql(const MigrationFile& m, const std::string& applied_by) const = 0;
  // Records `m` as running statement `statement` (transaction:false migrations).
  virtual std::string record_running_sql(const MigrationFile& m, int statement) const = 0;
  virtual std::string record_failed_sql(const std::string& version, int statement, const std::string& error) const = 0;
  // Marks a running migration applied, timing it from when it started.
  virtual std::string record_finished_sql(const std::string& version) const = 0;
  virtual std::string forget_sql(const std::string& version) const = 0;
  virtual std::string set_lock_timeout_sql(int seconds) const = 0;
  // Makes this session's commits asynchronous (no WAL flush per migration)...
  virtual std::string relaxed_commits_sql() const = 0;
  // ...and one synchronous commit that flushes the WAL, so all of them are durable.
  virtual std::string flush_commits_sql() const = 0;

  // Runs SQL; the server's error, or nullopt on success.
  virtual std::optional<pg::ServerError> execute(const std::string& sql) = 0;
  // Runs single statements in order in one round trip; the first failure stops the rest.
  virtual std::optional<pg::BatchFailure> execute_batch(const std::vector<std::string>& statements) = 0;

  // The session-level migration lock: never a blocking call.
  virtual bool try_lock() = 0;
  virtual void unlock() = 0;
  virtual std::optional<LockHolder> lock_holder() = 0;
};

} // namespace agentpg::migrate
