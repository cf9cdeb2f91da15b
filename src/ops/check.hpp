#pragma once
// `agentpg check`: can we reach the database, and what state is it in.
#include "core/error.hpp"
#include "ops/context.hpp"

namespace agentpg::ops {

struct CheckOptions {
  int wait_seconds = 0;     // keep trying this long for the database to accept logins
  bool report = false;      // add the health report
  std::string fail_on;      // with --report: "warning" or "critical" findings exit 1
  std::string html;         // also write the report as an HTML page to this file ("-": stdout);
                            // implies `report`
  bool schema_file = false; // compare the database with the schema file (exit 5 when it differs)
};

// Prints the report (text or JSON) and returns the exit code: 0 healthy, 3 when the
// database cannot be reached (after --wait), and what later checks decide. With `html`, the
// page is written (atomically) before the exit code is decided: findings at --fail-on
// still exit 1, with the page there to read.
core::ExitCode run_check(ops::Context& ctx, const CheckOptions& options);

// `agentpg wait [SECONDS]` (dbmate's `wait`): waits until the database accepts logins,
// then exits 0 without checking anything else; 3 when it still does not after `seconds`.
core::ExitCode run_wait(ops::Context& ctx, int seconds);

} // namespace agentpg::ops
