#pragma once
// Taking over a database that another tool migrated (adopt), or that was built by hand
// or from a dump (baseline): recording migrations as applied without running them.
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/output.hpp"
#include "migrate/files.hpp"
#include "migrate/history.hpp"
#include "migrate/runner.hpp"
#include "pg/foreign_history.hpp"

namespace agentpg::migrate {

struct AdoptRules {
  bool allow_missing = false; // ignore foreign versions that have no file
  bool mark_applied = false;  // record files older than the foreign head that it has no row for
  std::string dirty_is;       // golang-migrate's dirty head: "applied" or "not-applied"
};

struct AdoptionPlan {
  std::vector<const MigrationFile*> record; // in version order
  std::vector<std::string> ignored;         // foreign versions without a file (--allow-missing)
  std::string head;                         // the newest version recorded
};

// Pure: which files the foreign history says are applied. Throws core::Error (exit 5)
// listing what does not match, with the option that would accept it.
AdoptionPlan plan_adoption(const std::vector<MigrationFile>& files,
                           const pg::ForeignHistory& foreign, const AdoptRules& rules);

// The file of `version` (normalised), or nullptr.
const MigrationFile* file_with_version(const std::vector<MigrationFile>& files,
                                       const std::string& version);

// Records `chosen` as applied without running them (`applied_by` says how), in one
// transaction under the migration lock; with `dry_run`, only the SQL it would send.
RunReport record_as_applied(pg::Connection& conn, const std::vector<const MigrationFile*>& chosen,
                            const std::string& applied_by, bool dry_run, const core::Output& out);

// Pure: the files a baseline at `version` records: up to it, and not in the history yet.
std::vector<const MigrationFile*> baseline_files(const std::vector<MigrationFile>& files,
                                                 const std::vector<AppliedMigration>& history,
                                                 const std::string& version);

// Throws (exit 5) when the database has another tool's history and no agentpg history,
// telling the user to run adopt: migrate must not re-run migration #1 on it.
void refuse_foreign_history(pg::Connection& conn);

} // namespace agentpg::migrate
