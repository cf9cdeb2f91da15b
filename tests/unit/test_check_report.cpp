#include <doctest/doctest.h>

#include "check/report.hpp"

using namespace agentpg::check;
using agentpg::pg::Blocking;
using agentpg::pg::DeadTuples;
using agentpg::pg::DuplicateIndex;
using agentpg::pg::IndexUsage;

namespace {

constexpr int k_blocking_seconds = 60;

IndexUsage index_usage(const std::string& name, long long scans, long long size,
                       bool unique = false) {
  IndexUsage i;
  i.index = name;
  i.table = "caracal.ledger_events";
  i.scans = scans;
  i.size = size;
  i.unique = unique;
  return i;
}

DeadTuples table(const std::string& name, long long live, long long dead) {
  DeadTuples t;
  t.table = name;
  t.live = live;
  t.dead = dead;
  return t;
}

Blocking blocking(int blocked_pid, int blocking_pid, double waiting_seconds) {
  Blocking b;
  b.blocked_pid = blocked_pid;
  b.blocking_pid = blocking_pid;
  b.waiting_seconds = waiting_seconds;
  return b;
}

// "severity subject: message", one a line.
std::string described(const std::vector<Finding>& findings) {
  std::string out;
  for (const auto& f : findings) {
    out += std::string(severity_name(f.severity)) + " " + f.subject + ": " + f.message + "\n";
  }
  return out;
}

} // namespace

TEST_SUITE("check::report") {
  TEST_CASE("finds nothing to act on in a healthy database") {
    HealthFacts facts;
    facts.indexes = {index_usage("caracal.small_idx", 0, 64 * 1024),
                     index_usage("caracal.used_idx", 12, 1 << 20),
                     index_usage("caracal.ledger_events_pkey", 0, 1 << 20, true)};
    facts.dead_tuples = {table("caracal.ledger_events", 100000, 900)};
    facts.blocked_sessions = {blocking(7, 42, 59.9)};
    CHECK(described(judge_health(facts, k_blocking_seconds)) == "");
  }

  TEST_CASE("warns of an index of 128 KiB or more that was never scanned") {
    HealthFacts facts;
    facts.indexes = {index_usage("caracal.by_agent", 0, 128 * 1024),
                     index_usage("caracal.by_day", 0, 128 * 1024 - 1)};
    CHECK(described(judge_health(facts, k_blocking_seconds)) ==
          "warning caracal.by_agent: index never scanned (128.0 KiB): it costs every write on "
          "caracal.ledger_events\n");
  }

  TEST_CASE("warns of a duplicate index, naming the one it duplicates") {
    HealthFacts facts;
    facts.duplicate_indexes = {
        DuplicateIndex{"chad.runs", "chad.runs_status_idx2", "chad.runs_status_idx"}};
    CHECK(described(judge_health(facts, k_blocking_seconds)) ==
          "warning chad.runs_status_idx2: duplicates chad.runs_status_idx on chad.runs\n");
  }

  TEST_CASE("warns of a table with at least 1000 dead rows that are over a fifth of its rows") {
    HealthFacts facts;
    facts.dead_tuples = {table("chad.steps", 3999, 1000), table("chad.runs", 4000, 1000),
                         table("chad.artifacts", 0, 999)};
    CHECK(described(judge_health(facts, k_blocking_seconds)) ==
          "warning chad.steps: 1000 dead rows against 3999 live: bloat-prone until vacuumed\n");
  }

  TEST_CASE(
      "calls a session critical when it blocks another for the configured seconds or longer") {
    HealthFacts facts;
    facts.blocked_sessions = {blocking(7, 42, 60), blocking(8, 43, 29.6)};
    CHECK(described(judge_health(facts, k_blocking_seconds)) ==
          "critical pid 42: blocks pid 7 for 60 s\n");
    CHECK(described(judge_health(facts, 20)) ==
          "critical pid 42: blocks pid 7 for 60 s\ncritical pid 43: blocks pid 8 for 30 s\n");
  }

  TEST_CASE("lists indexes first, then duplicates, dead rows and blocking sessions") {
    HealthFacts facts;
    facts.blocked_sessions = {blocking(7, 42, 120)};
    facts.dead_tuples = {table("agency.tasks", 0, 5000)};
    facts.duplicate_indexes = {DuplicateIndex{"agency.tasks", "agency.tasks_b", "agency.tasks_a"}};
    facts.indexes = {index_usage("agency.tasks_c", 0, 1 << 20)};
    CHECK(described(judge_health(facts, k_blocking_seconds)) ==
          "warning agency.tasks_c: index never scanned (1.0 MiB): it costs every write on "
          "caracal.ledger_events\n"
          "warning agency.tasks_b: duplicates agency.tasks_a on agency.tasks\n"
          "warning agency.tasks: 5000 dead rows against 0 live: bloat-prone until vacuumed\n"
          "critical pid 42: blocks pid 7 for 120 s\n");
  }

  TEST_CASE("renders the findings it is given, in the text and in the JSON") {
    HealthFacts facts;
    HealthReport report =
        render_report(facts, {{Severity::critical, "schema", "2 failed migrations"}});
    CHECK(report.text.find(
              "\nfindings\nSEVERITY  SUBJECT  FINDING\ncritical  schema   2 failed migrations\n") !=
          std::string::npos);
    CHECK(report.json.find("findings")->dump(0) ==
          R"([{"severity":"critical","subject":"schema","message":"2 failed migrations"}])");
    CHECK(report.findings.size() == 1);
  }

  TEST_CASE("says what is missing rather than printing empty tables") {
    HealthReport report = render_report(HealthFacts{}, {});
    CHECK(report.text.find("\nunused indexes (never scanned)\n  none\n") != std::string::npos);
    CHECK(report.text.find(
              "\ntop statements\n  pg_stat_statements is not installed in this database "
              "(CREATE EXTENSION pg_stat_statements, with it in shared_preload_libraries)\n") !=
          std::string::npos);
    CHECK(report.text.find("\nreplication\n  no replicas\n") != std::string::npos);
    CHECK(report.text.find("  vector is not installed\n  pg_cron is not installed\n  pgcrypto is "
                           "not installed\n") != std::string::npos);
    CHECK(report.text.find("\nfindings\n  none: nothing needs action\n") != std::string::npos);
    CHECK(report.json.find("top_statements")->type() == agentpg::core::Json::Type::null);
  }
}
