#pragma once
// Seed files of one environment: seeds/<environment>/*.sql, *.yaml|*.yml and
// [NN_]<schema>.<table>.csv, applied in file-name order. Parsing is pure.
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace agentpg::seed {

struct SeedValue {
  enum class Kind { null, scalar, structured, reference };
  Kind kind = Kind::null;
  std::string text; // scalar text, or the JSON of a map or list
  bool is_list = false;
  std::vector<std::string> items; // a list's scalar items (for array columns)
  std::string ref_table;          // reference: {$ref: schema.table, column: value, ...}
  std::string ref_column;         // which column to take ($column), "" = the primary key
  std::vector<std::pair<std::string, std::string>> ref_key;
};

struct SeedRow {
  int line = 0;
  std::vector<std::pair<std::string, SeedValue>> values;
};

enum class SeedKind { sql, yaml, csv };

struct SeedFile {
  std::string path;
  std::string name; // file name, for the history
  SeedKind kind = SeedKind::sql;
  std::string checksum;
  std::string table;                         // yaml and csv: schema.table
  std::vector<std::string> key;              // yaml: the conflict columns
  std::vector<SeedRow> rows;                 // yaml, read from text (parse_yaml_seed)
  bool streamed = false;                     // yaml: rows are read from the file as loaded
  std::string sql;                           // sql
  std::vector<std::string> requires_schemas; // sql: "-- requires: caracal, chad"
  std::vector<std::string> fills;            // sql: "-- fills: caracal.ledger_events" (for --reset)
};

// Pure: a YAML seed file (table, key, rows). Throws core::Error (exit 5) naming file,
// line and column of malformed input.
SeedFile parse_yaml_seed(const std::string& path, std::string_view text);

// The seed files of `dir` (one environment). Of a YAML file, only its checksum (it must be
// UTF-8), table and key are read here, up to where its rows start when `table:` and `key:`
// come first (else to its end); its rows are read once, as they are loaded
// (stream_yaml_rows), so a file of any size takes the memory of one row, and an error in a
// row stops the loading (exit 5, file:line:column, nothing written). Throws core::Error:
// exit 2 when the folder does not exist, 5 for a malformed file.
std::vector<SeedFile> load_seed_files(const std::string& dir);

// The rows of a YAML seed, read from its file (`streamed`) and handed to `on_row` in order.
// Throws core::Error (exit 5) naming file:line:column of a malformed row or YAML, or when
// the file is no longer what load_seed_files read (its checksum changed).
void stream_yaml_rows(const SeedFile& file, const std::function<void(SeedRow&&)>& on_row);

} // namespace agentpg::seed
