#pragma once
// The schema file (schema.sql): written after migrate and rollback and by `agentpg dump`,
// loaded into an empty database by `agentpg load`, compared with the database by
// `agentpg check --schema`. Its format: migrate/schema_file.hpp.
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/json.hpp"
#include "ops/context.hpp"
#include "pg/conn_params.hpp"

namespace agentpg::ops {

struct DumpCommand {
  std::string to; // "" = the schema_file setting; "-" = stdout
};

struct LoadCommand {
  std::string file; // "" = the schema_file setting
};

core::ExitCode run_dump(Context& ctx, const DumpCommand& command);
core::ExitCode run_load(Context& ctx, const LoadCommand& command);

// The schema file's text for the database `params` names: its normalised schema dump and
// its applied migrations.
std::string schema_file_text(const Context& ctx, const pg::ConnParams& params);

// After migrate or rollback: rewrites the schema file (atomically) when the setting says so;
// returns its path, or "" when it was not written. A failure is a warning, not an error: the
// migrations are applied either way.
std::string update_schema_file(const Context& ctx);

// check --schema: the database against the schema file.
struct SchemaFileCheck {
  std::string path;
  bool matches = false;
  std::string diff;                 // unified diff, file -> database
  std::vector<std::string> objects; // "TABLE shop.items: differs", "migration V: only in ..."
  core::Json json() const;
};
SchemaFileCheck compare_schema_file(const Context& ctx, const pg::ConnParams& params);

} // namespace agentpg::ops
