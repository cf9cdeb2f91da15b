#pragma once
// Migration files: finding them (native dbmate-style files, golang-migrate pairs, diesel
// folders; flat or in module folders) and parsing them. Parsing is pure: text in,
// MigrationFile or a core::Error (exit 5) naming file and line out.
#include <string>
#include <string_view>
#include <vector>

namespace agentpg::migrate {

enum class Layout { native, golang_migrate, diesel };

struct Section {
  bool present = false;
  bool transactional = true;
  std::string sql;
  std::string path;              // the file this section is in
  int first_line = 1;            // line of `path` where `sql` begins
  bool own_transactions = false; // the SQL begins and commits transactions itself (BEGIN/COMMIT)
  // The text as written in the file, when variables were substituted into `sql` (else
  // ""): what the checksum covers and the history keeps.
  std::string written{};
};

// The section's text as the file has it (before variables were substituted).
inline const std::string& written_sql(const Section& section) {
  return section.written.empty() ? section.sql : section.written;
}

// Whether a file uses variables (migrate/variables.hpp): `-- agentpg: vars` in its header
// (above `-- migrate:up`, or at the top of a golang-migrate or diesel up file) turns on
// :'name' and :"name"; `-- agentpg: vars raw` also :name, spliced in as it is.
enum class VarsDirective { none, quoted, raw };

struct MigrationFile {
  std::string version; // the leading digits without leading zeros ("0" for zero): the identity
  std::string written_version; // the leading digits as written (diesel: without the dashes)
  std::string name;
  std::string module; // "" for files directly in the migrations folder
  std::string path;   // the file (native, golang-migrate up) or the folder (diesel)
  Layout layout = Layout::native;
  Section up;
  Section down;
  std::string checksum;         // SHA-256 of the content, with CRLF and a UTF-8 BOM normalised away
  std::string alembic_revision; // from a "-- alembic: <revision>" line above the up marker
  VarsDirective vars = VarsDirective::none;
  std::string header; // the comment lines above the up marker (native files), as written
};

// Versions of fewer than this many digits (leading zeros not counted) are sequence numbers;
// versions of this many or more are timestamps (YYYYMMDDhhmmss, then any finer digits).
constexpr size_t k_timestamp_digits = 14;
// The order of two normalised versions: sequence numbers compared as numbers come first,
// then timestamps compared digit by digit as text (so 20260120162913 < 202601201629140000
// and 202511190914440000 < 20260120162913, as diesel and dbmate order them). A strict
// total order on normalised versions.
bool version_less(const std::string& a, const std::string& b);
// Pointers to `files` in version order (stable: equal versions keep their order).
std::vector<const MigrationFile*> in_version_order(const std::vector<MigrationFile>& files);
// "000123" -> "123"; "" when `text` does not start with a digit.
std::string normalise_version(std::string_view text);
// The version as the user wrote it.
inline const std::string& shown_version(const MigrationFile& m) {
  return m.written_version.empty() ? m.version : m.written_version;
}
// The version as the user wrote it: the written_version of the file with that version,
// else `version` itself (a history row whose file is gone).
std::string shown_version(const std::vector<MigrationFile>& files, const std::string& version);

// Whether a section holds a statement; a section of only blanks and comments undoes (or
// does) nothing, and `status` and `rollback` say so.
bool has_sql(const Section& section);

// Parses a native file's text: `-- migrate:up [transaction:false]` ... `-- migrate:down ...`.
MigrationFile parse_native(const std::string& path, std::string_view text);
// A section held in a file of its own (golang-migrate .up.sql/.down.sql, diesel up.sql/down.sql).
Section parse_plain_section(const std::string& path, std::string_view text);
// The checksum of migration content (pure; the CRLF/BOM normalisation lives here).
std::string content_checksum(std::string_view text);

// Checks a set of migrations for duplicate versions; throws (exit 5) naming both files.
void check_unique_versions(const std::vector<MigrationFile>& migrations);

// Finds and parses every migration under `dir`, sorted by version. `modules` empty: all
// module folders; else only those named (files directly in `dir` are always included).
// Throws core::Error: exit 5 for malformed files, exit 2 when `dir` does not exist or a
// named module is missing.
std::vector<MigrationFile> load_migrations(const std::string& dir,
                                           const std::vector<std::string>& modules);

// The module folders of the migrations folder `dir`: its sub-folders that are not diesel
// migrations nor hidden, in name order; none when `dir` does not exist.
std::vector<std::string> module_folders(const std::string& dir);

} // namespace agentpg::migrate
