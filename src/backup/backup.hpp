#pragma once
// Backups with pg_dump, checked with pg_restore: a backup is never half-written under
// its final name, always has a manifest with its checksum, and is verified before
// anything is restored from it.
#include <functional>
#include <string>
#include <vector>

#include "backup/manifest.hpp"
#include "core/output.hpp"
#include "pg/conn_params.hpp"

namespace agentpg::backup {

struct DumpOptions {
  std::string format = "custom"; // custom, directory, plain
  int jobs = 1;
  int compress = -1; // -1: pg_dump's default
  bool schema_only = false;
  std::string dir;              // the backup folder, made when missing (0700)
  std::string latest_migration; // recorded in the manifest
  int connect_timeout = 10;
};

// Takes a backup of the database `params` names and returns its manifest, with the
// backup's path in `path`. The dump is written as `<path>.partial`; its manifest is put in
// place first and the dump renamed last, so a dump under its final name always has its
// manifest. Throws core::Error when pg_dump fails or the manifest cannot be written, and
// (exit 130/143) on SIGINT/SIGTERM, which end pg_dump: nothing is kept then.
Manifest take_backup(const pg::ConnParams& params, const DumpOptions& options,
                     const core::Output& out, std::string& path);

// Throws core::Error (exit 5) when the backup does not match its manifest or cannot be read.
Manifest verify_backup(const std::string& path, int server_major, const core::Output& out);
// The server release a backup was taken from (15 when its manifest does not say).
int server_major_of(const std::string& path);

// The complete backups in `dir`, by name: a dump and its manifest `<dump>.manifest.json`,
// which names that dump.
std::vector<Manifest> list_backups(const std::string& dir);

// What a backup folder holds besides complete backups: an unfinished `.partial` (or a
// manifest's temporary file), a dump without its manifest, a manifest without its dump.
struct Leftover {
  std::string file;   // its name in the folder
  std::string kind;   // "partial", "dump without manifest", "manifest without dump"
  std::string advice; // what to do about it
};
std::vector<Leftover> find_leftovers(const std::string& dir);

// Deletes the oldest complete backups of `database` in `dir` beyond `keep`, each dump with
// its manifest; never a leftover, nor anything else in the folder. Returns the dumps deleted.
std::vector<std::string> prune(const std::string& dir, const std::string& database, int keep);

// Loads the backup at `path` (verified, described by `m`) into the existing database
// `target` names, with the pg_restore (psql for a plain one) of the server's release
// `major`. Throws core::Error (exit 4) with the tool's words when it fails. When `stop`
// turns true (a signal came), the tool is ended and restore_into returns: the caller
// must look at what `stop` says before using the database.
void restore_into(const pg::ConnParams& target, const Manifest& m, const std::string& path,
                  int jobs, int major, const core::Output& out,
                  const std::function<bool()>& stop = {});

} // namespace agentpg::backup
