#pragma once
// `agentpg backup` (and verify, list), `agentpg restore`, and the backup before a migration.
#include <string>

#include "backup/manifest.hpp"
#include "core/error.hpp"
#include "ops/context.hpp"

namespace agentpg::ops {

struct BackupCommand {
  std::string format = "custom"; // custom, directory, plain
  int jobs = 1;
  int compress = -1;  // -1: pg_dump's default
  std::string output; // "" = the backup_dir setting
  int keep = 0;       // 0 = keep all
  bool schema_only = false;
  bool verify = false;
};

struct VerifyCommand {
  std::string file;
  bool restore = false; // also restore it into a scratch database and compare row counts
};

struct RestoreCommand {
  std::string file;
  std::string target_db; // "" = the configured database
  int jobs = 1;
  bool clean = false;
};

core::ExitCode run_backup(Context& ctx, const BackupCommand& command);
core::ExitCode run_verify(Context& ctx, const VerifyCommand& command);
// named: the folder was given on the command line, so a missing one is an error.
core::ExitCode run_list(Context& ctx, const std::string& dir, bool named = false);
core::ExitCode run_restore(Context& ctx, const RestoreCommand& command);

// A backup of the target in the default format and folder (migrate --backup-first);
// returns its path.
std::string backup_before_migrating(Context& ctx);

} // namespace agentpg::ops
