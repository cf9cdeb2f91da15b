#include "migrate/accept.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/error.hpp"
#include "migrate/runner.hpp"
#include "pg/history_table.hpp"
#include "util/strings.hpp"

namespace agentpg::migrate {

namespace {

using core::Error;
using core::ExitCode;

const StatusEntry& entry_for(const std::vector<StatusEntry>& status, const std::string& text) {
  std::string version = normalise_version(text);
  if (version.empty() || !util::is_all_digits(text)) {
    throw Error(ExitCode::usage,
                fmt::format("accept takes migration versions (digits), not '{}'", text));
  }
  for (const auto& e : status) {
    if (e.version == version) {
      return e;
    }
  }
  throw Error(ExitCode::usage,
              fmt::format("no migration has version {}: neither a file nor the history", text),
              "'agentpg status' shows the versions");
}

} // namespace

std::vector<AcceptItem> plan_accept(const std::vector<StatusEntry>& status,
                                    const std::vector<std::string>& versions) {
  std::vector<AcceptItem> items;
  for (const auto& text : versions) {
    const StatusEntry& e = entry_for(status, text);
    if (std::any_of(items.begin(), items.end(),
                    [&e](const AcceptItem& item) { return item.entry == &e; })) {
      continue; // named twice
    }
    switch (e.state) {
    case State::pending:
      throw Error(ExitCode::usage,
                  fmt::format("{} is not applied: there is nothing to accept", text),
                  "'agentpg migrate' applies it");
    case State::failed:
      refuse_failed(e);
    case State::changed:
      items.push_back({&e, AcceptAction::record});
      break;
    case State::missing:
      items.push_back({&e, AcceptAction::forget});
      break;
    case State::applied:
      items.push_back({&e, AcceptAction::nothing});
      break;
    }
  }
  std::sort(items.begin(), items.end(), [](const AcceptItem& a, const AcceptItem& b) {
    return version_less(a.entry->version, b.entry->version);
  });
  return items;
}

} // namespace agentpg::migrate

namespace agentpg::migrate {

RunReport Runner::accept(const std::vector<MigrationFile>& files, const AcceptOptions& options) {
  RunReport report;
  report.dry_run = options.dry_run;
  if (!options.dry_run) {
    acquire_lock(options.lock_timeout);
  }
  // The lock is released however this ends.
  struct Release {
    Database& db;
    bool& locked;
    ~Release() {
      if (locked) {
        db.unlock();
        locked = false;
      }
    }
  } release{m_db, m_locked};
  // Read and planned under the lock: what is accepted is what the history holds now.
  std::vector<AppliedMigration> history =
      m_db.read_history().value_or(std::vector<AppliedMigration>{});
  std::vector<StatusEntry> status = compute_status(files, history);
  std::vector<AcceptItem> plan = plan_accept(status, options.versions);
  std::vector<pg::Query> batch = {pg::begin_read_write(), m_db.lock_check()};
  for (const AcceptItem& item : plan) {
    const StatusEntry& e = *item.entry;
    const char* note = item.action == AcceptAction::record   ? "recorded"
                       : item.action == AcceptAction::forget ? "forgotten"
                                                             : "unchanged";
    if (item.action == AcceptAction::record) {
      batch.push_back(m_db.record_accepted(history_row(*e.file)));
    } else if (item.action == AcceptAction::forget) {
      batch.push_back(m_db.forget(e.version));
    }
    report.steps.push_back(
        StepReport{shown_version(e), e.name, e.module, e.file ? e.file->path : "", 0, note});
  }
  batch.push_back(pg::commit());
  if (batch.size() == 3) {
    return report; // every one already matches its file
  }
  if (options.dry_run) {
    for (const auto& q : batch) {
      report.sql += pg::display_statement(q);
    }
    return report;
  }
  if (auto failure = m_db.execute_batch(batch)) {
    m_db.execute(pg::rollback());
    throw Error(ExitCode::sql,
                fmt::format("accepting failed, and nothing of it was recorded: {} (SQLSTATE {})",
                            failure->error.message, failure->error.sqlstate),
                "the user needs UPDATE and DELETE on " + pg::history_table_shown());
  }
  return report;
}

} // namespace agentpg::migrate
