#pragma once
// `agentpg verify [--pending]`: proves that migrations are reversible. On a scratch database
// beside the configured one (always dropped, also on SIGINT/SIGTERM), each migration in turn:
// dump, up, dump (A), down, dump (must equal the dump before the up), up again, dump (must
// equal A). The dumps are the schema file's (pg/schema_dump.hpp).
#include "core/error.hpp"
#include "ops/context.hpp"

namespace agentpg::ops {

struct VerifyMigrationsCommand {
  // Check only the migrations from the first one not applied in the configured database;
  // those before it are applied without checking.
  bool pending = false;
};

// 0 when every checked migration is exact, 1 when one is not (each reported with a unified
// diff and the objects that differ); a migration whose up fails stops it with that error.
core::ExitCode run_verify_migrations(Context& ctx, const VerifyMigrationsCommand& command);

} // namespace agentpg::ops
