#pragma once
// The migration commands as the CLI runs them: load files, connect, run, report.
#include <optional>
#include <string>

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
  bool exit_code = false; // exit 1 when anything is pending
  bool diff = false;      // show how changed migrations differ from what was applied
};

struct NewCommand {
  std::string name;
  std::string module;
};

// What every run that applies migrations takes from the Config (migrate's and init's),
// refusing a database another tool migrated (on `conn`).
migrate::MigrateOptions migrate_options(const Context& ctx, pg::Connection& conn);

core::ExitCode run_migrate(ops::Context& ctx, const MigrateCommand& command);
core::ExitCode run_rollback(ops::Context& ctx, const RollbackCommand& command);
core::ExitCode run_status(ops::Context& ctx, const StatusCommand& command);
core::ExitCode run_new(ops::Context& ctx, const NewCommand& command);

} // namespace agentpg::ops
