#pragma once
// `check --report`: the health of a running database, with findings an operator should
// act on, each with a severity.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/json.hpp"
#include "pg/health.hpp"

namespace agentpg::check {

enum class Severity { info, warning, critical };
const char* severity_name(Severity severity);

struct Finding {
  Severity severity = Severity::info;
  std::string subject; // what it is about (an index, a table, a session)
  std::string message;
  std::string fix; // what to do about it, "" when there is no one answer (shown in --html)
};

// What the report reads from the database, as read: nothing judged yet.
struct HealthFacts {
  std::vector<pg::Activity> longest_running;
  std::vector<pg::Blocking> blocked_sessions;
  std::vector<std::pair<std::string, long long>> connections; // by state
  long long database_size = 0;
  std::vector<pg::TableSize> largest_tables;
  std::vector<pg::IndexUsage> indexes;
  std::vector<pg::DuplicateIndex> duplicate_indexes;
  std::vector<pg::UnindexedForeignKey> unindexed_foreign_keys;
  std::vector<pg::DeadTuples> dead_tuples;
  std::optional<std::vector<pg::Statement>> top_statements; // nullopt: no pg_stat_statements
  std::vector<pg::Replica> replicas;
  std::vector<pg::Extension> extensions;
};

struct HealthReport {
  core::Json json;  // every section, for --json
  std::string text; // the same as aligned tables
  std::vector<Finding> findings;
  HealthFacts facts; // what it was made of (the --html page draws it)
};

// Fetches, judges and renders; `schema_findings` are the migration state's (pending,
// drift) and come first.
// `blocking_seconds`: how long a session may block another before that is critical.
// `width`: the text's tables are fitted to it (core::format_table; 0: full lines).
HealthReport build_report(pg::Connection& conn, int blocking_seconds,
                          std::vector<Finding> schema_findings, size_t width = 0);

// The report's three steps.
HealthFacts read_health(pg::Connection& conn);
// What an operator should act on: indexes that hold data and were never scanned, duplicate
// indexes, tables bloating with dead rows, and (critical) sessions blocking another for
// `blocking_seconds` or longer.
std::vector<Finding> judge_health(const HealthFacts& facts, int blocking_seconds);
HealthReport render_report(const HealthFacts& facts, std::vector<Finding> findings,
                           size_t width = 0);

// Whether any finding is at least as severe as `level` ("warning" or "critical").
bool fails_on(const std::vector<Finding>& findings, const std::string& level);

} // namespace agentpg::check
