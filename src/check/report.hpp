#pragma once
// `check --report`: the health of a running database, with findings an operator should
// act on, each with a severity.
#include <string>
#include <vector>

#include "ops/context.hpp"
#include "core/json.hpp"

namespace agentpg::pg {
class Connection;
}

namespace agentpg::check {

enum class Severity { info, warning, critical };
const char* severity_name(Severity severity);

struct Finding {
  Severity severity = Severity::info;
  std::string subject;  // what it is about (an index, a table, a session)
  std::string message;
};

struct HealthReport {
  core::Json json;            // every section, for --json
  std::string text;           // the same as aligned tables
  std::vector<Finding> findings;
};

// Reads the report; `schema_findings` are the migration state's (pending, drift).
HealthReport build_report(const ops::Context& ctx, pg::Connection& conn, std::vector<Finding> schema_findings);

// Whether any finding is at least as severe as `level` ("warning" or "critical").
bool fails_on(const std::vector<Finding>& findings, const std::string& level);

} // namespace agentpg::check
