#pragma once
// Applying and reverting migrations through a Database, under the migration lock.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/output.hpp"
#include "migrate/history.hpp"
#include "migrate/plan.hpp"

namespace agentpg::migrate {

struct MigrateOptions {
  MigrateRules rules;
  bool dry_run = false;
  bool resume = false; // run a failed migration again from its failed statement
  int resume_from = 0; // run a failed or interrupted migration again from this statement (1-based)
  bool forget_failed =
      false; // forget a failure first: a failed up is not applied, a failed down is applied
  int lock_timeout = 60;          // seconds to wait for the migration lock
  int statement_lock_timeout = 0; // SET lock_timeout for each migration (0: off)
  // Called under the lock once there is something to apply, before anything is applied
  // (migrate --backup-first); returns what to report (the backup's path).
  std::function<std::string()> before_apply;
  // Called with the migrations to apply once they are known, before anything is applied
  // (also with --dry-run): migrate's lint of pending files, which may throw to stop.
  std::function<void(const std::vector<const MigrationFile*>&)> check_plan;
  // Called when the database has no agentpg history yet, before it is created (migrate
  // refuses a database that another tool migrated).
  std::function<void()> when_history_missing;
  // With dry_run: versions to plan as if they were not applied (redo's dry run, whose
  // rollback changed nothing).
  std::vector<std::string> assume_reverted;
};

struct RollbackOptions {
  RollbackRules rules;
  bool dry_run = false;
  bool resume = false;        // run a failed down section again from its failed statement, and stop
  int resume_from = 0;        // the same for a failed or interrupted one, from this statement
  bool recorded_down = false; // a changed file: run the down section recorded when it was applied
  int lock_timeout = 60;
  int statement_lock_timeout = 0;
};

struct AcceptOptions {
  std::vector<std::string> versions; // as given on the command line
  bool dry_run = false;
  int lock_timeout = 60;
};

struct StepReport {
  std::string version;
  std::string name;
  std::string module;
  std::string path;
  double ms = 0;
  std::string note; // which down section ran, when it was not the file's
};

struct RunReport {
  std::vector<StepReport> steps;
  std::string from_version; // newest applied before ("" = none)
  std::string to_version;   // newest applied after
  std::string sql;          // --dry-run: the SQL that would run
  std::string backup;       // --backup-first: the backup taken before applying
  std::string schema_file;  // the schema file written afterwards ("" = none)
  std::vector<std::string>
      empty_down; // rollback: reverted ones whose down has no SQL (version_name)
  bool dry_run = false;
};

class Runner {
public:
  // The SQL to run for a section of a migration (its file's, or a recorded one): variables
  // substituted (migrate/variables.hpp). Called only for sections that run.
  using Substitute = std::function<std::string(const MigrationFile&, const Section&)>;

  Runner(Database& db, const core::Output& out) : m_db(db), m_out(out) {}
  Runner(Database& db, const core::Output& out, Substitute substitute)
      : m_db(db), m_out(out), m_substitute(std::move(substitute)) {}

  // Throws core::Error: 4 when SQL fails (the message says what took effect), 5 when the
  // plan is refused, 6 when the lock wait times out.
  RunReport migrate(const std::vector<MigrationFile>& files, const MigrateOptions& options);
  RunReport rollback(const std::vector<MigrationFile>& files, const RollbackOptions& options);
  // `accept` (migrate/accept.hpp): one transaction under the lock; each step's note says
  // what was done ("recorded", "forgotten", "unchanged").
  RunReport accept(const std::vector<MigrationFile>& files, const AcceptOptions& options);

private:
  struct Step;
  void acquire_lock(int timeout_seconds);
  std::vector<AppliedMigration> prepare_history(const MigrateOptions* options, bool dry_run,
                                                RunReport& report);
  bool nothing_to_migrate(const std::vector<MigrationFile>& files, const MigrateOptions& options,
                          RunReport& report);
  void resolve_failed(const std::vector<StatusEntry>& status, const MigrateOptions& options,
                      RunReport& report);
  // Runs a section of m (its up, or a down: the file's or the recorded one).
  void apply(const Step& step, int first_statement, int statement_lock_timeout, RunReport& report);
  void run_transactional(const Step& step, int statement_lock_timeout, RunReport& report);
  void run_statements(const Step& step, int first_statement, int statement_lock_timeout,
                      RunReport& report);
  // A history write outside any transaction of the migration's own, checked.
  void write_history(const Step& step, const pg::Query& query, int statement, RunReport& report);
  std::optional<pg::ServerError> send(const pg::Query& query, RunReport& report);
  // Commits are asynchronous while a run applies migrations; before anything is reported
  // as done, one synchronous commit makes them durable, then the steps are printed.
  void start_commits(RunReport& report);
  std::string finish_commits(RunReport& report);

  Database& m_db;
  const core::Output& m_out;
  Substitute m_substitute;
  bool m_locked = false;
  bool m_relaxed = false;
  std::vector<std::string> m_done; // lines to print once the commits are durable
  size_t m_step = 0;               // the step being run, for the progress line's n/N
  size_t m_steps = 0;              // how many the run has (0: not known)
};

// "path:line:col" of a server error in a section, from the statement's offset and the
// server's 1-based character position (the statement's first word when there is none).
std::string locate_error(const Section& section, size_t statement_offset, size_t statement_length,
                         int position);

} // namespace agentpg::migrate
