#pragma once
// The database's own life: init (create, migrate, seed), create-db and drop-db.
#include "core/error.hpp"
#include "ops/context.hpp"

namespace agentpg::ops {

struct CreateDbCommand {
  bool force = false; // drop it first (guarded)
};

struct DropDbCommand {
  bool force = false; // terminate other sessions
};

struct InitCommand {
  bool migrate = false; // migrate although auto_migrate is off (production's default)
};

// Idempotent: safe on every container start, and from several processes at once.
core::ExitCode run_init(ops::Context& ctx, const InitCommand& command = {});
core::ExitCode run_create_db(ops::Context& ctx, const CreateDbCommand& command);
core::ExitCode run_drop_db(ops::Context& ctx, const DropDbCommand& command);

} // namespace agentpg::ops
