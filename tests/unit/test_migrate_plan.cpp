#include <doctest/doctest.h>

#include "core/error.hpp"
#include "migrate/plan.hpp"

using namespace agentpg::migrate;

namespace {

MigrationFile file(const std::string& version, bool with_down = true) {
  MigrationFile m;
  m.version = version;
  m.name = "m" + version;
  m.path = "migrations/" + version + "_m" + version + ".sql";
  m.checksum = "sum" + version;
  m.up.present = true;
  m.down.present = with_down;
  return m;
}

AppliedMigration applied(const std::string& version, const std::string& checksum = "",
                         HistoryStatus status = HistoryStatus::applied) {
  AppliedMigration a;
  a.version = version;
  a.name = "m" + version;
  a.checksum = checksum.empty() ? "sum" + version : checksum;
  a.status = status;
  return a;
}

std::vector<std::string> versions(const std::vector<const MigrationFile*>& plan) {
  std::vector<std::string> out;
  for (const auto* m : plan) {
    out.push_back(m->version);
  }
  return out;
}

std::vector<std::string> versions(const std::vector<const StatusEntry*>& plan) {
  std::vector<std::string> out;
  for (const auto* e : plan) {
    out.push_back(e->version);
  }
  return out;
}

std::string refusal(const std::vector<StatusEntry>& status, const MigrateRules& rules = {}) {
  try {
    plan_migrate(status, rules);
  } catch (const agentpg::core::Error& e) {
    CHECK(e.code() == agentpg::core::ExitCode::validation);
    return e.what();
  }
  return "no error";
}

using V = std::vector<std::string>;

} // namespace

TEST_SUITE("migrate::plan") {
  TEST_CASE("classifies every migration") {
    std::vector<MigrationFile> files = {file("1"), file("2"), file("3"), file("5")};
    std::vector<AppliedMigration> history = {applied("1"), applied("2", "other"), applied("4"),
                                             applied("5", "", HistoryStatus::failed)};
    std::vector<StatusEntry> status = compute_status(files, history);
    REQUIRE(status.size() == 5);
    CHECK(status[0].state == State::applied);
    CHECK(status[1].state == State::changed);
    CHECK(status[2].state == State::pending);
    CHECK(status[3].state == State::missing);
    CHECK(status[3].version == "4");
    CHECK(status[4].state == State::failed);
    CHECK(current_version(history) == "4");
  }

  TEST_CASE("merges lists in any order into one version order, numbers compared as numbers") {
    std::vector<MigrationFile> files = {file("10"), file("9"), file("200")};
    std::vector<AppliedMigration> history = {applied("300"), applied("1"), applied("10"),
                                             applied("100")};
    std::vector<StatusEntry> status = compute_status(files, history);
    std::vector<std::string> order;
    std::vector<State> states;
    for (const auto& e : status) {
      order.push_back(e.version);
      states.push_back(e.state);
    }
    CHECK(order == V{"1", "9", "10", "100", "200", "300"});
    CHECK(states == std::vector<State>{State::missing, State::pending, State::applied,
                                       State::missing, State::pending, State::missing});
    CHECK(status[2].file->version == "10");
    CHECK(status[2].applied->version == "10");
    CHECK(compute_status({}, {}).empty());
  }

  TEST_CASE("applies pending migrations in version order, up to --to") {
    std::vector<MigrationFile> files = {file("1"), file("2"), file("10"), file("11")};
    std::vector<AppliedMigration> history = {applied("1")};
    std::vector<StatusEntry> status = compute_status(files, history);
    CHECK(versions(plan_migrate(status, {})) == V{"2", "10", "11"});
    CHECK(versions(plan_migrate(status, MigrateRules{std::string("10"), false, false})) ==
          V{"2", "10"});
    CHECK(versions(plan_migrate(compute_status(files, {applied("1"), applied("2"), applied("10"),
                                                       applied("11")}),
                                {}))
              .empty());
  }

  TEST_CASE("refuses drift unless allowed") {
    std::vector<MigrationFile> files = {file("1"), file("2")};
    std::vector<StatusEntry> changed = compute_status(files, {applied("1", "edited")});
    CHECK(refusal(changed) ==
          "applied migrations differ from the files on disk:\n  changed migrations/1_m1.sql");
    CHECK(versions(plan_migrate(changed, MigrateRules{std::nullopt, true, false})) == V{"2"});
    std::vector<MigrationFile> only_two = {file("2")};
    std::vector<StatusEntry> missing = compute_status(only_two, {applied("1")});
    CHECK(refusal(missing) == "applied migrations differ from the files on disk:\n  missing 1_m1");
  }

  TEST_CASE("refuses pending versions older than the newest applied unless allowed") {
    std::vector<MigrationFile> files = {file("1"), file("2"), file("3")};
    std::vector<StatusEntry> status = compute_status(files, {applied("1"), applied("3")});
    CHECK(refusal(status) ==
          "pending migrations are older than the newest applied one (3):\n  migrations/2_m2.sql");
    CHECK(versions(plan_migrate(status, MigrateRules{std::nullopt, false, true})) == V{"2"});
  }

  TEST_CASE("diesel's 14- and 18-digit versions are applied in diesel's order, a newer one is not "
            "out of order") {
    std::vector<MigrationFile> files = {file("20260120162913"), file("202511190914440000"),
                                        file("20251201080000")};
    std::vector<StatusEntry> status = compute_status(files, {});
    CHECK(versions(plan_migrate(status, {})) ==
          V{"202511190914440000", "20251201080000", "20260120162913"});

    // All three applied (in that order); then a new migration, either form.
    std::vector<AppliedMigration> history = {applied("202511190914440000"),
                                             applied("20251201080000"), applied("20260120162913")};
    CHECK(current_version(history) == "20260120162913");
    files.push_back(file("202602010930000000"));
    files.push_back(file("20260201093001"));
    status = compute_status(files, history);
    CHECK(versions(plan_migrate(status, {})) == V{"202602010930000000", "20260201093001"});
    // An older one is still refused.
    files.push_back(file("202601010000000000"));
    status = compute_status(files, history);
    CHECK(refusal(status) ==
          "pending migrations are older than the newest applied one (20260120162913):\n"
          "  migrations/202601010000000000_m202601010000000000.sql");
  }

  TEST_CASE("a rollback --to a timestamp keeps the longer versions after it") {
    std::vector<MigrationFile> files = {file("20260120162913"), file("202601201629130000"),
                                        file("20260120162914")};
    std::vector<AppliedMigration> history = {
        applied("20260120162913"), applied("202601201629130000"), applied("20260120162914")};
    std::vector<StatusEntry> status = compute_status(files, history);
    CHECK(versions(plan_rollback(status, RollbackRules{1, std::string("20260120162913")})) ==
          V{"20260120162914", "202601201629130000"});
  }

  TEST_CASE("refuses to go on past a failed migration and says how to resolve it") {
    AppliedMigration failed = applied("2", "", HistoryStatus::failed);
    failed.failed_statement = 2;
    std::vector<MigrationFile> files = {file("1"), file("2"), file("3")};
    std::vector<StatusEntry> status = compute_status(files, {applied("1"), failed});
    try {
      plan_migrate(status, {});
      FAIL("planned past a failed migration");
    } catch (const agentpg::core::Error& e) {
      CHECK(std::string(e.what()) ==
            "migration migrations/2_m2.sql failed at statement 2 of its up section, which "
            "does not run in one transaction, so statements before it took effect");
      CHECK(e.hint().find("'agentpg migrate --resume' to run it again from statement 2") !=
            std::string::npos);
      CHECK(e.hint().find("'agentpg migrate --forget-failed'") != std::string::npos);
    }
  }

  TEST_CASE("rolls back newest first, by steps or down to a version or base") {
    std::vector<MigrationFile> files = {file("1"), file("2"), file("3")};
    std::vector<StatusEntry> status =
        compute_status(files, {applied("1"), applied("2"), applied("3")});
    CHECK(versions(plan_rollback(status, {})) == V{"3"});
    CHECK(versions(plan_rollback(status, RollbackRules{2, std::nullopt})) == V{"3", "2"});
    CHECK(versions(plan_rollback(status, RollbackRules{1, std::string("1")})) == V{"3", "2"});
    CHECK(versions(plan_rollback(status, RollbackRules{1, std::string("0")})) == V{"3", "2", "1"});
    CHECK(versions(plan_rollback(status, RollbackRules{10, std::nullopt})) == V{"3", "2", "1"});
  }

  TEST_CASE(
      "refuses a rollback through a migration with no down section before touching anything") {
    std::vector<MigrationFile> files = {file("1", false), file("2")};
    std::vector<StatusEntry> status = compute_status(files, {applied("1"), applied("2")});
    CHECK(versions(plan_rollback(status, {})) == V{"2"});
    try {
      plan_rollback(status, RollbackRules{1, std::string("0")});
      FAIL("planned a rollback through a migration without down");
    } catch (const agentpg::core::Error& e) {
      CHECK(e.code() == agentpg::core::ExitCode::validation);
      CHECK(std::string(e.what()) == "migrations/1_m1.sql: has no down section, so it cannot be "
                                     "rolled back (nothing was rolled back)");
    }
  }

  TEST_CASE("an interrupted statement's outcome is unknown: the user says where to go on") {
    AppliedMigration running = applied("2", "", HistoryStatus::running);
    running.failed_statement = 2;
    std::vector<MigrationFile> files = {file("1"), file("2")};
    files[1].up.sql = "CREATE TABLE a(x int);\nINSERT INTO a VALUES (1);\nCREATE TABLE b(y int);\n";
    std::vector<StatusEntry> status = compute_status(files, {applied("1"), running});
    try {
      plan_migrate(status, {});
      FAIL("planned past an interrupted migration");
    } catch (const agentpg::core::Error& e) {
      CHECK(e.code() == agentpg::core::ExitCode::validation);
      std::string what = e.what();
      CHECK(what.find("was interrupted while statement 2 of its up section ran") !=
            std::string::npos);
      CHECK(what.find("whether statement 2 did is unknown") != std::string::npos);
      CHECK(what.find("statement 2: INSERT INTO a VALUES (1);") != std::string::npos);
      CHECK(e.hint().find("'agentpg migrate --resume-from 2' if statement 2 did not take effect") !=
            std::string::npos);
      CHECK(e.hint().find("'agentpg migrate --resume-from 3' if it did") != std::string::npos);
    }
  }

  TEST_CASE("a failed down section blocks migrate and rollback and names rollback --resume") {
    AppliedMigration failed = applied("2", "", HistoryStatus::failed);
    failed.failed_statement = 3;
    failed.failed_down = true;
    std::vector<MigrationFile> files = {file("1"), file("2")};
    std::vector<StatusEntry> status = compute_status(files, {applied("1"), failed});
    CHECK(status[1].state == State::failed);
    for (int which = 0; which < 2; ++which) {
      try {
        which == 0 ? (void)plan_migrate(status, {}) : (void)plan_rollback(status, {});
        FAIL("planned past a failed down section");
      } catch (const agentpg::core::Error& e) {
        CHECK(
            std::string(e.what()).find(
                "the rollback of migrations/2_m2.sql failed at statement 3 of its down section") !=
            std::string::npos);
        CHECK(e.hint().find("'agentpg rollback --resume' to run it again from statement 3") !=
              std::string::npos);
        CHECK(e.hint().find("'agentpg migrate --forget-failed' to mark it applied again") !=
              std::string::npos);
      }
    }
  }

  TEST_CASE("refuses to roll back a changed or missing migration unless drift is allowed") {
    std::vector<MigrationFile> files = {file("1"), file("2")};
    std::vector<StatusEntry> changed = compute_status(files, {applied("1"), applied("2", "other")});
    std::vector<StatusEntry> missing = compute_status({files[0]}, {applied("1"), applied("2")});
    for (const auto* status : {&changed, &missing}) {
      try {
        plan_rollback(*status, {});
        FAIL("rolled back a drifted migration");
      } catch (const agentpg::core::Error& e) {
        CHECK(e.code() == agentpg::core::ExitCode::validation);
        CHECK(std::string(e.what()).find("migrations to roll back differ from the files on disk") !=
              std::string::npos);
        CHECK(e.hint().find("--allow-drift") != std::string::npos);
      }
      CHECK(versions(plan_rollback(*status, RollbackRules{1, std::nullopt, true})) == V{"2"});
    }
    // Drift in what is not rolled back does not matter.
    std::vector<StatusEntry> old_change =
        compute_status(files, {applied("1", "other"), applied("2")});
    CHECK(versions(plan_rollback(old_change, {})) == V{"2"});
  }
}
