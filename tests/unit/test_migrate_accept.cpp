#include <doctest/doctest.h>

#include "core/error.hpp"
#include "migrate/accept.hpp"

using namespace agentpg::migrate;
using agentpg::core::Error;
using agentpg::core::ExitCode;

namespace {

MigrationFile file(const std::string& version) {
  MigrationFile m;
  m.version = version;
  m.name = "m" + version;
  m.path = "migrations/" + version + "_m" + version + ".sql";
  m.checksum = "sum" + version;
  m.up.present = true;
  return m;
}

AppliedMigration applied(const std::string& version, const std::string& checksum,
                         HistoryStatus status = HistoryStatus::applied) {
  AppliedMigration a;
  a.version = version;
  a.name = "m" + version;
  a.checksum = checksum;
  a.status = status;
  return a;
}

std::pair<ExitCode, std::string> refusal(const std::vector<StatusEntry>& status,
                                         const std::vector<std::string>& versions) {
  try {
    plan_accept(status, versions);
  } catch (const Error& e) {
    return {e.code(), e.what()};
  }
  return {ExitCode::ok, "accepted"};
}

} // namespace

TEST_SUITE("migrate::accept") {
  // 1 applied as it is, 2 changed, 3 missing, 4 pending, 5 failed.
  std::vector<MigrationFile> files = {file("1"), file("2"), file("4"), file("5")};
  std::vector<AppliedMigration> history = {applied("1", "sum1"), applied("2", "old"),
                                           applied("3", "sum3"),
                                           applied("5", "sum5", HistoryStatus::failed)};

  TEST_CASE("records a changed file, forgets a missing one, in version order, once each") {
    std::vector<StatusEntry> status = compute_status(files, history);
    std::vector<AcceptItem> plan = plan_accept(status, {"3", "0002", "1", "2"});
    REQUIRE(plan.size() == 3);
    CHECK(plan[0].entry->version == "1");
    CHECK(plan[0].action == AcceptAction::nothing);
    CHECK(plan[1].entry->version == "2");
    CHECK(plan[1].action == AcceptAction::record);
    CHECK(plan[2].entry->version == "3");
    CHECK(plan[2].action == AcceptAction::forget);
  }
  TEST_CASE("refuses what is not applied, unknown, not a version, or failed") {
    std::vector<StatusEntry> status = compute_status(files, history);
    CHECK(refusal(status, {"4"}) ==
          std::pair<ExitCode, std::string>{ExitCode::usage,
                                           "4 is not applied: there is nothing to accept"});
    CHECK(refusal(status, {"9"}).first == ExitCode::usage);
    CHECK(refusal(status, {"v2"}).first == ExitCode::usage);
    CHECK(refusal(status, {"2", "5"}).first == ExitCode::validation);
  }
}
