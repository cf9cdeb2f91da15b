#pragma once
// What the migration engine needs of a database (MigrationStore), and the rows of the
// history table it reads and writes. pg::MigrationDatabase is the real store; the unit
// tests use an in-memory fake. The engine runs the statements these functions write, so
// --dry-run can print exactly what a real run sends, history writes included. Every value
// goes as a query parameter.
#include <optional>
#include <string>
#include <vector>

#include "pg/query.hpp"
#include "pg/server_error.hpp"

namespace agentpg::pg {

// applied; running: a statement of a transaction:false (or own-transaction) section had
// started when the run ended, so its outcome is unknown; failed: a statement failed.
enum class HistoryStatus { applied, running, failed };

struct AppliedMigration {
  std::string version;
  std::string name;
  std::string module;
  std::string checksum;
  std::string applied_at; // as the server prints it
  double execution_ms = 0;
  std::string applied_by;
  HistoryStatus status = HistoryStatus::applied;
  int failed_statement = 0; // 1-based: the statement that failed or was running
  bool failed_down = false; // the failure or interruption was in the down section
  std::string error;
};

// The sections as they were when a migration was applied.
struct RecordedMigration {
  std::string up_sql;
  bool up_transactional = true;
  std::optional<std::string> down_sql; // nullopt: the migration had no down section
  bool down_transactional = true;
};

// What the history records of a migration when it is applied: its identity and its
// sections as they are then (so that a rollback can run the down section it was applied with).
struct MigrationRow {
  std::string version;
  std::string name;
  std::string module;
  std::string checksum;
  std::string up_sql;
  bool up_transactional = true;
  std::optional<std::string> down_sql; // nullopt: no down section
  bool down_transactional = true;
};

struct LockHolder {
  int pid = 0;
  std::string application_name;
  std::string client;
  std::string since;
  std::string activity; // what its session is doing ("idle", or the statement it runs)
};

enum class Direction { up, down };

class MigrationStore {
public:
  virtual ~MigrationStore() = default;

  // The history in one round trip; nullopt when there is no history table yet.
  virtual std::optional<std::vector<AppliedMigration>> read_history() = 0;
  // The sections recorded when `version` was applied; nullopt when none were recorded
  // (applied before agentpg kept them, or no such row).
  virtual std::optional<RecordedMigration> read_recorded(const std::string& version) = 0;
  // Whether the history table lacks columns this release writes (seen by read_history).
  virtual bool history_needs_upgrade() const = 0;
  // Whether the current user may read and write the history table; a sentence naming
  // what is missing, or "" when nothing is.
  virtual std::string missing_history_privileges() = 0;

  // Creates the history table, or adds the columns an older one lacks.
  virtual Query create_history() const = 0;
  // Records `m` as applied, timing it from the start of the current transaction.
  virtual Query record_applied(const MigrationRow& m) const = 0;
  // Records `m` as applied without running it (adopt, baseline); `applied_by` says how.
  virtual Query record_adopted(const MigrationRow& m, const std::string& applied_by) const = 0;
  // Records that statement `statement` of `m`'s up or down section is about to run.
  virtual Query record_running(const MigrationRow& m, Direction direction, int statement) const = 0;
  virtual Query record_failed(const std::string& version, Direction direction, int statement,
                              const std::string& error) const = 0;
  // Marks a running up migration applied, timing it from when it started.
  virtual Query record_finished(const std::string& version) const = 0;
  // Marks a migration whose down failed applied again (its failure forgotten).
  virtual Query record_reapplied(const std::string& version) const = 0;
  virtual Query forget(const std::string& version) const = 0;
  // Records the file as it is now as what was applied (`accept`): its checksum and its
  // sections replace the recorded ones of a cleanly applied row.
  virtual Query record_accepted(const MigrationRow& m) const = 0;
  virtual Query set_lock_timeout(int seconds) const = 0;
  // Makes this session's commits asynchronous (no WAL flush per migration)...
  virtual Query relaxed_commits() const = 0;
  // ...and one synchronous transaction that writes and flushes WAL, and with it every
  // commit before it: run as a batch.
  virtual std::vector<Query> flush_commits() const = 0;

  // Runs SQL; the server's error, or nullopt on success.
  virtual std::optional<ServerError> execute(const Query& query) = 0;
  // Runs single statements in order in one round trip; the first failure stops the rest.
  virtual std::optional<BatchFailure> execute_batch(const std::vector<Query>& statements) = 0;

  // Fails (22P02, its message saying why) unless this session still holds the migration lock,
  // taking it again when it was released meanwhile (DISCARD ALL, pg_advisory_unlock_all()) and
  // nobody else took it: run with each migration and before each history write.
  virtual Query lock_check() const = 0;
  // The session-level migration lock: never a blocking call.
  virtual bool try_lock() = 0;
  virtual void unlock() = 0;
  virtual std::optional<LockHolder> lock_holder() = 0;
};

} // namespace agentpg::pg
