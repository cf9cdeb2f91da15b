#include "migrate/runner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <utility>

#include "core/error.hpp"
#include "pg/history_table.hpp"
#include "sql/position.hpp"
#include "sql/splitter.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

namespace agentpg::migrate {

using sql::skip_blanks_and_comments;
using sql::split_statements;
using sql::Statement;
using sql::TransactionControl;

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

std::string describe_server_error(const pg::ServerError& e) {
  std::string text = fmt::format("{} {}: {}", e.severity.empty() ? "ERROR" : e.severity, e.sqlstate,
                                 util::join(util::split(e.message, '\n'), "\n    "));
  auto field = [&text](const char* name, const std::string& value) {
    if (!value.empty()) {
      text += fmt::format("\n  {}: {}", name, util::join(util::split(value, '\n'), "\n    "));
    }
  };
  field("DETAIL", e.detail);
  field("HINT", e.hint);
  field("CONTEXT", e.context);
  return text;
}

std::string history_hint() {
  return fmt::format("the user needs SELECT, INSERT, UPDATE and DELETE on {}, and the session "
                     "must allow writes (a migration that runs SET ROLE or SET SESSION "
                     "CHARACTERISTICS AS TRANSACTION READ ONLY changes that)",
                     pg::history_table_shown());
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

std::string locate_error(const Section& section, size_t statement_offset, size_t statement_length,
                         int position) {
  return sql::locate({section.sql, section.path, section.first_line}, statement_offset,
                     statement_length, position);
}

struct Runner::Step {
  const MigrationFile& m;
  const Section& section;
  Direction direction;
  std::string note; // which section runs, when it is not the file's
  bool up() const { return direction == Direction::up; }
};

namespace {

enum class Mode { transaction, statements, own };

Mode mode_of(const Section& section, const std::vector<Statement>& statements) {
  for (const Statement& st : statements) {
    if (st.control != TransactionControl::none) {
      return Mode::own;
    }
  }
  return section.transactional ? Mode::transaction : Mode::statements;
}

const char* mode_words(Mode mode) {
  switch (mode) {
  case Mode::transaction:
    return "in a transaction";
  case Mode::statements:
    return "transaction:false";
  case Mode::own:
    return "its own BEGIN/COMMIT";
  }
  return "";
}

// The line where the statement at `offset` starts (its first word, past blanks and comments).
int line_at(const Section& section, size_t offset) {
  offset = skip_blanks_and_comments(section.sql, offset);
  int line = section.first_line;
  for (size_t i = 0; i < offset && i < section.sql.size(); ++i) {
    line += section.sql[i] == '\n' ? 1 : 0;
  }
  return line;
}

// The statements that hold SQL, numbered from 1 as the history counts them.
std::vector<Statement> sql_statements(const Section& section) {
  std::vector<Statement> out;
  for (const Statement& st : split_statements(section.sql)) {
    if (st.has_sql) {
      out.push_back(st);
    }
  }
  return out;
}

// Whether statements 1 to before-1 read the same in both texts (blanks around them aside).
bool same_statements_before(const std::string& a, const std::string& b, int before) {
  auto first = [before](const std::string& text) {
    std::vector<std::string> out;
    for (const Statement& st : split_statements(text)) {
      if (st.has_sql && static_cast<int>(out.size()) + 1 < before) {
        out.push_back(util::trim(text.substr(st.offset, st.length)));
      }
    }
    return out;
  };
  return first(a) == first(b);
}

// Resuming runs a section from statement `from`: the statements before it must be the
// ones that ran, or the numbers would point at other statements.
void check_resumable(const std::optional<std::string>& ran, const Section& now, int from,
                     const std::string& what) {
  if (ran && from > 1 && !same_statements_before(*ran, written_sql(now), from)) {
    throw Error(ExitCode::validation,
                fmt::format("{}: statements 1 to {} changed since they ran, so statement {} is no "
                            "longer the one to "
                            "resume from (nothing was run)",
                            what, from - 1, from),
                "restore them as they were ('agentpg status --diff' shows the change), or settle "
                "it by hand and "
                "'agentpg migrate --forget-failed'");
  }
}

} // namespace

std::optional<pg::ServerError> Runner::send(const pg::Query& query, RunReport& report) {
  if (report.dry_run) {
    report.sql += pg::display_statement(query);
    return std::nullopt;
  }
  return m_db.execute(query);
}

void Runner::acquire_lock(int timeout_seconds) {
  util::Clock::time_point start = util::Clock::now();
  bool announced = false;
  while (!m_db.try_lock()) {
    if (util::elapsed_ms(start) >= timeout_seconds * 1000.0) {
      std::optional<LockHolder> holder = m_db.lock_holder();
      throw Error(
          ExitCode::lock_timeout,
          fmt::format("gave up after {} s waiting for the migration lock{}", timeout_seconds,
                      holder ? fmt::format(" (held by pid {}, {})", holder->pid, holder->activity)
                             : ""),
          "another agentpg is migrating this database, or the server is still running a statement "
          "of an "
          "agentpg that was stopped; wait for it, or raise --lock-timeout");
    }
    if (!announced) {
      std::optional<LockHolder> holder = m_db.lock_holder();
      m_out.notice(
          holder
              ? fmt::format(
                    "agentpg: waiting for the migration lock, held by pid {} ({}{}) since {}{}",
                    holder->pid, holder->application_name.empty() ? "?" : holder->application_name,
                    holder->client.empty() ? "" : ", " + holder->client, holder->since,
                    holder->activity.empty() ? "" : "; " + holder->activity)
              : "agentpg: waiting for the migration lock");
      announced = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  m_locked = true;
  m_out.detail(fmt::format("took the migration lock (waited {})",
                           util::format_duration_ms(util::elapsed_ms(start))));
}

std::vector<AppliedMigration> Runner::prepare_history(const MigrateOptions* options, bool dry_run,
                                                      RunReport& report) {
  std::optional<std::vector<AppliedMigration>> history = m_db.read_history();
  m_out.detail(history ? fmt::format("read the history: {} migration{} recorded", history->size(),
                                     history->size() == 1 ? "" : "s")
                       : "no history table yet");
  if (history && !m_db.history_needs_upgrade()) {
    return *history;
  }
  if (!history && options != nullptr && options->when_history_missing) {
    options->when_history_missing();
  }
  if (!history && options == nullptr) {
    return {}; // nothing to roll back
  }
  if (dry_run) {
    send(m_db.create_history(), report);
  } else if (auto error = m_db.execute(m_db.create_history())) {
    throw Error(ExitCode::sql,
                fmt::format("cannot {} the history table {}: {}",
                            history ? "add this release's columns to" : "create",
                            pg::history_table_shown(), error->message),
                history ? "the table's owner must run agentpg once (ALTER TABLE)"
                        : "the user needs CREATE on the database (for the agentpg schema)");
  }
  return history.value_or(std::vector<AppliedMigration>{});
}

void Runner::start_commits(RunReport& report) {
  if (m_relaxed) {
    return;
  }
  if (report.dry_run) {
    m_relaxed = true;
    send(m_db.relaxed_commits(), report);
    return;
  }
  if (std::string missing = m_db.missing_history_privileges(); !missing.empty()) {
    throw Error(ExitCode::sql, fmt::format("{}: nothing was run", missing), history_hint());
  }
  m_relaxed = true;
  m_db.execute(m_db.relaxed_commits());
}

std::string Runner::finish_commits(RunReport& report) {
  m_out.end_progress();
  std::string failure;
  if (m_relaxed) {
    m_relaxed = false;
    util::Clock::time_point start = util::Clock::now();
    std::vector<pg::Query> flush = m_db.flush_commits();
    if (report.dry_run) {
      for (const auto& q : flush) {
        send(q, report);
      }
    } else if (auto error = m_db.execute_batch(flush)) {
      m_db.execute(pg::rollback());
      failure = error->error.message;
    } else {
      m_out.detail(fmt::format("history written and flushed to disk in {}",
                               util::format_duration_ms(util::elapsed_ms(start))));
    }
  }
  if (failure.empty()) {
    for (const auto& line : m_done) {
      m_out.line(line);
    }
  }
  m_done.clear();
  return failure;
}

void Runner::write_history(const Step& step, const pg::Query& query, int statement,
                           RunReport& report) {
  std::vector<pg::Query> batch = {pg::begin_read_write(), m_db.lock_check(), query, pg::commit()};
  if (report.dry_run) {
    for (const auto& q : batch) {
      send(q, report);
    }
    return;
  }
  // Its own read-write transaction: the session's default may have been changed by the
  // migration itself.
  if (auto failure = m_db.execute_batch(batch)) {
    m_db.execute(pg::rollback());
    std::string where = statement > 0 ? fmt::format("statement {} of its {} section took effect",
                                                    statement, step.up() ? "up" : "down")
                                      : "nothing of it ran yet";
    throw Error(ExitCode::sql,
                fmt::format("{} of {}: {}, but its history could not be written: {} (SQLSTATE {})",
                            step.up() ? "migration" : "rollback", label(step.m), where,
                            failure->error.message, failure->error.sqlstate),
                fmt::format("{}; then see 'agentpg status' and resume from the statement after {}",
                            history_hint(), statement));
  }
}

void Runner::run_transactional(const Step& step, int statement_lock_timeout, RunReport& report) {
  const Section& section = step.section;
  // The migration goes in one round trip (BEGIN, its statements, the history write; the
  // server stops at the first failure) and COMMIT in a second one, sent only after all
  // succeeded: a client killed meanwhile leaves an open transaction the server aborts.
  std::vector<pg::Query> batch = {pg::begin()};
  if (statement_lock_timeout > 0) {
    batch.push_back(m_db.set_lock_timeout(statement_lock_timeout));
  }
  size_t first_statement = batch.size();
  std::vector<Statement> statements = sql_statements(section);
  for (const Statement& st : statements) {
    batch.push_back(section.sql.substr(st.offset, st.length));
  }
  batch.push_back(m_db.lock_check());
  size_t history_index = batch.size();
  batch.push_back(step.up() ? m_db.record_applied(history_row(step.m))
                            : m_db.forget(step.m.version));
  size_t commit_index = batch.size();
  if (report.dry_run) {
    for (const auto& q : batch) {
      send(q, report);
    }
    send(pg::commit(), report);
    return;
  }
  // A COPY cannot be pipelined (it may wait for data): such a section goes statement by
  // statement, in the same transaction.
  bool copy = std::any_of(statements.begin(), statements.end(),
                          [](const Statement& st) { return st.copy; });
  std::optional<pg::BatchFailure> failure;
  if (copy) {
    for (size_t i = 0; i < batch.size() && !failure; ++i) {
      if (auto error = m_db.execute(batch[i])) {
        failure = pg::BatchFailure{i, *error};
      }
    }
  } else {
    failure = m_db.execute_batch(batch);
  }
  if (!failure) {
    std::optional<pg::ServerError> commit_error = m_db.execute(pg::commit());
    if (!commit_error) {
      return;
    }
    failure = pg::BatchFailure{commit_index, *commit_error};
  }
  m_db.execute(pg::rollback());
  const char* what = step.up() ? "migration" : "rollback";
  std::string rolled_back =
      step.up() ? "nothing of this migration was applied" : "this migration stays applied";
  if (failure->index == history_index) {
    throw Error(ExitCode::sql,
                fmt::format("{} of {} ran, but writing its history row failed, so it was rolled "
                            "back: {} (SQLSTATE {})",
                            what, label(step.m), failure->error.message, failure->error.sqlstate),
                fmt::format("{}; {}", rolled_back, history_hint()));
  }
  std::string where = fmt::format("{}:{}", section.path, section.first_line);
  if (failure->index >= first_statement && failure->index < first_statement + statements.size()) {
    const Statement& st = statements[failure->index - first_statement];
    where = locate_error(section, st.offset, st.length, failure->error.position);
  }
  pg::ServerError error = failure->error;
  std::string next = step.up() ? "fix it and run 'agentpg migrate' again"
                               : "fix its down section and run 'agentpg rollback' again";
  if (!step.up() && error.sqlstate == "2BP01") {
    // dependent_objects_still_exist: objects outside the migration (a user's view or
    // foreign key) depend on what the down section drops. The server's own hint (DROP ...
    // CASCADE) would drop them with it: not ours to suggest.
    error.hint.clear();
    next = "other objects depend on what its down section drops (DETAIL above): drop or "
           "change them first, then run 'agentpg rollback' again";
  }
  throw Error(ExitCode::sql,
              fmt::format("{} of {} failed and was rolled back\n  {}: {}", what, label(step.m),
                          where, describe_server_error(error)),
              rolled_back + "; " + next);
}

// transaction:false sections, and sections with their own BEGIN/COMMIT, statement by
// statement. The history says which statement runs before it runs. In a transaction of
// the file's own, nothing is written until its end: a file's last transaction carries
// the history write that finishes the migration, so the two commit together.
void Runner::run_statements(const Step& step, int first_statement, int statement_lock_timeout,
                            RunReport& report) {
  const Section& section = step.section;
  std::vector<Statement> statements = sql_statements(section);
  const char* what = step.up() ? "migration" : "rollback";
  const char* verb = step.up() ? "migrate" : "rollback";
  size_t count = statements.size();
  // Where the file's transactions begin and end, and whether its last statement is the
  // COMMIT of a transaction (then the history write goes just before it).
  std::vector<int> block_of(count + 1,
                            0); // 1-based statement -> the BEGIN it is inside of (0: none)
  int open = 0;
  for (size_t i = 0; i < count; ++i) {
    int number = static_cast<int>(i) + 1;
    TransactionControl control = statements[i].control;
    if (control == TransactionControl::begin && open == 0) {
      open = number;
    }
    block_of[number] = open;
    if (control == TransactionControl::commit || control == TransactionControl::rollback) {
      open = 0;
    }
  }
  if (open != 0) {
    throw Error(
        ExitCode::validation,
        fmt::format("{}:{}: the transaction begun here is never committed (nothing was run)",
                    section.path,
                    line_at(section, statements[static_cast<size_t>(open) - 1].offset)),
        "end it with COMMIT; at the end of a file psql would roll it back");
  }
  if (first_statement > static_cast<int>(count) + 1) {
    throw Error(ExitCode::usage,
                fmt::format("{} has {} statement{} in its {} section: resume from 1 to {}",
                            label(step.m), count, count == 1 ? "" : "s", step.up() ? "up" : "down",
                            count + 1),
                fmt::format("{} means every statement took effect", count + 1));
  }
  bool commit_last = count > 0 && statements[count - 1].control == TransactionControl::commit &&
                     block_of[count] != 0;
  pg::Query finish = step.up() ? m_db.record_finished(step.m.version) : m_db.forget(step.m.version);
  if (first_statement > 1 && first_statement <= static_cast<int>(count)) {
    int block = block_of[static_cast<size_t>(first_statement)];
    if (block != 0 && block != first_statement) {
      throw Error(
          ExitCode::usage,
          fmt::format(
              "statement {} of {} is inside a transaction of the file's own, which begins at "
              "statement {}: resume from there",
              first_statement, label(step.m), block));
    }
  }
  // The lock timeout holds for the section's statements (for the session: they run
  // outside agentpg's transactions), and is reset after them.
  if (statement_lock_timeout > 0) {
    send(pg::set_lock_timeout(statement_lock_timeout), report);
  }
  for (size_t i = 0; i < count; ++i) {
    int number = static_cast<int>(i) + 1;
    if (number < first_statement) {
      continue;
    }
    const Statement& st = statements[i];
    bool inside =
        block_of[static_cast<size_t>(number)] != 0 && st.control != TransactionControl::begin;
    if (!inside) {
      write_history(step, m_db.record_running(history_row(step.m), step.direction, number),
                    number - 1, report);
    }
    if (commit_last && i + 1 == count) {
      if (auto error = send(finish, report)) {
        m_db.execute(pg::rollback());
        throw Error(
            ExitCode::sql,
            fmt::format("{} of {}: writing its history row in its last transaction failed, so that "
                        "transaction (from statement {}) was rolled back: {} (SQLSTATE {})",
                        what, label(step.m), block_of[count], error->message, error->sqlstate),
            fmt::format("{}; {}; then 'agentpg {} --resume'", history_hint(),
                        block_of[count] > 1
                            ? fmt::format("statements 1 to {} took effect", block_of[count] - 1)
                            : std::string("nothing before that transaction ran"),
                        verb));
      }
    }
    std::optional<pg::ServerError> error = send(section.sql.substr(st.offset, st.length), report);
    if (!error) {
      continue;
    }
    std::string where = locate_error(section, st.offset, st.length, error->position);
    int block = block_of[static_cast<size_t>(number)];
    int resume_at = block != 0 ? block : number;
    std::string effect;
    if (block != 0) {
      m_db.execute(pg::rollback());
      effect =
          fmt::format("the transaction it began at statement {} (line {}) was rolled back; ", block,
                      line_at(section, statements[static_cast<size_t>(block) - 1].offset));
    }
    effect += resume_at > 2    ? fmt::format("statements 1 to {} took effect", resume_at - 1)
              : resume_at == 2 ? std::string("statement 1 took effect")
                               : std::string("no statement before it ran");
    if (block == 0) {
      // Outside a transaction a failed statement can still leave something behind.
      std::string text = util::to_lower(section.sql.substr(st.offset, st.length));
      if (text.find("concurrently") != std::string::npos) {
        effect += "; a failed CONCURRENTLY statement can leave an INVALID index behind: drop it "
                  "before resuming";
      } else if (text.find("call") != std::string::npos) {
        effect += "; a procedure may have committed part of its work";
      }
    }
    write_history(step,
                  m_db.record_failed(step.m.version, step.direction, resume_at,
                                     fmt::format("{}: {}", where, error->message)),
                  resume_at - 1, report);
    throw Error(
        ExitCode::sql,
        fmt::format("{} of {} failed at statement {} ({})\n  {}: {}", what, label(step.m), number,
                    effect, where, describe_server_error(*error)),
        step.up()
            ? fmt::format(
                  "fix the cause, then 'agentpg migrate --resume' runs it again from statement "
                  "{}; or undo what took effect by hand and 'agentpg migrate --forget-failed'",
                  resume_at)
            : fmt::format(
                  "it is recorded as failed; fix the cause, then 'agentpg rollback --resume' runs "
                  "its down section again from statement {}; or redo by hand what took effect "
                  "and 'agentpg migrate --forget-failed' marks it applied again",
                  resume_at));
  }
  if (statement_lock_timeout > 0) {
    send(pg::reset_lock_timeout(), report);
  }
  if (!commit_last || first_statement > static_cast<int>(count)) {
    if (count == 0 && step.up()) {
      write_history(step, m_db.record_running(history_row(step.m), step.direction, 1), 0,
                    report); // the row to finish
    }
    write_history(step, finish, static_cast<int>(count), report);
  }
}

void Runner::apply(const Step& as_written, int first_statement, int statement_lock_timeout,
                   RunReport& report) {
  util::Clock::time_point start = util::Clock::now();
  // Variables are substituted only into what runs: a file applied long ago needs none of
  // its values now. The history row is written from the file (step.m), as written.
  Section substituted;
  std::optional<Step> with_values;
  if (m_substitute) {
    std::string text = m_substitute(as_written.m, as_written.section);
    if (text != as_written.section.sql) {
      substituted = as_written.section;
      substituted.written = std::exchange(substituted.sql, std::move(text));
      with_values.emplace(Step{as_written.m, substituted, as_written.direction, as_written.note});
    }
  }
  const Step& step = with_values ? *with_values : as_written;
  const Section& section = step.section;
  std::vector<Statement> all = split_statements(section.sql);
  for (const Statement& st : all) {
    if (st.control == TransactionControl::two_phase) {
      throw Error(ExitCode::validation,
                  fmt::format("{}:{}: two-phase commit (PREPARE TRANSACTION, COMMIT/ROLLBACK "
                              "PREPARED) cannot be part "
                              "of a migration: its work would wait in a prepared transaction while "
                              "the history said "
                              "applied (nothing of {} was run)",
                              section.path, line_at(section, st.offset), label(step.m)),
                  "commit the migration's work normally");
    }
  }
  Mode mode = mode_of(section, all);
  if (report.dry_run) {
    report.sql += fmt::format("-- {} ({}, {}{})\n", section.path, step.up() ? "up" : "down",
                              mode_words(mode), step.note.empty() ? "" : "; " + step.note);
  }
  ++m_step;
  std::string counter = m_steps > 0 ? fmt::format("{}/{} ", m_step, m_steps) : "";
  m_out.detail(fmt::format("{}{} {} ({}) ...", counter, step.up() ? "applying" : "reverting",
                           section.path, mode_words(mode)));
  m_out.progress(
      fmt::format("{}{} {} ...", counter, step.up() ? "applying" : "reverting", section.path),
      core::Redraw::now);
  if (mode == Mode::transaction && first_statement <= 1) {
    run_transactional(step, statement_lock_timeout, report);
  } else {
    run_statements(step, first_statement, statement_lock_timeout, report);
  }
  double ms = util::elapsed_ms(start);
  m_out.detail(fmt::format("{}{} {} in {}", counter, step.up() ? "applied" : "reverted",
                           section.path, util::format_duration_ms(ms)));
  report.steps.push_back(
      StepReport{shown_version(step.m), step.m.name, step.m.module, section.path, ms, step.note});
  if (!report.dry_run) {
    m_done.push_back(fmt::format("{} {}  {}{}", step.up() ? "applied " : "reverted", label(step.m),
                                 m_out.paint(core::Style::dim, util::format_duration_ms(ms)),
                                 step.note.empty() ? "" : "  (" + step.note + ")"));
  }
}

void Runner::resolve_failed(const std::vector<StatusEntry>& status, const MigrateOptions& options,
                            RunReport& report) {
  for (const auto& e : status) {
    if (e.state != State::failed) {
      continue;
    }
    const AppliedMigration& a = *e.applied;
    if (options.forget_failed) {
      start_commits(report);
      send(a.failed_down ? m_db.record_reapplied(e.version) : m_db.forget(e.version), report);
      m_done.push_back(
          a.failed_down
              ? fmt::format("forgot the failed rollback of {} (it is recorded as applied again)",
                            shown_version(e))
              : fmt::format("forgot the failed migration {} (its history row is gone)",
                            shown_version(e)));
      continue;
    }
    if (a.failed_down) {
      throw Error(ExitCode::validation,
                  fmt::format("the down section of {} failed; it is half reverted", e.version),
                  "'agentpg rollback --resume' finishes it, or 'agentpg migrate --forget-failed' "
                  "marks it applied "
                  "again (after redoing by hand what its down section undid)");
    }
    if (a.status == HistoryStatus::running && options.resume_from == 0) {
      refuse_failed(e); // the statement's outcome is unknown: the user says where to go on
    }
    if (e.file == nullptr) {
      throw Error(ExitCode::validation,
                  fmt::format("cannot resume {}_{}: its file is missing", e.version, e.name),
                  "restore the file");
    }
    int from = options.resume_from > 0 ? options.resume_from : std::max(1, a.failed_statement);
    m_done.push_back(fmt::format("resuming {} from statement {}", e.file->path, from));
    start_commits(report);
    const MigrationFile& m = *e.file;
    std::optional<RecordedMigration> recorded = m_db.read_recorded(e.version);
    check_resumable(recorded ? std::optional<std::string>(recorded->up_sql) : std::nullopt, m.up,
                    from, m.path);
    apply(Step{m, m.up, Direction::up, ""}, from, options.statement_lock_timeout, report);
  }
}

// Most runs (every container start) find nothing to do. That is safe to see without the
// lock when every recorded migration is cleanly applied; anything else takes the lock.
bool Runner::nothing_to_migrate(const std::vector<MigrationFile>& files,
                                const MigrateOptions& options, RunReport& report) {
  std::optional<std::vector<AppliedMigration>> history = m_db.read_history();
  if (!history || m_db.history_needs_upgrade()) {
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

namespace {

std::string newer(const std::string& a, const std::string& b) {
  return a.empty() ? b : b.empty() ? a : version_less(a, b) ? b : a;
}

} // namespace

RunReport Runner::migrate(const std::vector<MigrationFile>& files, const MigrateOptions& options) {
  RunReport report;
  report.dry_run = options.dry_run;
  bool resolving = options.resume || options.resume_from > 0 || options.forget_failed;
  if (!options.dry_run && !resolving && nothing_to_migrate(files, options, report)) {
    m_out.detail("nothing to migrate: every migration is applied (seen without the lock)");
    show_versions(files, report);
    return report;
  }
  LockRelease release(m_db, m_locked);
  if (!options.dry_run) {
    acquire_lock(options.lock_timeout);
  }
  std::vector<AppliedMigration> history = prepare_history(&options, options.dry_run, report);
  if (options.dry_run && !options.assume_reverted.empty()) {
    const std::vector<std::string>& gone = options.assume_reverted;
    history.erase(std::remove_if(history.begin(), history.end(),
                                 [&gone](const AppliedMigration& a) {
                                   return std::find(gone.begin(), gone.end(), a.version) !=
                                          gone.end();
                                 }),
                  history.end());
  }
  report.from_version = current_version(history);
  report.to_version = report.from_version;
  try {
    if (resolving) {
      resolve_failed(compute_status(files, history), options, report);
      if (!options.dry_run) {
        history = m_db.read_history().value_or(std::vector<AppliedMigration>{});
      }
      for (const auto& s : report.steps) {
        report.to_version = newer(report.to_version, normalise_version(s.version));
      }
    }
    std::vector<StatusEntry> status = compute_status(files, history);
    std::vector<const MigrationFile*> plan;
    if (!options.dry_run || !resolving) {
      plan = plan_migrate(status, options.rules);
    }
    if (!plan.empty() && options.check_plan) {
      options.check_plan(plan);
    }
    if (!plan.empty() && !options.dry_run && options.before_apply) {
      report.backup = options.before_apply();
    }
    if (!plan.empty()) {
      start_commits(report);
    }
    m_out.detail(fmt::format("{} migration{} to apply", plan.size(), plan.size() == 1 ? "" : "s"));
    m_step = 0;
    m_steps = plan.size();
    for (const MigrationFile* m : plan) {
      apply(Step{*m, m->up, Direction::up, ""}, 1, options.statement_lock_timeout, report);
      report.to_version = newer(report.to_version, m->version);
    }
  } catch (core::Error& error) {
    std::string failure = finish_commits(report);
    if (!failure.empty()) {
      throw Error(error.code(),
                  std::string(error.what()) +
                      "\n  (and the migrations applied before it could not be "
                      "confirmed on disk: " +
                      failure + ")",
                  error.hint());
    }
    throw;
  }
  if (std::string failure = finish_commits(report); !failure.empty()) {
    throw Error(ExitCode::sql,
                "the migrations were committed, but flushing them to disk failed: " + failure,
                "check the server's log; 'agentpg status' shows what is recorded");
  }
  show_versions(files, report);
  return report;
}

RunReport Runner::rollback(const std::vector<MigrationFile>& files,
                           const RollbackOptions& options) {
  RunReport report;
  report.dry_run = options.dry_run;
  LockRelease release(m_db, m_locked);
  if (!options.dry_run) {
    acquire_lock(options.lock_timeout);
  }
  std::vector<AppliedMigration> history = prepare_history(nullptr, options.dry_run, report);
  report.from_version = current_version(history);
  report.to_version = report.from_version;
  std::vector<StatusEntry> status = compute_status(files, history);
  // The down sections to run: the file's, or the one recorded when it was applied.
  std::vector<MigrationFile> stand_ins; // for migrations whose file is missing
  std::vector<Section> sections;
  std::vector<std::string> notes;
  std::vector<const StatusEntry*> plan;
  std::vector<int> first;
  bool resuming = options.resume || options.resume_from > 0;
  if (resuming) {
    for (const auto& e : status) {
      if (e.state == State::failed && e.applied->failed_down) {
        if (e.applied->status == HistoryStatus::running && options.resume_from == 0) {
          refuse_failed(e);
        }
        plan.push_back(&e);
        first.push_back(options.resume_from > 0 ? options.resume_from
                                                : std::max(1, e.applied->failed_statement));
      }
    }
    if (plan.empty()) {
      throw Error(ExitCode::usage,
                  "no rollback failed or was interrupted: there is nothing to resume",
                  "'agentpg status' shows the state of every migration");
    }
  } else {
    plan = plan_rollback(status, options.rules);
    first.assign(plan.size(), 1);
  }
  for (const StatusEntry* e : plan) {
    report.from_version = newer(report.from_version, e->version);
  }
  stand_ins.reserve(plan.size());
  for (const StatusEntry* e : plan) {
    bool drifted = e->state != State::applied &&
                   !(resuming && e->file != nullptr && e->file->checksum == e->applied->checksum);
    bool use_recorded = e->file == nullptr || (drifted && options.recorded_down);
    std::optional<RecordedMigration> recorded =
        use_recorded ? m_db.read_recorded(e->version) : std::nullopt;
    std::string note;
    Section section;
    if (!use_recorded) {
      section = e->file->down;
      note = drifted ? "the file's down section, which has changed since it was applied" : "";
    } else if (recorded) {
      if (!recorded->down_sql) {
        throw Error(
            ExitCode::validation,
            fmt::format(
                "{}_{} had no down section when it was applied, so it cannot be rolled back "
                "(nothing was rolled back)",
                e->version, e->name));
      }
      section = Section{true, recorded->down_transactional, *recorded->down_sql,
                        fmt::format("{} (recorded down section)",
                                    e->file ? e->file->path : e->version + "_" + e->name),
                        1};
      note = e->file ? "the down section recorded when it was applied; the file has changed since"
                     : "the down section recorded when it was applied; its file is missing";
    } else if (e->file != nullptr) {
      throw Error(
          ExitCode::validation,
          fmt::format(
              "{}: no down section was recorded when it was applied (nothing was rolled back)",
              e->file->path),
          "roll back without --recorded-down to run the file's down section");
    } else {
      throw Error(
          ExitCode::validation,
          fmt::format(
              "cannot roll back {}_{}: its file is missing and its down section was not recorded "
              "(nothing was rolled back)",
              e->version, e->name),
          "restore the file, or roll back fewer migrations");
    }
    if (!section.present) {
      throw Error(
          ExitCode::validation,
          fmt::format(
              "{}: has no down section, so it cannot be rolled back (nothing was rolled back)",
              e->file ? e->file->path : e->version),
          "add a '-- migrate:down' section (it may be empty for a deliberate no-op)");
    }
    if (resuming) {
      std::optional<RecordedMigration> ran = recorded ? recorded : m_db.read_recorded(e->version);
      check_resumable(ran ? ran->down_sql : std::nullopt, section, first[sections.size()],
                      section.path);
    }
    sections.push_back(std::move(section));
    notes.push_back(std::move(note));
    if (e->file == nullptr) {
      MigrationFile m;
      m.version = e->version;
      m.name = e->name;
      m.module = e->module;
      m.path = sections.back().path;
      stand_ins.push_back(std::move(m));
    }
  }
  std::vector<std::string> reverted;
  try {
    size_t stand_in = 0;
    if (!plan.empty()) {
      start_commits(report);
    }
    m_out.detail(
        fmt::format("{} migration{} to roll back", plan.size(), plan.size() == 1 ? "" : "s"));
    m_step = 0;
    m_steps = plan.size();
    for (size_t i = 0; i < plan.size(); ++i) {
      const MigrationFile& m = plan[i]->file ? *plan[i]->file : stand_ins[stand_in++];
      apply(Step{m, sections[i], Direction::down, notes[i]}, first[i],
            options.statement_lock_timeout, report);
      reverted.push_back(plan[i]->version);
    }
  } catch (core::Error& error) {
    std::string failure = finish_commits(report);
    if (!failure.empty()) {
      throw Error(
          error.code(),
          std::string(error.what()) +
              "\n  (and the rollbacks before it could not be confirmed on disk: " + failure + ")",
          error.hint());
    }
    throw;
  }
  if (std::string failure = finish_commits(report); !failure.empty()) {
    throw Error(ExitCode::sql,
                "the rollback was committed, but flushing it to disk failed: " + failure,
                "check the server's log; 'agentpg status' shows what is recorded");
  }
  std::string newest;
  for (const auto& a : history) {
    if (a.status == HistoryStatus::applied &&
        std::find(reverted.begin(), reverted.end(), a.version) == reverted.end()) {
      newest = newer(newest, a.version);
    }
  }
  report.to_version = newest;
  show_versions(files, report);
  return report;
}

} // namespace agentpg::migrate
