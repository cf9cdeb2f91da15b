#include "migrate/runner.hpp"
#include "pg/migration_database.hpp"
#include "support.hpp"

using agentpg::testing::TestDatabase;

TEST_SUITE("pg::migration_database") {
  TEST_CASE("the migration lock is exclusive and names its holder") {
    TestDatabase db("migration_database");
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
    TestDatabase db("migration_database");
    auto conn = db.connect();
    agentpg::pg::MigrationDatabase history(*conn);
    CHECK_FALSE(history.read_history());
    REQUIRE(history.execute(history.create_history()) == std::nullopt);
    CHECK(history.read_history());
    agentpg::migrate::MigrationFile m;
    m.version = "20240101000000";
    m.name = "it's";
    m.module = "core";
    m.checksum = "abc";
    REQUIRE(history.execute("BEGIN") == std::nullopt);
    REQUIRE(history.execute("SELECT pg_sleep(0.05)") == std::nullopt);
    REQUIRE(history.execute(history.record_applied(m)) == std::nullopt);
    REQUIRE(history.execute("COMMIT") == std::nullopt);
    auto rows = *history.read_history();
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].name == "it's");
    CHECK(rows[0].module == "core");
    CHECK(rows[0].status == agentpg::migrate::HistoryStatus::applied);
    CHECK(rows[0].execution_ms >= 50);
    CHECK(rows[0].applied_by == "postgres");
    REQUIRE(history.execute(history.record_running(m, agentpg::migrate::Direction::up, 2)) ==
            std::nullopt);
    REQUIRE(history.execute(history.record_failed(m.version, agentpg::migrate::Direction::up, 2,
                                                  "boom")) == std::nullopt);
    rows = *history.read_history();
    CHECK(rows[0].status == agentpg::migrate::HistoryStatus::failed);
    CHECK(rows[0].failed_statement == 2);
    CHECK(rows[0].error == "boom");
  }

  TEST_CASE(
      "values go as parameters: quotes and backslashes survive standard_conforming_strings=off") {
    TestDatabase db("migration_database");
    auto conn = db.connect();
    agentpg::pg::MigrationDatabase history(*conn);
    REQUIRE(history.execute(history.create_history()) == std::nullopt);
    REQUIRE(history.execute("SET standard_conforming_strings = off") == std::nullopt);
    agentpg::migrate::MigrationFile m;
    m.version = "1";
    m.name = "x\\', 'y'); DROP TABLE agentpg.schema_migrations; --";
    m.checksum = "abc";
    m.up.present = true;
    m.up.sql = "SELECT 'a\\b';";
    m.down.present = true;
    m.down.transactional = false;
    m.down.sql = "SELECT $$\\$$;";
    REQUIRE(history.execute(history.record_applied(m)) == std::nullopt);
    REQUIRE(history.execute(history.record_failed(m.version, agentpg::migrate::Direction::down, 3,
                                                  "e\\'rr")) == std::nullopt);
    auto rows = *history.read_history();
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].name == m.name);
    CHECK(rows[0].error == "e\\'rr");
    CHECK(rows[0].failed_down);
    CHECK(rows[0].failed_statement == 3);
    auto recorded = history.read_recorded("1");
    REQUIRE(recorded);
    CHECK(recorded->up_sql == m.up.sql);
    REQUIRE(recorded->down_sql);
    CHECK(*recorded->down_sql == m.down.sql);
    CHECK_FALSE(recorded->down_transactional);
    // The same text shown by --dry-run reads back the same under either setting.
    for (const char* setting : {"off", "on"}) {
      REQUIRE(history.execute(std::string("SET standard_conforming_strings = ") + setting) ==
              std::nullopt);
      agentpg::pg::Rows back = conn->query("SELECT " + agentpg::pg::sql_literal(m.name));
      CHECK(back.text(0, 0) == m.name);
    }
  }

  TEST_CASE(
      "a history table from an earlier release is read, then upgraded with the missing columns") {
    TestDatabase db("migration_database");
    auto conn = db.connect();
    agentpg::pg::MigrationDatabase history(*conn);
    REQUIRE(
        history.execute(
            "CREATE SCHEMA agentpg; CREATE TABLE agentpg.schema_migrations (version text PRIMARY "
            "KEY, "
            "name text NOT NULL, module text NOT NULL DEFAULT '', checksum text NOT NULL, "
            "applied_at "
            "timestamptz NOT NULL DEFAULT now(), execution_ms double precision NOT NULL DEFAULT 0, "
            "applied_by text NOT NULL DEFAULT current_user, status text NOT NULL DEFAULT "
            "'applied', "
            "failed_statement integer, error text); INSERT INTO agentpg.schema_migrations "
            "(version, name, checksum) VALUES ('1', 'one', 'c1')") == std::nullopt);
    auto rows = history.read_history();
    REQUIRE(rows);
    CHECK(rows->size() == 1);
    CHECK(history.history_needs_upgrade());
    CHECK_FALSE(history.read_recorded("1"));
    REQUIRE(history.execute(history.create_history()) == std::nullopt);
    rows = history.read_history();
    CHECK_FALSE(history.history_needs_upgrade());
    CHECK((*rows)[0].name == "one");
  }

  TEST_CASE("the flush makes asynchronous commits durable: the WAL is flushed past them") {
    TestDatabase db("migration_database");
    auto conn = db.connect();
    agentpg::pg::MigrationDatabase history(*conn);
    REQUIRE(history.execute(history.create_history()) == std::nullopt);
    REQUIRE(history.execute(history.relaxed_commits()) == std::nullopt);
    REQUIRE(history.execute("CREATE TABLE t (x int); INSERT INTO t VALUES (1)") == std::nullopt);
    std::string written = conn->query("SELECT pg_current_wal_insert_lsn()::text").text(0, 0);
    REQUIRE(history.execute_batch(history.flush_commits()) == std::nullopt);
    CHECK(conn->query("SELECT pg_current_wal_flush_lsn() >= $1::pg_lsn", {written}).text(0, 0) ==
          "t");
    CHECK(conn->query("SELECT count(*) FROM agentpg.schema_migrations").text(0, 0) == "0");
  }

  TEST_CASE("names the history privileges a role lacks") {
    TestDatabase db("migration_database");
    auto conn = db.connect();
    agentpg::pg::MigrationDatabase history(*conn);
    REQUIRE(history.execute(history.create_history()) == std::nullopt);
    CHECK(history.missing_history_privileges().empty());
    REQUIRE(history.execute("DROP ROLE IF EXISTS agentpg_reader; CREATE ROLE agentpg_reader; "
                            "GRANT USAGE ON SCHEMA agentpg TO agentpg_reader; "
                            "GRANT SELECT, INSERT ON agentpg.schema_migrations TO agentpg_reader; "
                            "SET ROLE agentpg_reader") == std::nullopt);
    CHECK(history.missing_history_privileges() ==
          "the user agentpg_reader may not UPDATE and DELETE agentpg.schema_migrations");
    REQUIRE(history.execute("RESET ROLE; DROP OWNED BY agentpg_reader; DROP ROLE agentpg_reader") ==
            std::nullopt);
  }
}
