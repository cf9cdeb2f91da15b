#pragma once
// Pure planning: given the files on disk and the history, what is the state of every
// migration, and what would migrate or rollback do. No I/O, so every ordering, drift and
// refusal rule is a unit test.
#include <optional>
#include <string>
#include <vector>

#include "migrate/files.hpp"
#include "migrate/history.hpp"

namespace agentpg::migrate {

enum class State { applied, pending, changed, missing, failed };
const char* state_name(State state);

struct StatusEntry {
  State state = State::pending;
  std::string version;
  std::string name;
  std::string module;
  const MigrationFile* file = nullptr;       // nullptr when missing on disk
  const AppliedMigration* applied = nullptr; // nullptr when pending
};

// The entry's version as written in its file's name (the stored one when it has no file).
inline const std::string& shown_version(const StatusEntry& e) {
  return e.file ? shown_version(*e.file) : e.version;
}

// One entry per version found in either list, in version order.
std::vector<StatusEntry> compute_status(const std::vector<MigrationFile>& files,
                                        const std::vector<AppliedMigration>& history);

// The newest applied version ("" when none).
std::string current_version(const std::vector<AppliedMigration>& history);

struct MigrateRules {
  std::optional<std::string> to; // stop after this version
  bool allow_drift = false;
  bool allow_out_of_order = false;
};

// The migrations `migrate` applies, in order. Throws core::Error (exit 5) for drift,
// out-of-order pending versions and failed migrations, each with what to do about it.
std::vector<const MigrationFile*> plan_migrate(const std::vector<StatusEntry>& status,
                                               const MigrateRules& rules);

struct RollbackRules {
  int steps = 1;                 // used when `to` is empty
  std::optional<std::string> to; // revert everything newer than this; "0" = base
  bool allow_drift = false; // revert changed or missing ones (with their recorded down section)
};

// The applied migrations `rollback` reverts, newest first. Throws core::Error (exit 5)
// before anything is touched when a migration failed, or one of them has changed or is
// missing (drift) without allow_drift, or has a file with no down section.
std::vector<const StatusEntry*> plan_rollback(const std::vector<StatusEntry>& status,
                                              const RollbackRules& rules);

// Throws the exit-5 error for a failed or interrupted migration: what is known of it, and
// the commands that resolve it.
[[noreturn]] void refuse_failed(const StatusEntry& e);

} // namespace agentpg::migrate
