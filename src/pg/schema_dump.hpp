#pragma once
// The schema of a database as text that is the same, byte for byte, for the same schema on
// every run and machine: pg_dump --schema-only (the pg_dump of the server's major version)
// without owners, privileges and agentpg's own schema, its varying preamble (version
// banners, the \restrict key, SET lines) replaced by a fixed one. The schema file, check
// --schema and verify compare these texts.
#include <string>
#include <string_view>
#include <vector>

#include "pg/conn_params.hpp"

namespace agentpg::pg {

// pg_dump's output made deterministic (see above); pure. The result starts with the fixed
// preamble (the SET lines a schema dump needs to load) and ends with one newline.
std::string normalise_schema_dump(std::string_view dump);

// Runs pg_dump on the database `params` names and returns normalise_schema_dump() of it.
// Throws core::Error: 2 when no fitting pg_dump is installed, 4 when pg_dump fails.
std::string dump_schema(const ConnParams& params, int connect_timeout);

class Connection;

// What the database holds besides the system's and agentpg's own schema ("TABLE
// shop.items", "EXTENSION vector"), at most `limit` of them: empty for a new database.
// A catalog query, so much cheaper than a dump.
std::vector<std::string> user_objects(Connection& conn, size_t limit);

// One object of a normalised dump: the block under a "-- Name: N; Type: T; Schema: S;"
// header, up to the next header.
struct DumpObject {
  std::string type;   // "TABLE", "INDEX", "FUNCTION", "FK CONSTRAINT", ...
  std::string schema; // "-" for objects without one (extensions, schemas)
  std::string name;   // as pg_dump names it ("items", "items_pkey", "f(integer)", "items id")
  std::string text;   // the block's SQL, header comment included
  std::string label() const; // "INDEX shop.items_name_idx"
};
std::vector<DumpObject> dump_objects(std::string_view normalised);

// `normalised` without the objects whose label() is one of `labels`, nor their comments
// (label "EXTENSION vector" drops "COMMENT EXTENSION vector" too).
std::string without_objects(std::string_view normalised, const std::vector<std::string>& labels);

// The objects that differ between two normalised dumps, one line each, as
// "<label>: <what>" where <what> is "only in <after_label>", "only in <before_label>" or
// "differs"; in the order of the dumps.
std::vector<std::string> object_differences(std::string_view before, std::string_view after,
                                            const std::string& before_label,
                                            const std::string& after_label);

} // namespace agentpg::pg
