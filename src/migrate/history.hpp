#pragma once
// What the history table says about a migration.
#include <optional>
#include <string>

namespace agentpg::migrate {

// applied; running: a statement of a transaction:false (or own-transaction) section had
// started when the run ended, so its outcome is unknown; failed: a statement failed.
enum class HistoryStatus { applied, running, failed };

struct AppliedMigration {
  std::string version;
  std::string name;
  std::string module;
  std::string checksum;
  std::string applied_at;  // as the server prints it
  double execution_ms = 0;
  std::string applied_by;
  HistoryStatus status = HistoryStatus::applied;
  int failed_statement = 0;  // 1-based: the statement that failed or was running
  bool failed_down = false;  // the failure or interruption was in the down section
  std::string error;
};

// The sections as they were when a migration was applied.
struct RecordedMigration {
  std::string up_sql;
  bool up_transactional = true;
  std::optional<std::string> down_sql;  // nullopt: the migration had no down section
  bool down_transactional = true;
};

} // namespace agentpg::migrate
