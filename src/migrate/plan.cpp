#include "migrate/plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "core/error.hpp"
#include "sql/splitter.hpp"
#include "util/sha256.hpp"
#include "util/strings.hpp"

namespace agentpg::migrate {

using sql::split_statements;
using sql::Statement;

namespace {

using core::Error;
using core::ExitCode;

std::string describe(const StatusEntry& e) {
  return e.file ? e.file->path : fmt::format("{}_{}", e.version, e.name);
}

} // namespace

namespace {

// The first line of statement `number` (1-based) of a section, shortened.
std::string statement_text(const Section& section, int number) {
  int index = 0;
  for (const Statement& st : split_statements(section.sql)) {
    if (st.has_sql && ++index == number) {
      std::string text = util::trim(section.sql.substr(st.offset, st.length));
      size_t newline = text.find('\n');
      bool cut = newline != std::string::npos || text.size() > 100;
      return text.substr(0, std::min<size_t>(newline, 100)) + (cut ? " ..." : "");
    }
  }
  return "";
}

} // namespace

void refuse_failed(const StatusEntry& e) {
  const AppliedMigration& a = *e.applied;
  int k = std::max(1, a.failed_statement);
  const char* section = a.failed_down ? "down" : "up";
  const char* verb = a.failed_down ? "rollback" : "migrate";
  std::string text;
  if (e.file != nullptr) {
    std::string statement = statement_text(a.failed_down ? e.file->down : e.file->up, k);
    text = statement.empty() ? "" : fmt::format("\n  statement {}: {}", k, statement);
  }
  std::string undo =
      a.failed_down
          ? "or redo by hand what it undid and 'agentpg migrate --forget-failed' to mark it "
            "applied again"
          : "or undo what it did by hand and 'agentpg migrate --forget-failed' to clear its "
            "history row";
  if (a.status == HistoryStatus::running) {
    throw Error(
        ExitCode::validation,
        fmt::format(
            "{} {} was interrupted while statement {} of its {} section ran (agentpg or its "
            "connection "
            "ended): statements before it took effect, and whether statement {} did is unknown{}",
            a.failed_down ? "the rollback of" : "migration", describe(e), k, section, k, text),
        fmt::format(
            "check the database, then 'agentpg {} --resume-from {}' if statement {} did not take "
            "effect, or 'agentpg {} --resume-from {}' if it did; {}",
            verb, k, k, verb, k + 1, undo));
  }
  throw Error(
      ExitCode::validation,
      fmt::format("{} {} failed at statement {} of its {} section, which does not run in one "
                  "transaction, so "
                  "statements before it took effect{}{}",
                  a.failed_down ? "the rollback of" : "migration", describe(e), k, section,
                  a.error.empty() ? "" : ":\n  " + a.error, text),
      fmt::format(
          "fix the cause, then either 'agentpg {} --resume' to run it again from statement {}, {}",
          verb, k, undo));
}

const char* state_name(State state) {
  switch (state) {
  case State::applied:
    return "applied";
  case State::pending:
    return "pending";
  case State::changed:
    return "changed";
  case State::missing:
    return "missing";
  case State::failed:
    return "failed";
  }
  return "pending";
}

std::vector<StatusEntry> compute_status(const std::vector<MigrationFile>& files,
                                        const std::vector<AppliedMigration>& history) {
  // Both lists in version order, then one merge: no map, no sort of the result (1,000
  // migrations: ~4M instructions -> well under 1M).
  std::vector<const MigrationFile*> on_disk = in_version_order(files);
  std::vector<const AppliedMigration*> applied;
  applied.reserve(history.size());
  for (const auto& a : history) {
    applied.push_back(&a);
  }
  std::stable_sort(applied.begin(), applied.end(),
                   [](const AppliedMigration* a, const AppliedMigration* b) {
                     return version_less(a->version, b->version);
                   });
  std::vector<StatusEntry> entries;
  entries.reserve(std::max(on_disk.size(), applied.size()));
  size_t f = 0;
  size_t h = 0;
  while (f < on_disk.size() || h < applied.size()) {
    const MigrationFile* file = f < on_disk.size() ? on_disk[f] : nullptr;
    const AppliedMigration* row = h < applied.size() ? applied[h] : nullptr;
    if (row == nullptr || (file != nullptr && version_less(file->version, row->version))) {
      entries.push_back(
          StatusEntry{State::pending, file->version, file->name, file->module, file, nullptr});
      ++f;
    } else if (file == nullptr || version_less(row->version, file->version)) {
      State state = row->status != HistoryStatus::applied ? State::failed : State::missing;
      entries.push_back(StatusEntry{state, row->version, row->name, row->module, nullptr, row});
      ++h;
    } else {
      // Another module's migration with this version is another migration.
      State state = row->status != HistoryStatus::applied ? State::failed
                    : row->checksum != file->checksum || row->module != file->module
                        ? State::changed
                        : State::applied;
      entries.push_back(StatusEntry{state, file->version, file->name, file->module, file, row});
      ++f;
      ++h;
    }
  }
  return entries;
}

std::string current_version(const std::vector<AppliedMigration>& history) {
  std::string newest;
  for (const auto& applied : history) {
    if (applied.status == HistoryStatus::applied &&
        (newest.empty() || version_less(newest, applied.version))) {
      newest = applied.version;
    }
  }
  return newest;
}

std::vector<const MigrationFile*> plan_migrate(const std::vector<StatusEntry>& status,
                                               const MigrateRules& rules) {
  std::vector<std::string> drift;
  std::string newest_applied;
  std::string newest_applied_shown;
  for (const auto& e : status) {
    if (e.state == State::failed) {
      refuse_failed(e);
    }
    if (e.state == State::changed || e.state == State::missing) {
      drift.push_back(fmt::format("  {} {}", state_name(e.state), describe(e)));
    }
    if (e.applied != nullptr) {
      newest_applied = e.version;
      newest_applied_shown = shown_version(e);
    }
  }
  if (!drift.empty() && !rules.allow_drift) {
    throw Error(
        ExitCode::validation,
        fmt::format("applied migrations differ from the files on disk:\n{}",
                    util::join(drift, "\n")),
        "restore the files as they were applied (see 'agentpg status'), or pass --allow-drift");
  }
  std::vector<const MigrationFile*> plan;
  std::vector<std::string> out_of_order;
  for (const auto& e : status) {
    if (e.state != State::pending || (rules.to && version_less(*rules.to, e.version))) {
      continue;
    }
    if (!newest_applied.empty() && version_less(e.version, newest_applied)) {
      out_of_order.push_back(fmt::format("  {}", describe(e)));
    }
    plan.push_back(e.file);
  }
  if (!out_of_order.empty() && !rules.allow_out_of_order) {
    throw Error(ExitCode::validation,
                fmt::format("pending migrations are older than the newest applied one ({}):\n{}",
                            newest_applied_shown, util::join(out_of_order, "\n")),
                "give them newer versions, or pass --allow-out-of-order to apply them anyway");
  }
  return plan;
}

std::vector<const StatusEntry*> plan_rollback(const std::vector<StatusEntry>& status,
                                              const RollbackRules& rules) {
  std::vector<const StatusEntry*> applied;
  for (const auto& e : status) {
    if (e.applied != nullptr && e.applied->status == HistoryStatus::applied) {
      applied.push_back(&e);
    } else if (e.state == State::failed) {
      refuse_failed(e);
    }
  }
  std::reverse(applied.begin(), applied.end());
  std::vector<const StatusEntry*> plan;
  for (const StatusEntry* e : applied) {
    bool wanted = rules.to ? version_less(*rules.to, e->version)
                           : static_cast<int>(plan.size()) < rules.steps;
    if (!wanted) {
      break;
    }
    plan.push_back(e);
  }
  std::vector<std::string> drift;
  for (const StatusEntry* e : plan) {
    if (e->state == State::changed || e->state == State::missing) {
      drift.push_back(fmt::format("  {} {}", state_name(e->state), describe(*e)));
    } else if (!e->file->down.present) {
      throw Error(
          ExitCode::validation,
          fmt::format(
              "{}: has no down section, so it cannot be rolled back (nothing was rolled back)",
              e->file->path),
          "add a '-- migrate:down' section (it may be empty for a deliberate no-op)");
    }
  }
  if (!drift.empty() && !rules.allow_drift) {
    throw Error(
        ExitCode::validation,
        fmt::format(
            "migrations to roll back differ from the files on disk (nothing was rolled back):\n{}",
            util::join(drift, "\n")),
        "restore the files as they were applied, or pass --allow-drift to run the files' down "
        "sections as "
        "they are now (with --recorded-down: the down sections recorded when they were applied; a "
        "missing "
        "file's recorded down section runs with --allow-drift alone)");
  }
  return plan;
}

} // namespace agentpg::migrate
