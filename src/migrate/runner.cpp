#include "migrate/runner.hpp"

#include <chrono>
#include <thread>

#include <fmt/format.h>

#include "core/error.hpp"
#include "migrate/splitter.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

namespace agentpg::migrate {

namespace {

using core::Error;
using core::ExitCode;

// Releases the migration lock however the run ends.
class LockRelease {
public:
  LockRelease(Database& db, bool& locked) : m_db(db), m_locked(locked) {}
  ~LockRelease() {
    if (m_locked) {
      m_db.unlock();
      m_locked = false;
    }
  }
  LockRelease(const LockRelease&) = delete;
  LockRelease& operator=(const LockRelease&) = delete;

private:
  Database& m_db;
  bool& m_locked;
};

// The commits of one run are asynchronous, and one synchronous commit at its end (success
// or failure, before anything is reported) makes them all durable: one WAL flush per run
// instead of one per migration, and still durable once agentpg says so.
class CommitGroup {
public:
  CommitGroup(Database& db, bool dry_run, std::string& dry_run_sql) : m_db(db), m_dry_run(dry_run) {
    if (m_dry_run) {
      dry_run_sql += db.relaxed_commits_sql() + ";\n";
    } else {
      m_db.execute(m_db.relaxed_commits_sql());
    }
    m_dry_run_sql = &dry_run_sql;
  }
  ~CommitGroup() {
    if (m_dry_run) {
      *m_dry_run_sql += m_db.flush_commits_sql() + ";\n";
    } else {
      m_db.execute(m_db.flush_commits_sql());
    }
  }
  CommitGroup(const CommitGroup&) = delete;
  CommitGroup& operator=(const CommitGroup&) = delete;

private:
  Database& m_db;
  bool m_dry_run;
  std::string* m_dry_run_sql = nullptr;
};

size_t skip_blanks_and_comments(std::string_view sql, size_t pos) {
  while (pos < sql.size()) {
    if (std::isspace(static_cast<unsigned char>(sql[pos]))) {
      ++pos;
    } else if (sql.compare(pos, 2, "--") == 0) {
      size_t end = sql.find('\n', pos);
      pos = end == std::string_view::npos ? sql.size() : end + 1;
    } else if (sql.compare(pos, 2, "/*") == 0) {
      size_t end = sql.find("*/", pos + 2);
      pos = end == std::string_view::npos ? sql.size() : end + 2;
    } else {
      break;
    }
  }
  return pos;
}

// Byte offset of the `chars`-th character (0-based) of UTF-8 text.
size_t byte_offset_of_char(std::string_view text, size_t chars) {
  size_t i = 0;
  for (; i < text.size() && chars > 0; ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      --chars;
    }
    if (chars == 0) {
      ++i;
      while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) {
        ++i;
      }
      break;
    }
  }
  return i;
}

std::string describe_server_error(const pg::ServerError& e) {
  std::string text = fmt::format("{} {}: {}", e.severity.empty() ? "ERROR" : e.severity, e.sqlstate, e.message);
  if (!e.detail.empty()) {
    text += "\n  DETAIL: " + e.detail;
  }
  if (!e.hint.empty()) {
    text += "\n  HINT: " + e.hint;
  }
  if (!e.context.empty()) {
    text += "\n  CONTEXT: " + util::join(util::split(e.context, '\n'), "\n    ");
  }
  return text;
}

std::string label(const MigrationFile& m) {
  return m.module.empty() ? fmt::format("{}_{}", shown_version(m), m.name)
                          : fmt::format("{}/{}_{}", m.module, shown_version(m), m.name);
}

// The report's versions as written in the files' names.
void show_versions(const std::vector<MigrationFile>& files, RunReport& report) {
  report.from_version = shown_version(files, report.from_version);
  report.to_version = shown_version(files, report.to_version);
}

} // namespace

std::string locate_error(const Section& section, size_t statement_offset, size_t statement_length, int position) {
  std::string_view sql(section.sql);
  std::string_view statement = sql.substr(statement_offset, statement_length);
  size_t within = position > 0 ? byte_offset_of_char(statement, static_cast<size_t>(position - 1))
                               : skip_blanks_and_comments(statement, 0);
  size_t offset = std::min(sql.size(), statement_offset + within);
  int line = section.first_line;
  size_t line_start = 0;
  for (size_t i = 0; i < offset; ++i) {
    if (sql[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  size_t column = 1;
  for (size_t i = line_start; i < offset; ++i) {
    column += (static_cast<unsigned char>(sql[i]) & 0xC0) != 0x80 ? 1 : 0;
  }
  return fmt::format("{}:{}:{}", section.path, line, column);
}

std::optional<pg::ServerError> Runner::send(const std::string& sql, RunReport& report) {
  if (report.dry_run) {
    std::string statement = util::trim(sql);
    report.sql += statement + (util::ends_with(statement, ";") ? "\n" : ";\n");
    return std::nullopt;
  }
  return m_db.execute(sql);
}

void Runner::acquire_lock(int timeout_seconds) {
  util::Clock::time_point start = util::Clock::now();
  bool announced = false;
  while (!m_db.try_lock()) {
    if (util::elapsed_ms(start) >= timeout_seconds * 1000.0) {
      std::optional<LockHolder> holder = m_db.lock_holder();
      throw Error(ExitCode::lock_timeout,
                  fmt::format("gave up after {} s waiting for the migration lock{}", timeout_seconds,
                              holder ? fmt::format(" (held by pid {})", holder->pid) : ""),
                  "another agentpg is migrating this database; wait for it, or raise --lock-timeout");
    }
    if (!announced) {
      std::optional<LockHolder> holder = m_db.lock_holder();
      m_out.notice(holder ? fmt::format("agentpg: waiting for the migration lock, held by pid {} ({}{}) since {}",
                                        holder->pid, holder->application_name.empty() ? "?" : holder->application_name,
                                        holder->client.empty() ? "" : ", " + holder->client, holder->since)
                          : "agentpg: waiting for the migration lock");
      announced = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  m_locked = true;
}

std::vector<AppliedMigration> Runner::prepare_history(const MigrateOptions& options, RunReport& report) {
  if (std::optional<std::vector<AppliedMigration>> history = m_db.read_history()) {
    return *history;
  }
  if (options.when_history_missing) {
    options.when_history_missing();
  }
  if (!options.dry_run) {
    if (auto error = m_db.execute(m_db.create_history_sql())) {
      throw Error(ExitCode::sql, "cannot create the history table agentpg.schema_migrations: " + error->message,
                  "the user needs CREATE on the database (for the agentpg schema)");
    }
  } else {
    send(m_db.create_history_sql(), report);
  }
  return {};
}

double Runner::run_transactional(const MigrationFile& m, const Section& section, bool up, int statement_lock_timeout,
                                 RunReport& report) {
  util::Clock::time_point start = util::Clock::now();
  // The migration goes in one round trip (BEGIN, its statements, the history write; the
  // server stops at the first failure) and COMMIT in a second one, sent only after all
  // succeeded: a client killed meanwhile leaves an open transaction the server aborts.
  std::vector<std::string> batch = {"BEGIN"};
  if (statement_lock_timeout > 0) {
    batch.push_back(m_db.set_lock_timeout_sql(statement_lock_timeout));
  }
  size_t first_statement = batch.size();
  std::vector<Statement> statements;
  for (const Statement& st : split_statements(section.sql)) {
    if (st.has_sql) {
      statements.push_back(st);
      batch.push_back(section.sql.substr(st.offset, st.length));
    }
  }
  batch.push_back(up ? m_db.record_applied_sql(m) : m_db.forget_sql(m.version));
  size_t commit_index = batch.size();
  if (report.dry_run) {
    for (const auto& sql : batch) {
      send(sql, report);
    }
    send("COMMIT", report);
    return 0;
  }
  std::optional<pg::BatchFailure> failure = m_db.execute_batch(batch);
  if (!failure) {
    std::optional<pg::ServerError> commit_error = m_db.execute("COMMIT");
    if (!commit_error) {
      return util::elapsed_ms(start);
    }
    failure = pg::BatchFailure{commit_index, *commit_error};
  }
  m_db.execute("ROLLBACK");
  std::string where = fmt::format("{}:{}", section.path, section.first_line);
  if (failure->index >= first_statement && failure->index < first_statement + statements.size()) {
    const Statement& st = statements[failure->index - first_statement];
    where = locate_error(section, st.offset, st.length, failure->error.position);
  }
  throw Error(ExitCode::sql,
              fmt::format("{} of {} failed and was rolled back\n  {}: {}", up ? "migration" : "rollback", label(m),
                          where, describe_server_error(failure->error)),
              up ? "nothing of this migration was applied; fix it and run 'agentpg migrate' again"
                 : "this migration stays applied; fix its down section and run 'agentpg rollback' again");
}

double Runner::run_statements(const MigrationFile& m, const Section& section, bool up, int first_statement,
                              RunReport& report) {
  util::Clock::time_point start = util::Clock::now();
  int index = 0;
  for (const Statement& st : split_statements(section.sql)) {
    if (!st.has_sql || ++index < first_statement) {
      continue;
    }
    if (up) {
      send(m_db.record_running_sql(m, index), report);
    }
    if (auto error = send(section.sql.substr(st.offset, st.length), report)) {
      std::string where = locate_error(section, st.offset, st.length, error->position);
      if (up) {
        m_db.execute(m_db.record_failed_sql(m.version, index, fmt::format("{}: {}", where, error->message)));
      }
      throw Error(ExitCode::sql,
                  fmt::format("{} of {} failed at statement {} (transaction:false: the statements before it took "
                              "effect)\n  {}: {}",
                              up ? "migration" : "rollback", label(m), index, where, describe_server_error(*error)),
                  up ? fmt::format("fix the cause, then 'agentpg migrate --resume' runs it again from statement {}",
                                   index)
                     : "this migration stays applied; fix its down section and run 'agentpg rollback' again");
    }
  }
  send(up ? m_db.record_finished_sql(m.version) : m_db.forget_sql(m.version), report);
  return util::elapsed_ms(start);
}

double Runner::apply(const MigrationFile& file, bool up, int first_statement, int statement_lock_timeout,
                     RunReport& report) {
  MigrationFile storage;
  const MigrationFile& m = with_sql(file, storage);
  const Section& section = up ? m.up : m.down;
  if (report.dry_run) {
    report.sql += fmt::format("-- {} ({}, {})\n", section.path, up ? "up" : "down",
                              section.transactional ? "in a transaction" : "transaction:false");
  }
  m_out.progress(fmt::format("{} {} ...", up ? "applying" : "reverting", label(m)));
  double ms = section.transactional ? run_transactional(m, section, up, statement_lock_timeout, report)
                                    : run_statements(m, section, up, first_statement, report);
  report.steps.push_back(StepReport{shown_version(m), m.name, m.module, section.path, ms});
  if (!report.dry_run) {
    m_out.line(fmt::format("{} {}  {}", up ? "applied " : "reverted", label(m),
                           m_out.paint(core::Style::dim, util::format_duration_ms(ms))));
  }
  return ms;
}

void Runner::resolve_failed(const std::vector<StatusEntry>& status, const MigrateOptions& options, RunReport& report) {
  for (const auto& e : status) {
    if (e.state != State::failed) {
      continue;
    }
    if (options.forget_failed) {
      send(m_db.forget_sql(e.version), report);
      m_out.line(fmt::format("forgot the failed migration {} (its history row is gone)", shown_version(e)));
    } else if (options.resume && e.file != nullptr) {
      int from = std::max(1, e.applied->failed_statement);
      m_out.line(fmt::format("resuming {} from statement {}", e.file->path, from));
      apply(*e.file, true, from, options.statement_lock_timeout, report);
    }
  }
}

// Most runs (every container start) find nothing to do. That is safe to see without the
// lock when every recorded migration is cleanly applied; anything else takes the lock.
bool Runner::nothing_to_migrate(const std::vector<MigrationFile>& files, const MigrateOptions& options,
                                RunReport& report) {
  if (const std::optional<HistoryDigest>& digest = options.unlocked_digest) {
    // Every file applied unchanged and nothing else in the history: one row told it all.
    bool same = digest->not_applied == 0 && digest->rows == static_cast<long long>(files.size()) &&
                digest->sha256 == files_digest(files);
    if (same) {
      for (const auto& f : files) {
        if (report.from_version.empty() || version_less(report.from_version, f.version)) {
          report.from_version = f.version;
        }
      }
      report.to_version = report.from_version;
    }
    return same;
  }
  std::optional<std::vector<AppliedMigration>> history = m_db.read_history();
  if (!history) {
    return false;
  }
  for (const auto& applied : *history) {
    if (applied.status != HistoryStatus::applied) {
      return false;
    }
  }
  if (!plan_migrate(compute_status(files, *history), options.rules).empty()) {
    return false;
  }
  report.from_version = report.to_version = current_version(*history);
  return true;
}

RunReport Runner::migrate(const std::vector<MigrationFile>& files, const MigrateOptions& options) {
  RunReport report;
  report.dry_run = options.dry_run;
  if (!options.dry_run && !options.resume && !options.forget_failed && nothing_to_migrate(files, options, report)) {
    show_versions(files, report);
    return report;
  }
  LockRelease release(m_db, m_locked);
  if (!options.dry_run) {
    acquire_lock(options.lock_timeout);
  }
  std::vector<AppliedMigration> history = prepare_history(options, report);
  report.from_version = current_version(history);
  if (options.resume || options.forget_failed) {
    resolve_failed(compute_status(files, history), options, report);
    if (!options.dry_run) {
      history = m_db.read_history().value_or(std::vector<AppliedMigration>{});
    }
  }
  std::vector<StatusEntry> status = compute_status(files, history);
  std::vector<const MigrationFile*> plan = plan_migrate(status, options.rules);
  if (!plan.empty() && !options.dry_run && options.before_apply) {
    report.backup = options.before_apply();
  }
  if (!plan.empty()) {
    CommitGroup commits(m_db, options.dry_run, report.sql);
    for (const MigrationFile* m : plan) {
      apply(*m, true, 1, options.statement_lock_timeout, report);
      report.to_version = m->version;
    }
  }
  if (report.to_version.empty()) {
    report.to_version = report.from_version;
  }
  show_versions(files, report);
  return report;
}

RunReport Runner::rollback(const std::vector<MigrationFile>& files, const RollbackOptions& options) {
  RunReport report;
  report.dry_run = options.dry_run;
  LockRelease release(m_db, m_locked);
  if (!options.dry_run) {
    acquire_lock(options.lock_timeout);
  }
  std::vector<AppliedMigration> history = m_db.read_history().value_or(std::vector<AppliedMigration>{});
  report.from_version = current_version(history);
  std::vector<StatusEntry> status = compute_status(files, history);
  std::vector<const StatusEntry*> plan = plan_rollback(status, options.rules);
  if (!plan.empty()) {
    CommitGroup commits(m_db, options.dry_run, report.sql);
    for (const StatusEntry* e : plan) {
      apply(*e->file, false, 1, options.statement_lock_timeout, report);
    }
  }
  report.to_version = report.from_version;
  std::vector<std::string> reverted;
  for (const StatusEntry* e : plan) {
    reverted.push_back(e->version);
  }
  std::string newest;
  for (const auto& a : history) {
    if (a.status == HistoryStatus::applied && std::find(reverted.begin(), reverted.end(), a.version) == reverted.end() &&
        (newest.empty() || version_less(newest, a.version))) {
      newest = a.version;
    }
  }
  report.to_version = newest;
  show_versions(files, report);
  return report;
}

} // namespace agentpg::migrate
