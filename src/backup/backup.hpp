#pragma once
// `agentpg backup` (and verify, list) and `agentpg restore`: pg_dump/pg_restore driven so
// that a backup is never half-written under its final name, always has a manifest with
// its checksum, and is verified before anything is restored from it.
#include <string>

#include "backup/manifest.hpp"
#include "pg/conn_params.hpp"
#include "ops/context.hpp"
#include "core/error.hpp"

namespace agentpg::backup {

struct BackupCommand {
  std::string format = "custom";  // custom, directory, plain
  int jobs = 1;
  int compress = -1;  // -1: pg_dump's default
  std::string output;  // "" = the backup_dir setting
  int keep = 0;        // 0 = keep all
  bool schema_only = false;
  bool verify = false;
};

struct RestoreCommand {
  std::string file;
  std::string target_db;  // "" = the configured database
  int jobs = 1;
  bool clean = false;
};

core::ExitCode run_backup(ops::Context& ctx, const BackupCommand& command);
core::ExitCode run_verify(ops::Context& ctx, const std::string& file);
core::ExitCode run_list(ops::Context& ctx, const std::string& dir);
core::ExitCode run_restore(ops::Context& ctx, const RestoreCommand& command);

// Takes a backup of the database `params` names and returns its manifest (with the path
// in `file`, relative to the backup folder). Used by `migrate --backup-first` too.
Manifest take_backup(const ops::Context& ctx, const pg::ConnParams& params, const BackupCommand& command,
                     std::string& path);

// Throws core::Error (exit 5) when the backup does not match its manifest or cannot be read.
Manifest verify_backup(const ops::Context& ctx, const std::string& path, int server_major);

} // namespace agentpg::backup
