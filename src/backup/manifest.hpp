#pragma once
// The manifest agentpg writes beside each backup: what it holds and how to check it.
#include <optional>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "pg/row_counts.hpp"

namespace agentpg::backup {

struct Manifest {
  std::string file; // the backup's own name (in the manifest's folder)
  std::string database;
  std::string server_version;
  std::string agentpg_version;
  std::string latest_migration; // "" when none
  std::string format;           // custom, directory, plain
  bool schema_only = false;
  unsigned long long size_bytes = 0;
  std::string sha256;
  std::string started_at; // UTC, ISO 8601
  std::string finished_at;
  double duration_ms = 0;
  std::vector<std::string> pg_dump_command; // never holds a password
  // Each table's rows in the dump, counted in the snapshot pg_dump dumped; nullopt when not
  // recorded (a schema-only backup, a server that could not share its snapshot, an older
  // agentpg).
  std::optional<std::vector<pg::TableRows>> row_counts;
};

core::Json manifest_json(const Manifest& m);
std::string manifest_path(const std::string& backup_path);
// Reads a manifest; nullopt when the file is missing or was not written by agentpg.
std::optional<Manifest> read_manifest(const std::string& path);
bool write_manifest(const std::string& path, const Manifest& m);

} // namespace agentpg::backup
