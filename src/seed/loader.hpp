#pragma once
// Loading seed files: all of an environment's files in ONE transaction; YAML rows
// upserted on their key, CSV through COPY, SQL statement by statement; counts of
// inserted / updated / unchanged rows per table; history in agentpg.seed_history.
#include <functional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/json.hpp"
#include "core/output.hpp"
#include "seed/files.hpp"

namespace agentpg::pg {
class Connection;
}

namespace agentpg::seed {

struct TableCounts {
  std::string table;
  long long inserted = 0;
  long long updated = 0;
  long long unchanged = 0;
};

struct SeedReport {
  std::string environment;
  std::vector<TableCounts> tables;
  std::vector<std::string> files;
  std::vector<std::string> skipped; // "file: why"
  long long statements = 0;         // of SQL files
  bool reset = false;
  std::vector<std::string> also_emptied;     // not seeded, but referring to seeded tables
  std::vector<std::string> guards_set_aside; // "table: trigger", TRUNCATE guards passed by --reset
  bool dry_run = false;
  // A dry run puts back the sequences it moved (nextval() is not rolled back).
  long long sequences_restored = 0;
  std::vector<std::string> sequences_not_restored; // "name: why, where it stands"
  double ms = 0;
};

struct SeedOptions {
  std::string environment;
  bool reset = false;
  bool dry_run = false; // everything runs, then is rolled back
  // The project's modules (the migrations folder's module folders). A seed for a missing
  // schema of one of them is skipped (the module is not installed); for any other missing
  // schema it is an error.
  std::vector<std::string> modules;
  // --reset: called with the tables about to be emptied (the seeded ones, then those that
  // refer to them), inside the seed's transaction and before they are emptied; a throw
  // stops the run with nothing changed (the confirmation). `guarded` names the tables whose
  // TRUNCATE triggers (append-only guards) the reset sets aside: "table: trigger, ...".
  std::function<void(const std::vector<std::string>& seeded,
                     const std::vector<std::string>& referring,
                     const std::vector<std::string>& guarded)>
      before_reset;
};

// Throws core::Error (exit 4 or 5) naming file and line; nothing is left written then.
SeedReport load_seeds(pg::Connection& conn, const std::vector<SeedFile>& files,
                      const SeedOptions& options, const core::Output& out);

// The counts per table, the files loaded and skipped, as text or JSON (seed/report.cpp).
void print_seed_report(const core::Output& out, const SeedReport& report);
// The same report as a JSON object (seed's --json output without its "command"), for
// commands that seed as one of their steps (bundled install --seed).
core::Json seed_report_json(const SeedReport& report);

} // namespace agentpg::seed
