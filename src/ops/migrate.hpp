#pragma once
// The migration commands as the CLI runs them: load files, connect, run, report.
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "migrate/runner.hpp"
#include "ops/context.hpp"

namespace agentpg::pg {
class Connection;
}

namespace agentpg::ops {

struct MigrateCommand {
  std::string to; // "" = latest
  bool dry_run = false;
  bool resume = false;
  int resume_from = 0;
  bool forget_failed = false;
  bool backup_first = false; // take a backup before applying anything
};

struct RollbackCommand {
  int steps = 1;
  std::string to; // "" = use steps; "base" = everything
  bool dry_run = false;
  bool resume = false;
  int resume_from = 0;
  bool recorded_down = false;
};

struct StatusCommand {
  bool exit_code = false; // exit 5 on failed or drifted migrations, else 1 when any is pending
  bool diff = false;      // show how changed migrations differ from what was applied
};

struct RedoCommand {
  int steps = 1;
  bool dry_run = false;
};

struct AcceptCommand {
  std::vector<std::string> versions;
  bool dry_run = false;
};

struct DiffCommand {
  std::string version;
};

struct NewCommand {
  std::string name;
  std::string module;
};

// What every run that applies migrations takes from the Config (migrate's and init's),
// refusing a database another tool migrated (on `conn`).
migrate::MigrateOptions migrate_options(const Context& ctx, pg::Connection& conn);

// The substitution of variables into the migrations that run, from the Config's vars,
// vars_enabled and vars_secret; `masked` (--dry-run) shows secret values as ****.
migrate::Runner::Substitute substitute_variables(const Context& ctx, bool masked);

core::ExitCode run_migrate(ops::Context& ctx, const MigrateCommand& command);
core::ExitCode run_rollback(ops::Context& ctx, const RollbackCommand& command);
core::ExitCode run_status(ops::Context& ctx, const StatusCommand& command);
// Reverts the newest `steps` applied migrations and applies them again (guarded like
// rollback); a changed file is reverted with the down section recorded when it was applied.
core::ExitCode run_redo(ops::Context& ctx, const RedoCommand& command);
// Records the files of the given versions as applied as they are now (guarded).
core::ExitCode run_accept(ops::Context& ctx, const AcceptCommand& command);
// How one applied migration's file differs from the text recorded when it was applied.
core::ExitCode run_diff(ops::Context& ctx, const DiffCommand& command);
core::ExitCode run_new(ops::Context& ctx, const NewCommand& command);

} // namespace agentpg::ops
