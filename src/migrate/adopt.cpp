#include "migrate/adopt.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "migrate/runner.hpp"
#include "pg/connection.hpp"
#include "pg/migration_database.hpp"
#include "util/strings.hpp"

namespace agentpg::migrate {

const MigrationFile* file_with_version(const std::vector<MigrationFile>& files,
                                       const std::string& version) {
  for (const auto& f : files) {
    if (f.version == version) {
      return &f;
    }
  }
  return nullptr;
}

namespace {

using core::Error;
using core::ExitCode;

std::string normalise_foreign(const std::string& tool, const std::string& version) {
  std::string digits = util::trim(version);
  if (!util::is_all_digits(digits)) {
    throw Error(
        ExitCode::validation,
        fmt::format("{} version '{}' is not a whole number, so it maps to no migration file", tool,
                    version),
        "agentpg versions are the leading digits of a file name; rename the converted files to "
        "match");
  }
  return normalise_version(digits);
}

// The versions the foreign tool has applied (golang-migrate and Alembic keep only a head).
std::set<std::string, bool (*)(const std::string&, const std::string&)>
applied_versions(const std::vector<MigrationFile>& files, const pg::ForeignHistory& foreign,
                 const AdoptRules& rules) {
  std::set<std::string, bool (*)(const std::string&, const std::string&)> applied(version_less);
  if (foreign.tool == "golang-migrate" || foreign.tool == "alembic") {
    std::string head;
    if (foreign.tool == "golang-migrate") {
      if (foreign.head.empty()) {
        return applied;
      }
      head = normalise_foreign(foreign.tool, foreign.head);
      if (foreign.dirty && rules.dirty_is.empty()) {
        throw Error(ExitCode::validation,
                    fmt::format("golang-migrate left version {} dirty in {}: it failed partway, so "
                                "nobody knows what "
                                "of it is in the database",
                                foreign.head, foreign.table),
                    "look at the database; then 'agentpg adopt --dirty-is applied' if its changes "
                    "are all there, or "
                    "'--dirty-is not-applied' once you have undone them");
      }
      if (file_with_version(files, head) == nullptr) {
        throw Error(ExitCode::validation,
                    fmt::format("golang-migrate's version {} has no migration file", foreign.head),
                    "restore that file before adopting");
      }
    } else {
      auto it = std::find_if(files.begin(), files.end(), [&](const MigrationFile& f) {
        return f.alembic_revision == foreign.head;
      });
      if (foreign.head.empty()) {
        return applied;
      }
      if (it == files.end()) {
        throw Error(
            ExitCode::validation,
            fmt::format("no migration file names the Alembic revision {} that {} holds",
                        foreign.head, foreign.table),
            fmt::format(
                "add the line '-- alembic: {}' above '-- migrate:up' in the file converted from "
                "that revision",
                foreign.head));
      }
      head = it->version;
    }
    bool include_head = !(foreign.dirty && rules.dirty_is == "not-applied");
    for (const auto& f : files) {
      if (version_less(f.version, head) || (include_head && f.version == head)) {
        applied.insert(f.version);
      }
    }
    return applied;
  }
  for (const auto& v : foreign.versions) {
    applied.insert(normalise_foreign(foreign.tool, v));
  }
  return applied;
}

} // namespace

AdoptionPlan plan_adoption(const std::vector<MigrationFile>& files,
                           const pg::ForeignHistory& foreign, const AdoptRules& rules) {
  AdoptionPlan plan;
  auto applied = applied_versions(files, foreign, rules);
  std::vector<std::string> missing;
  for (const auto& v : applied) {
    if (file_with_version(files, v) == nullptr) {
      missing.push_back(v);
    } else {
      plan.head = v;
    }
  }
  if (!missing.empty() && !rules.allow_missing) {
    throw Error(ExitCode::validation,
                fmt::format("{} lists versions that have no migration file here: {}", foreign.table,
                            util::join(missing, ", ")),
                "restore those files, or pass --allow-missing to adopt without them");
  }
  plan.ignored = missing;
  std::vector<std::string> gaps;
  for (const auto& f : files) {
    bool older_than_head = !plan.head.empty() && version_less(f.version, plan.head);
    if (applied.count(f.version) > 0) {
      plan.record.push_back(&f);
    } else if (older_than_head && rules.mark_applied) {
      plan.record.push_back(&f);
    } else if (older_than_head) {
      gaps.push_back(f.path);
    }
  }
  if (!gaps.empty()) {
    throw Error(
        ExitCode::validation,
        fmt::format(
            "these files are older than {}'s newest version ({}) but {} has no row for them:\n  {}",
            foreign.tool, shown_version(files, plan.head), foreign.table, util::join(gaps, "\n  ")),
        "pass --mark-applied if their changes are in the database, or apply them later with "
        "'agentpg migrate --allow-out-of-order'");
  }
  return plan;
}

void refuse_foreign_history(pg::Connection& conn) {
  pg::MigrationDatabase db(conn);
  if (db.read_history()) {
    return;
  }
  std::optional<pg::ForeignHistory> foreign = pg::find_foreign_history(conn, "", "");
  if (foreign) {
    throw Error(
        ExitCode::validation,
        fmt::format(
            "this database was migrated by {} ({}) and has no agentpg history yet: migrating now "
            "would run its migrations again",
            foreign->tool, foreign->table),
        "run 'agentpg adopt' to take over that history (it leaves the table as it is), then "
        "migrate");
  }
}

RunReport record_as_applied(pg::Connection& conn, const std::vector<const MigrationFile*>& chosen,
                            const std::string& applied_by, bool dry_run, const core::Output& out) {
  pg::MigrationDatabase db(conn);
  RunReport report;
  report.dry_run = dry_run;
  std::vector<pg::Query> statements;
  if (!db.read_history() || db.history_needs_upgrade()) {
    statements.push_back(db.create_history());
  }
  statements.push_back(pg::begin());
  for (const MigrationFile* m : chosen) {
    statements.push_back(db.record_adopted(history_row(*m), applied_by));
    report.steps.push_back(StepReport{shown_version(*m), m->name, m->module, m->path, 0, {}});
  }
  statements.push_back(pg::commit());
  if (dry_run) {
    for (const auto& q : statements) {
      report.sql += pg::display_statement(q);
    }
    return report;
  }
  if (!db.try_lock()) {
    throw Error(ExitCode::lock_timeout, "another agentpg holds the migration lock",
                "try again when it is done");
  }
  for (const auto& sql : statements) {
    if (auto error = db.execute(sql)) {
      db.execute(pg::rollback());
      db.unlock();
      throw Error(ExitCode::sql, fmt::format("recording the history failed: {} (SQLSTATE {})",
                                             error->message, error->sqlstate));
    }
  }
  db.unlock();
  out.detail(fmt::format("recorded {} migrations as applied by '{}'", chosen.size(), applied_by));
  return report;
}

std::vector<const MigrationFile*> baseline_files(const std::vector<MigrationFile>& files,
                                                 const std::vector<AppliedMigration>& history,
                                                 const std::string& version) {
  std::vector<const MigrationFile*> chosen;
  for (const auto& f : files) {
    bool recorded = std::any_of(history.begin(), history.end(),
                                [&](const AppliedMigration& a) { return a.version == f.version; });
    if (!recorded && !version_less(version, f.version)) {
      chosen.push_back(&f);
    }
  }
  return chosen;
}

} // namespace agentpg::migrate
