#pragma once
// The schema file (schema.sql, like dbmate's db/schema.sql): the database's normalised
// schema dump (pg/schema_dump.hpp), then the migrations applied to it as comment lines
// that `agentpg load` reads. psql can run the file as it is; the history table itself is
// not in it: `load` creates agentpg's history table as this release makes it, and records
// the listed migrations there. Pure: composing and reading, no server.
#include <string>
#include <string_view>
#include <vector>

#include "migrate/history.hpp"

namespace agentpg::migrate {

struct SchemaEntry {
  std::string version;
  std::string module;
  std::string name;
  std::string checksum;
};

struct SchemaFile {
  std::string sql;                  // everything above the applied migrations
  std::vector<SchemaEntry> applied; // in version order
};

// The applied migrations of `history` (failed and running ones left out), in version order.
std::vector<SchemaEntry> applied_entries(const std::vector<AppliedMigration>& history);

// The file's text: a fixed header, `dump`, then one line per applied migration.
std::string compose_schema_file(std::string_view dump, const std::vector<SchemaEntry>& applied);

// Reads a schema file written by compose_schema_file(); throws core::Error (exit 5) naming
// `path` and the line for a malformed migration line, and for a file without the line that
// starts the list (not written by agentpg).
SchemaFile parse_schema_file(std::string_view text, const std::string& path);

// What `m`'s down section says it leaves in place on purpose, for verify: each line
// "-- verify: keeps TYPE NAME" ("-- verify: keeps EXTENSION vector", "-- verify: keeps TABLE
// public.audit"), the object as verify names it.
std::vector<std::string> kept_by_down(const MigrationFile& m);

} // namespace agentpg::migrate
