#include <doctest/doctest.h>

#include <cstdio>
#include <map>

#include "core/error.hpp"
#include "migrate/runner.hpp"

using namespace agentpg::migrate;
using agentpg::pg::Query;

namespace {

// An in-memory Database: history rows, a lock, and the SQL it was sent. Statements
// containing "FAIL" fail with a server error at the position of that word.
class FakeDatabase : public Database {
public:
  std::vector<AppliedMigration> rows;
  std::map<std::string, RecordedMigration> recorded;
  std::string missing_privileges;
  std::vector<std::string> sent;
  bool history = false;
  bool lock_taken_elsewhere = false;
  bool locked = false;

  std::optional<std::vector<AppliedMigration>> read_history() override {
    return history ? std::optional<std::vector<AppliedMigration>>(rows) : std::nullopt;
  }
  std::optional<RecordedMigration> read_recorded(const std::string& version) override {
    auto it = recorded.find(version);
    return it == recorded.end() ? std::nullopt : std::optional<RecordedMigration>(it->second);
  }
  bool history_needs_upgrade() const override { return false; }
  std::string missing_history_privileges() override { return missing_privileges; }
  Query create_history() const override { return "CREATE HISTORY"; }
  Query record_applied(const agentpg::pg::MigrationRow& m) const override {
    return "RECORD " + m.version;
  }
  Query record_adopted(const agentpg::pg::MigrationRow& m, const std::string& by) const override {
    return "ADOPT " + m.version + " " + by;
  }
  Query record_running(const agentpg::pg::MigrationRow& m, Direction d,
                       int statement) const override {
    return std::string(d == Direction::up ? "RUNNING " : "RUNNING DOWN ") + m.version + " " +
           std::to_string(statement);
  }
  Query record_failed(const std::string& version, Direction d, int statement,
                      const std::string&) const override {
    return std::string(d == Direction::up ? "FAILED " : "FAILED DOWN ") + version + " " +
           std::to_string(statement);
  }
  Query record_finished(const std::string& version) const override { return "FINISHED " + version; }
  Query record_reapplied(const std::string& version) const override {
    return "REAPPLIED " + version;
  }
  Query forget(const std::string& version) const override { return "FORGET " + version; }
  Query record_accepted(const agentpg::pg::MigrationRow& m) const override {
    return "ACCEPT " + m.version;
  }
  Query set_lock_timeout(int seconds) const override {
    return "LOCK TIMEOUT " + std::to_string(seconds);
  }
  Query relaxed_commits() const override { return "ASYNC"; }
  std::vector<Query> flush_commits() const override { return {"FLUSH"}; }
  Query lock_check() const override { return "LOCK CHECK"; }

  std::optional<agentpg::pg::ServerError> execute(const Query& query) override {
    const std::string& sql = query.text;
    sent.push_back(sql);
    size_t at = sql.find("FAIL");
    if (at != std::string::npos && sql.rfind("FAILED", 0) != 0) {
      pending_rows.clear();
      agentpg::pg::ServerError e;
      e.sqlstate = "42601";
      e.message = "syntax error at or near \"FAIL\"";
      e.position = static_cast<int>(at) + 1;
      return e;
    }
    if (sql.rfind("RECORD ", 0) == 0) {
      AppliedMigration a;
      a.version = sql.substr(7);
      pending_rows.push_back(a);
    }
    if (sql == "COMMIT") {
      rows.insert(rows.end(), pending_rows.begin(), pending_rows.end());
      pending_rows.clear();
    }
    if (sql == "ROLLBACK") {
      pending_rows.clear();
    }
    if (sql == "CREATE HISTORY") {
      history = true;
    }
    return std::nullopt;
  }
  std::optional<agentpg::pg::BatchFailure>
  execute_batch(const std::vector<Query>& statements) override {
    for (size_t i = 0; i < statements.size(); ++i) {
      if (auto error = execute(statements[i])) {
        return agentpg::pg::BatchFailure{i, *error};
      }
    }
    return std::nullopt;
  }
  bool try_lock() override {
    if (lock_taken_elsewhere) {
      return false;
    }
    locked = true;
    return true;
  }
  void unlock() override { locked = false; }
  std::optional<LockHolder> lock_holder() override {
    return LockHolder{4242, "agentpg", "10.1.2.3", "12:00", "idle"};
  }

private:
  std::vector<AppliedMigration> pending_rows;
};

MigrationFile migration(const std::string& version, const std::string& up,
                        bool transactional = true) {
  MigrationFile m;
  m.version = version;
  m.name = "m";
  m.path = "migrations/" + version + "_m.sql";
  m.up = Section{true, transactional, up, m.path, 2};
  m.down = Section{true, true, "DROP " + version + ";\n", m.path, 5};
  return m;
}

using V = std::vector<std::string>;

agentpg::core::Output quiet_output() {
  return agentpg::core::Output({false, true, false, true});
}

} // namespace

TEST_SUITE("migrate::runner") {
  TEST_CASE("applies each migration in a transaction with its history row, under the lock") {
    FakeDatabase db;
    auto out = quiet_output();
    std::vector<MigrationFile> files = {migration("1", "CREATE A;\nCREATE B;\n"),
                                        migration("2", "CREATE C;")};
    RunReport report = Runner(db, out).migrate(files, {});
    CHECK(db.sent == V{"CREATE HISTORY", "ASYNC", "BEGIN", "CREATE A;", "\nCREATE B;", "LOCK CHECK",
                       "RECORD 1", "COMMIT", "BEGIN", "CREATE C;", "LOCK CHECK", "RECORD 2",
                       "COMMIT", "FLUSH"});
    CHECK(report.steps.size() == 2);
    CHECK(report.to_version == "2");
    CHECK_FALSE(db.locked);
  }

  TEST_CASE("a run with nothing to do reads the history once and never takes the lock") {
    FakeDatabase db;
    db.history = true;
    AppliedMigration one;
    one.version = "1";
    db.rows = {one};
    db.lock_taken_elsewhere = true; // would time out if it were asked for
    auto out = quiet_output();
    MigrateOptions options;
    options.lock_timeout = 0;
    MigrationFile m = migration("1", "CREATE A;");
    m.checksum = one.checksum;
    RunReport report = Runner(db, out).migrate({m}, options);
    CHECK(report.steps.empty());
    CHECK(report.to_version == "1");
    CHECK(db.sent.empty());
  }

  TEST_CASE(
      "a failing statement rolls its migration back, names file:line:col, and releases the lock") {
    FakeDatabase db;
    auto out = quiet_output();
    std::vector<MigrationFile> files = {migration("1", "CREATE A;"),
                                        migration("2", "CREATE B;\n  SELECT FAIL;\n"),
                                        migration("3", "CREATE C;")};
    try {
      Runner(db, out).migrate(files, {});
      FAIL("no error");
    } catch (const agentpg::core::Error& e) {
      CHECK(e.code() == agentpg::core::ExitCode::sql);
      CHECK(std::string(e.what()) ==
            "migration of 2_m failed and was rolled back\n"
            "  migrations/2_m.sql:3:10: ERROR 42601: syntax error at or near \"FAIL\"");
    }
    CHECK(db.rows.size() == 1);
    // The failed migration is rolled back, and what was applied is flushed before the error is
    // reported.
    CHECK(db.sent[db.sent.size() - 2] == "ROLLBACK");
    CHECK(db.sent.back() == "FLUSH");
    CHECK_FALSE(db.locked);
  }

  TEST_CASE("transaction:false runs statement by statement and records the failed one") {
    FakeDatabase db;
    db.history = true;
    auto out = quiet_output();
    std::vector<MigrationFile> files = {
        migration("7", "CREATE INDEX A;\nCREATE FAIL;\nCREATE INDEX C;\n", false)};
    CHECK_THROWS_AS(Runner(db, out).migrate(files, {}), agentpg::core::Error);
    CHECK(db.sent == V{"ASYNC", "BEGIN READ WRITE", "LOCK CHECK", "RUNNING 7 1", "COMMIT",
                       "CREATE INDEX A;", "BEGIN READ WRITE", "LOCK CHECK", "RUNNING 7 2", "COMMIT",
                       "\nCREATE FAIL;", "BEGIN READ WRITE", "LOCK CHECK", "FAILED 7 2", "COMMIT",
                       "FLUSH"});
  }

  TEST_CASE("--resume runs a failed migration again from its failed statement") {
    FakeDatabase db;
    db.history = true;
    AppliedMigration failed;
    failed.version = "7";
    failed.status = HistoryStatus::failed;
    failed.failed_statement = 2;
    db.rows = {failed};
    auto out = quiet_output();
    std::vector<MigrationFile> files = {
        migration("7", "CREATE INDEX A;\nCREATE INDEX B;\nCREATE INDEX C;\n", false)};
    MigrateOptions options;
    options.resume = true;
    CHECK_THROWS_AS(Runner(db, out).migrate(files, {}), agentpg::core::Error);
    db.sent.clear();
    // The fake does not update rows for RUNNING/FINISHED: planning after the resume sees it
    // applied.
    db.rows[0].status = HistoryStatus::failed;
    try {
      Runner(db, out).migrate(files, options);
    } catch (const agentpg::core::Error&) {
    }
    CHECK(db.sent == V{"ASYNC", "BEGIN READ WRITE", "LOCK CHECK", "RUNNING 7 2", "COMMIT",
                       "\nCREATE INDEX B;", "BEGIN READ WRITE", "LOCK CHECK", "RUNNING 7 3",
                       "COMMIT", "\nCREATE INDEX C;", "BEGIN READ WRITE", "LOCK CHECK",
                       "FINISHED 7", "COMMIT", "FLUSH"});
  }

  TEST_CASE("--dry-run sends nothing and shows exactly what would run") {
    FakeDatabase db;
    auto out = quiet_output();
    MigrateOptions options;
    options.dry_run = true;
    options.statement_lock_timeout = 5;
    RunReport report = Runner(db, out).migrate({migration("1", "CREATE A;\n")}, options);
    CHECK(db.sent.empty());
    CHECK(report.sql == "CREATE HISTORY;\nASYNC;\n-- migrations/1_m.sql (up, in a "
                        "transaction)\nBEGIN;\nLOCK TIMEOUT 5;\n"
                        "CREATE A;\nLOCK CHECK;\nRECORD 1;\nCOMMIT;\nFLUSH;\n");
  }

  TEST_CASE("gives up on the lock after --lock-timeout with exit 6") {
    FakeDatabase db;
    db.lock_taken_elsewhere = true;
    auto out = quiet_output();
    MigrateOptions options;
    options.lock_timeout = 0;
    try {
      Runner(db, out).migrate({migration("1", "CREATE A;")}, options);
      FAIL("no error");
    } catch (const agentpg::core::Error& e) {
      CHECK(e.code() == agentpg::core::ExitCode::lock_timeout);
      CHECK(std::string(e.what()) ==
            "gave up after 0 s waiting for the migration lock (held by pid 4242, idle)");
    }
    CHECK(db.sent.empty());
  }

  TEST_CASE("rolls back newest first, each down with the removal of its row") {
    FakeDatabase db;
    db.history = true;
    AppliedMigration one;
    one.version = "1";
    AppliedMigration two;
    two.version = "2";
    db.rows = {one, two};
    auto out = quiet_output();
    RollbackOptions options;
    options.rules.to = "0";
    RunReport report =
        Runner(db, out).rollback({migration("1", "A;"), migration("2", "B;")}, options);
    CHECK(db.sent == V{"ASYNC", "BEGIN", "DROP 2;", "LOCK CHECK", "FORGET 2", "COMMIT", "BEGIN",
                       "DROP 1;", "LOCK CHECK", "FORGET 1", "COMMIT", "FLUSH"});
    CHECK(report.to_version.empty());
  }

  TEST_CASE("locates errors by character, not byte, in multi-byte text") {
    Section s{true, true, "-- café\nSELECT 'é', FAIL;\n", "f.sql", 10};
    // Statement starts at 0; position 21 = the 'F' of FAIL counted in characters.
    CHECK(locate_error(s, 0, s.sql.size(), 21) == "f.sql:11:13");
    CHECK(locate_error(s, 0, s.sql.size(), 0) == "f.sql:11:1");
  }
}
