#include <string>
#include <vector>

#include "core/error.hpp"
#include "migrate/runner.hpp"
#include "pg/migration_database.hpp"
#include "support.hpp"
#include "util/sha256.hpp"

using agentpg::migrate::HistoryStatus;
using agentpg::migrate::MigrationFile;
using agentpg::pg::Direction;
using agentpg::pg::MigrationDatabase;
using agentpg::testing::InBackground;
using agentpg::testing::run;
using agentpg::testing::scalar;
using agentpg::testing::TestDatabase;
using agentpg::testing::TestRole;
using agentpg::testing::wait_until;

namespace {

agentpg::pg::MigrationRow migration(const std::string& version, const std::string& checksum = "c") {
  agentpg::pg::MigrationRow m;
  m.version = version;
  m.name = "m" + version;
  m.checksum = checksum;
  m.up_sql = "SELECT " + version + ";";
  return m;
}

std::string history_rows(agentpg::pg::Connection& conn) {
  return scalar(
      conn, "SELECT coalesce(string_agg(version || ':' || status || ':' || "
            "coalesce(direction, '-') || ':' || coalesce(failed_statement::text, '-') || ':' || "
            "coalesce(error, '-'), ',' ORDER BY version), '') FROM agentpg.schema_migrations");
}

} // namespace

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
    REQUIRE(history.execute(history.record_applied(agentpg::migrate::history_row(m))) ==
            std::nullopt);
    REQUIRE(history.execute("COMMIT") == std::nullopt);
    auto rows = *history.read_history();
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].name == "it's");
    CHECK(rows[0].module == "core");
    CHECK(rows[0].status == agentpg::migrate::HistoryStatus::applied);
    CHECK(rows[0].execution_ms >= 50);
    CHECK(rows[0].applied_by == "postgres");
    REQUIRE(history.execute(history.record_running(agentpg::migrate::history_row(m),
                                                   agentpg::pg::Direction::up, 2)) == std::nullopt);
    REQUIRE(history.execute(history.record_failed(m.version, agentpg::pg::Direction::up, 2,
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
    REQUIRE(history.execute(history.record_applied(agentpg::migrate::history_row(m))) ==
            std::nullopt);
    REQUIRE(history.execute(history.record_failed(m.version, agentpg::pg::Direction::down, 3,
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

  TEST_CASE("create_history makes the table with every column, and runs again without harm") {
    TestDatabase db("migration_database");
    auto conn = db.connect();
    MigrationDatabase history(*conn);
    run(*conn, history.create_history());
    run(*conn, history.create_history());
    CHECK(
        scalar(*conn,
               "SELECT string_agg(column_name || ' ' || data_type, ', ' ORDER BY ordinal_position) "
               "FROM information_schema.columns "
               "WHERE table_schema = 'agentpg' AND table_name = 'schema_migrations'") ==
        "version text, name text, module text, checksum text, applied_at timestamp with time zone, "
        "execution_ms double precision, applied_by text, status text, failed_statement integer, "
        "error text, "
        "direction text, up_sql text, up_transactional boolean, down_sql text, down_transactional "
        "boolean");
    CHECK(scalar(*conn,
                 "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                 "WHERE conrelid = 'agentpg.schema_migrations'::regclass AND contype = 'p'") ==
          "PRIMARY KEY (version)");
    auto bad_status =
        conn->try_execute("INSERT INTO agentpg.schema_migrations (version, name, checksum, status) "
                          "VALUES ('1', 'one', 'c', 'done')");
    REQUIRE(bad_status);
    CHECK(bad_status->sqlstate == "23514");
    auto bad_direction =
        conn->try_execute("INSERT INTO agentpg.schema_migrations (version, name, checksum, "
                          "direction) VALUES ('1', 'one', 'c', 'sideways')");
    REQUIRE(bad_direction);
    CHECK(bad_direction->sqlstate == "23514");
  }

  TEST_CASE(
      "read_history is nullopt without the table, and says what a role without SELECT lacks") {
    TestDatabase db("migration_database");
    TestRole role("migration_reader", db);
    auto conn = db.connect();
    MigrationDatabase history(*conn);
    CHECK_FALSE(history.read_history());
    run(*conn, "CREATE SCHEMA agentpg");
    CHECK_FALSE(history.read_history());
    run(*conn, history.create_history());
    REQUIRE(history.read_history());
    CHECK(history.read_history()->empty());

    run(*conn, "GRANT USAGE ON SCHEMA agentpg TO " + role.name());
    auto reader = agentpg::pg::Connection::open(role.as_role(db.params()), 10);
    MigrationDatabase denied(*reader);
    try {
      denied.read_history();
      FAIL("read without SELECT");
    } catch (const agentpg::core::Error& e) {
      CHECK(e.code() == agentpg::core::ExitCode::sql);
      CHECK(std::string(e.what()) == "cannot read agentpg.schema_migrations: permission denied for "
                                     "table schema_migrations (SQLSTATE 42501)");
      CHECK(e.hint() == "the user needs SELECT on agentpg.schema_migrations");
    }
  }

  TEST_CASE("read_history gives applied_at in UTC whatever the session's DateStyle and TimeZone") {
    TestDatabase db("migration_database");
    auto conn = db.connect();
    MigrationDatabase history(*conn);
    run(*conn, history.create_history());
    run(*conn, history.record_adopted(migration("1"), "baseline"));
    run(*conn, "UPDATE agentpg.schema_migrations SET applied_at = '2024-03-05 06:07:08.75+02'");
    const char* settings[] = {"SET TimeZone = 'UTC'",
                              "SET TimeZone = 'America/New_York'",
                              "SET TimeZone = 'Asia/Kolkata'",
                              "SET TimeZone = 'America/St_Johns'",
                              "SET DateStyle = 'SQL, DMY'",
                              "SET DateStyle = 'German'",
                              "SET DateStyle = 'Postgres, MDY'; SET TimeZone = 'Asia/Kathmandu'"};
    for (const char* setting : settings) {
      run(*conn, setting);
      auto rows = history.read_history();
      REQUIRE(rows);
      REQUIRE(rows->size() == 1);
      CHECK_MESSAGE((*rows)[0].applied_at == "2024-03-05 04:07:08", setting);
      CHECK((*rows)[0].applied_by == "baseline");
    }
  }

  TEST_CASE("read_recorded gives the sections a migration was recorded with") {
    TestDatabase db("migration_database");
    auto conn = db.connect();
    MigrationDatabase history(*conn);
    run(*conn, history.create_history());
    agentpg::pg::MigrationRow m = migration("5");
    m.up_transactional = false;
    m.up_sql = "CREATE INDEX CONCURRENTLY i ON t (x);";
    run(*conn, history.record_adopted(m, "adopted from dbmate"));
    auto recorded = history.read_recorded("5");
    REQUIRE(recorded);
    CHECK(recorded->up_sql == "CREATE INDEX CONCURRENTLY i ON t (x);");
    CHECK_FALSE(recorded->up_transactional);
    CHECK_FALSE(recorded->down_sql);
    CHECK(recorded->down_transactional);
    CHECK(scalar(*conn, "SELECT applied_by FROM agentpg.schema_migrations WHERE version = '5'") ==
          "adopted from dbmate");
    CHECK_FALSE(history.read_recorded("6"));
    // A row written before the sections were kept.
    run(*conn,
        "INSERT INTO agentpg.schema_migrations (version, name, checksum) VALUES ('7', 'old', 'c')");
    CHECK_FALSE(history.read_recorded("7"));
  }

  TEST_CASE(
      "an up migration is recorded running, then finished: applied and timed from its start") {
    TestDatabase db("migration_database");
    auto conn = db.connect();
    MigrationDatabase history(*conn);
    run(*conn, history.create_history());
    run(*conn, history.record_running(migration("3", "old"), Direction::up, 2));
    CHECK(history_rows(*conn) == "3:running:up:2:-");
    auto rows = *history.read_history();
    CHECK(rows[0].status == HistoryStatus::running);
    CHECK(rows[0].failed_statement == 2);
    CHECK_FALSE(rows[0].failed_down);
    run(*conn, history.record_failed("3", Direction::up, 2, "boom"));
    CHECK(history_rows(*conn) == "3:failed:up:2:boom");
    // Run again (the file was fixed): the row is taken over, its failure forgotten.
    agentpg::pg::MigrationRow fixed = migration("3", "new");
    fixed.down_sql = "SELECT 'down';";
    run(*conn, history.record_running(fixed, Direction::up, 1));
    CHECK(history_rows(*conn) == "3:running:up:1:-");
    CHECK(scalar(*conn, "SELECT checksum || ' ' || down_sql FROM agentpg.schema_migrations") ==
          "new SELECT 'down';");
    run(*conn, "SELECT pg_sleep(0.05)");
    run(*conn, history.record_finished("3"));
    CHECK(history_rows(*conn) == "3:applied:-:-:-");
    rows = *history.read_history();
    CHECK(rows[0].status == HistoryStatus::applied);
    CHECK(rows[0].execution_ms >= 50);
    CHECK(
        scalar(*conn,
               "SELECT now() - applied_at < interval '1 second' FROM agentpg.schema_migrations") ==
        "t");
    auto missing = history.execute(history.record_finished("4"));
    REQUIRE(missing);
    CHECK(missing->sqlstate == "P0004");
  }

  TEST_CASE("a failed down is recorded on the applied row; record_reapplied and forget undo it") {
    TestDatabase db("migration_database");
    auto conn = db.connect();
    MigrationDatabase history(*conn);
    run(*conn, history.create_history());
    run(*conn, history.record_applied(migration("8")));
    run(*conn, history.record_running(migration("8"), Direction::down, 2));
    CHECK(history_rows(*conn) == "8:running:down:2:-");
    CHECK((*history.read_history())[0].failed_down);
    run(*conn, history.record_failed("8", Direction::down, 3, "it's \\ broken"));
    CHECK(history_rows(*conn) == "8:failed:down:3:it's \\ broken");
    run(*conn, history.record_reapplied("8"));
    CHECK(history_rows(*conn) == "8:applied:-:-:-");
    auto rows = *history.read_history();
    CHECK_FALSE(rows[0].failed_down);
    CHECK(rows[0].error == "");
    run(*conn, history.forget("8"));
    CHECK(history_rows(*conn) == "");
    auto again = history.execute(history.forget("8"));
    REQUIRE(again);
    CHECK(again->sqlstate == "P0004");
  }

  TEST_CASE("a history write that a trigger swallows fails instead of passing for done") {
    TestDatabase db("migration_database");
    auto conn = db.connect();
    MigrationDatabase history(*conn);
    run(*conn, history.create_history());
    run(*conn, "CREATE FUNCTION public.swallow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
               "RETURN NULL; END $$; "
               "CREATE TRIGGER swallow BEFORE INSERT ON agentpg.schema_migrations "
               "FOR EACH ROW EXECUTE FUNCTION public.swallow()");
    auto error = history.execute(history.record_applied(migration("1")));
    REQUIRE(error);
    CHECK(error->sqlstate == "P0004");
    CHECK(error->message ==
          "it changed 0 rows of agentpg.schema_migrations, not 1 (is there a trigger, rule or "
          "row-level policy on that table?)");
    auto batch = history.execute_batch(history.flush_commits());
    REQUIRE(batch);
    CHECK(batch->index == 2);
    CHECK(batch->error.sqlstate == "P0004");
  }

  TEST_CASE("execute_batch runs statements in order and stops at the first failure") {
    TestDatabase db("migration_database");
    auto conn = db.connect();
    MigrationDatabase history(*conn);
    run(*conn, "CREATE TABLE public.t (x int)");
    CHECK(history.execute_batch({"INSERT INTO public.t VALUES (1)",
                                 "INSERT INTO public.t VALUES (2)"}) == std::nullopt);
    auto failure = history.execute_batch(
        {"INSERT INTO public.t VALUES (3)", "SELECT 1/0", "INSERT INTO public.t VALUES (4)"});
    REQUIRE(failure);
    CHECK(failure->index == 1);
    CHECK(failure->error.sqlstate == "22012");
    CHECK(failure->error.message == "division by zero");
    CHECK(scalar(*conn, "SELECT count(*) FROM public.t WHERE x = 4") == "0");
    CHECK(scalar(*conn, "SELECT string_agg(x::text, ',' ORDER BY x) FROM public.t WHERE x < 3") ==
          "1,2");
  }

  TEST_CASE("the lock timeout holds for one transaction; relaxed commits are asynchronous") {
    TestDatabase db("migration_database");
    auto conn = db.connect();
    MigrationDatabase history(*conn);
    run(*conn, "BEGIN");
    run(*conn, history.set_lock_timeout(7));
    CHECK(scalar(*conn, "SHOW lock_timeout") == "7s");
    run(*conn, "COMMIT");
    CHECK(scalar(*conn, "SHOW lock_timeout") == "0");
    CHECK(scalar(*conn, "SHOW synchronous_commit") == "on");
    run(*conn, history.relaxed_commits());
    CHECK(scalar(*conn, "SHOW synchronous_commit") == "off");
  }

  TEST_CASE("the lock check passes while this session holds the lock, takes it back, and fails "
            "once another has it") {
    TestDatabase db("migration_database");
    auto first = db.connect();
    auto second = db.connect();
    MigrationDatabase a(*first);
    MigrationDatabase b(*second);
    REQUIRE(a.try_lock());
    CHECK(a.execute(a.lock_check()) == std::nullopt);
    // A migration released it: nobody else took it, so the check takes it again.
    run(*first, "SELECT pg_advisory_unlock_all()");
    CHECK_FALSE(b.lock_holder());
    CHECK(a.execute(a.lock_check()) == std::nullopt);
    REQUIRE(b.lock_holder());
    CHECK(b.lock_holder()->pid == first->backend_pid());
    CHECK_FALSE(b.try_lock());
    // Released again, and another session took it meanwhile.
    run(*first, "SELECT pg_advisory_unlock_all()");
    REQUIRE(b.try_lock());
    auto lost = a.execute(a.lock_check());
    REQUIRE(lost);
    CHECK(lost->message.find("agentpg lost the migration lock, and another session holds it now") !=
          std::string::npos);
    CHECK(b.lock_holder()->pid == second->backend_pid());
    b.unlock();
    CHECK_FALSE(a.lock_holder());
  }

  TEST_CASE("the lock holder is described: its client, since when, and what it runs") {
    TestDatabase db("migration_database");
    auto holder_conn = db.connect();
    auto conn = db.connect();
    MigrationDatabase holder(*holder_conn);
    MigrationDatabase other(*conn);
    REQUIRE(holder.try_lock());
    auto idle = other.lock_holder();
    REQUIRE(idle);
    CHECK(idle->client == "local socket");
    CHECK(idle->activity == "idle");
    CHECK(idle->since == scalar(*conn, "SELECT to_char(backend_start, 'YYYY-MM-DD HH24:MI:SS TZ') "
                                       "FROM pg_stat_activity WHERE pid = " +
                                           std::to_string(holder_conn->backend_pid())));
    InBackground busy(*holder_conn, "SELECT\n    pg_sleep(30)   -- wait\n");
    wait_until(*conn, "SELECT state = 'active' FROM pg_stat_activity WHERE pid = " +
                          std::to_string(busy.pid()));
    auto running = other.lock_holder();
    REQUIRE(running);
    CHECK(running->activity == "running: SELECT pg_sleep(30) -- wait");
  }

  TEST_CASE("names every history privilege a role lacks") {
    TestDatabase db("migration_database");
    TestRole role("migration_writer", db);
    auto conn = db.connect();
    MigrationDatabase history(*conn);
    run(*conn, history.create_history());
    run(*conn, "GRANT USAGE ON SCHEMA agentpg TO " + role.name());
    auto as_role = agentpg::pg::Connection::open(role.as_role(db.params()), 10);
    MigrationDatabase limited(*as_role);
    CHECK(limited.missing_history_privileges() ==
          "the user " + role.name() +
              " may not SELECT, INSERT, UPDATE and DELETE agentpg.schema_migrations");
    run(*conn, "GRANT SELECT, INSERT, UPDATE ON agentpg.schema_migrations TO " + role.name());
    CHECK(limited.missing_history_privileges() ==
          "the user " + role.name() + " may not DELETE agentpg.schema_migrations");
    run(*conn, "GRANT DELETE ON agentpg.schema_migrations TO " + role.name());
    CHECK(limited.missing_history_privileges() == "");
  }
}
