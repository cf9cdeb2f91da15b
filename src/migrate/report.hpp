#pragma once
// How migrate, rollback and status present their results, as text and as JSON.
#include <map>
#include <string>
#include <vector>

#include "core/output.hpp"
#include "migrate/plan.hpp"
#include "migrate/runner.hpp"

namespace agentpg::migrate {

struct StatusCounts {
  int applied = 0;
  int pending = 0;
  int changed = 0;
  int missing = 0;
  int failed = 0;
};

StatusCounts count_states(const std::vector<StatusEntry>& status);

// `verb` is "migrate" or "rollback".
void print_run_report(const core::Output& out, const RunReport& report, const char* verb,
                      double total_ms);
// What status names in its header, URLs masked.
struct StatusTarget {
  std::string url;           // the database it read
  std::string direct_url;    // where migrations go when direct_url is set, else ""
  std::string direct_origin; // where direct_url was set ("DATABASE_DIRECT_URL", ...)
};

// `diffs`: by version, how a changed migration's sections differ from what was applied.
StatusCounts print_status(const core::Output& out, const StatusTarget& target,
                          const std::string& current, const std::vector<StatusEntry>& status,
                          const std::map<std::string, std::string>& diffs = {});

} // namespace agentpg::migrate
