#pragma once
// What the history table says about a migration.
#include <string>

namespace agentpg::migrate {

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
  int failed_statement = 0;  // 1-based, for a failed transaction:false migration
  std::string error;
};

} // namespace agentpg::migrate
