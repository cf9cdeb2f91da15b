#include "support.hpp"

#include "core/error.hpp"
#include "migrate/runner.hpp"
#include "pg/migration_database.hpp"

using agentpg::testing::TestDatabase;

TEST_SUITE("pg::connection") {
  TEST_CASE("reports the server's error fields, position included") {
    TestDatabase db("errors");
    auto conn = db.connect();
    auto error = conn->try_execute("SELECT 1;\nSELECT nope FROM pg_class");
    REQUIRE(error);
    CHECK(error->sqlstate == "42703");
    CHECK(error->message == "column \"nope\" does not exist");
    CHECK(error->position == 18);
    REQUIRE(conn->try_execute("CREATE TABLE t (id int PRIMARY KEY)") == std::nullopt);
    auto duplicate = conn->try_execute("INSERT INTO t VALUES (1), (1)");
    REQUIRE(duplicate);
    CHECK(duplicate->detail == "Key (id)=(1) already exists.");
  }

  TEST_CASE("passes parameters and NULLs, and quotes identifiers") {
    TestDatabase db("params");
    auto conn = db.connect();
    agentpg::pg::Rows rows = conn->query("SELECT $1::text, $2::text IS NULL, $3::int + 1", {"a'b", std::nullopt, "41"});
    CHECK(rows.text(0, 0) == "a'b");
    CHECK(rows.text(0, 1) == "t");
    CHECK(rows.text(0, 2) == "42");
    CHECK(conn->quote_identifier("we\"ird") == "\"we\"\"ird\"");
    CHECK_THROWS_AS(conn->query("SELECT 1/0"), agentpg::core::Error);
  }
}

TEST_SUITE("pg::migration_database") {
  TEST_CASE("the migration lock is exclusive and names its holder") {
    TestDatabase db("lock");
    auto first = db.connect();
    auto second = db.connect();
    agentpg::pg::MigrationDatabase a(*first);
    agentpg::pg::MigrationDatabase b(*second);
    CHECK_FALSE(b.lock_holder());
    REQUIRE(a.try_lock());
    CHECK_FALSE(b.try_lock());
    auto holder = b.lock_holder();
    REQUIRE(holder);
    CHECK(holder->pid == first->backend_pid());
    CHECK(holder->application_name == "agentpg");
    a.unlock();
    CHECK(b.try_lock());
    b.unlock();
  }

  TEST_CASE("history rows round-trip with their status and timing") {
    TestDatabase db("history");
    auto conn = db.connect();
    agentpg::pg::MigrationDatabase history(*conn);
    CHECK_FALSE(history.read_history());
    REQUIRE(history.execute(history.create_history_sql()) == std::nullopt);
    CHECK(history.read_history());
    agentpg::migrate::MigrationFile m;
    m.version = "20240101000000";
    m.name = "it's";
    m.module = "core";
    m.checksum = "abc";
    REQUIRE(history.execute("BEGIN") == std::nullopt);
    REQUIRE(history.execute("SELECT pg_sleep(0.05)") == std::nullopt);
    REQUIRE(history.execute(history.record_applied_sql(m)) == std::nullopt);
    REQUIRE(history.execute("COMMIT") == std::nullopt);
    auto rows = *history.read_history();
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].name == "it's");
    CHECK(rows[0].module == "core");
    CHECK(rows[0].status == agentpg::migrate::HistoryStatus::applied);
    CHECK(rows[0].execution_ms >= 50);
    CHECK(rows[0].applied_by == "postgres");
    REQUIRE(history.execute(history.record_running_sql(m, 2)) == std::nullopt);
    REQUIRE(history.execute(history.record_failed_sql(m.version, 2, "boom")) == std::nullopt);
    rows = *history.read_history();
    CHECK(rows[0].status == agentpg::migrate::HistoryStatus::failed);
    CHECK(rows[0].failed_statement == 2);
    CHECK(rows[0].error == "boom");
  }
}
