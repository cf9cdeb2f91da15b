#pragma once
// Taking over a database that another tool migrated (adopt), or that was built by hand
// or from a dump (baseline): recording migrations as applied without running them.
#include <string>
#include <vector>

#include "ops/context.hpp"
#include "core/error.hpp"
#include "migrate/files.hpp"
#include "pg/foreign_history.hpp"

namespace agentpg::migrate {

struct AdoptRules {
  bool allow_missing = false;  // ignore foreign versions that have no file
  bool mark_applied = false;   // record files older than the foreign head that it has no row for
  std::string dirty_is;        // golang-migrate's dirty head: "applied" or "not-applied"
};

struct AdoptionPlan {
  std::vector<const MigrationFile*> record;  // in version order
  std::vector<std::string> ignored;          // foreign versions without a file (--allow-missing)
  std::string head;                          // the newest version recorded
};

// Pure: which files the foreign history says are applied. Throws core::Error (exit 5)
// listing what does not match, with the option that would accept it.
AdoptionPlan plan_adoption(const std::vector<MigrationFile>& files, const pg::ForeignHistory& foreign,
                           const AdoptRules& rules);

struct AdoptCommand {
  std::string tool;   // "" = find it
  std::string table;  // "" = the tool's default name, in search_path
  bool dry_run = false;
  AdoptRules rules;
};

struct BaselineCommand {
  std::string version;
  bool dry_run = false;
};

core::ExitCode run_adopt(ops::Context& ctx, const AdoptCommand& command);
core::ExitCode run_baseline(ops::Context& ctx, const BaselineCommand& command);

// Throws (exit 5) when the database has another tool's history and no agentpg history,
// telling the user to run adopt: migrate must not re-run migration #1 on it.
void refuse_foreign_history(pg::Connection& conn);

} // namespace agentpg::migrate
