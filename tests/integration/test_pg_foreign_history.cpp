#include <algorithm>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "pg/foreign_history.hpp"
#include "pg/migration_database.hpp"
#include "support.hpp"

using agentpg::pg::find_foreign_history;
using agentpg::pg::ForeignHistory;
using agentpg::pg::user_tables;
using agentpg::testing::run;
using agentpg::testing::TestDatabase;

namespace {

using Names = std::vector<std::string>;

Names sorted(Names names) {
  std::sort(names.begin(), names.end());
  return names;
}

} // namespace

TEST_SUITE("pg::foreign_history") {
  TEST_CASE("finds nothing in an empty database, nor in agentpg's own history") {
    TestDatabase db("foreign_history");
    auto conn = db.connect();
    CHECK_FALSE(find_foreign_history(*conn, "", ""));
    agentpg::pg::MigrationDatabase history(*conn);
    run(*conn, history.create_history());
    run(*conn,
        "INSERT INTO agentpg.schema_migrations (version, name, checksum) VALUES ('1', 'one', 'c')");
    // Even when agentpg's schema comes first in search_path.
    run(*conn, "SET search_path = agentpg, public");
    CHECK_FALSE(find_foreign_history(*conn, "", ""));
    CHECK_FALSE(find_foreign_history(*conn, "dbmate", ""));
    CHECK_FALSE(find_foreign_history(*conn, "", "agentpg.schema_migrations"));
  }

  TEST_CASE(
      "a schema_migrations table without a dirty column is dbmate's, with one golang-migrate's") {
    TestDatabase db("foreign_history");
    auto conn = db.connect();
    run(*conn,
        "CREATE TABLE public.schema_migrations (version character varying(128) PRIMARY KEY); "
        "INSERT INTO public.schema_migrations VALUES ('20240101000000'), ('20240102000000'), "
        "('20240103000000')");
    std::optional<ForeignHistory> dbmate = find_foreign_history(*conn, "", "");
    REQUIRE(dbmate);
    CHECK(dbmate->tool == "dbmate");
    CHECK(dbmate->table == "public.schema_migrations");
    CHECK(sorted(dbmate->versions) == Names{"20240101000000", "20240102000000", "20240103000000"});
    CHECK(dbmate->head == "");
    CHECK_FALSE(dbmate->dirty);
    CHECK_FALSE(find_foreign_history(*conn, "flyway", ""));

    run(*conn, "DROP TABLE public.schema_migrations; "
               "CREATE TABLE public.schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty "
               "boolean NOT NULL); "
               "INSERT INTO public.schema_migrations VALUES (42, true)");
    std::optional<ForeignHistory> golang = find_foreign_history(*conn, "", "");
    REQUIRE(golang);
    CHECK(golang->tool == "golang-migrate");
    CHECK(golang->table == "public.schema_migrations");
    CHECK(golang->head == "42");
    CHECK(golang->dirty);
    CHECK(golang->versions.empty());
    run(*conn, "UPDATE public.schema_migrations SET dirty = false");
    CHECK_FALSE(find_foreign_history(*conn, "golang-migrate", "")->dirty);
    // Told which tool it is, it reads the table as that tool's.
    std::optional<ForeignHistory> as_dbmate = find_foreign_history(*conn, "dbmate", "");
    REQUIRE(as_dbmate);
    CHECK(as_dbmate->tool == "dbmate");
    CHECK(as_dbmate->versions == Names{"42"});

    run(*conn, "TRUNCATE public.schema_migrations");
    std::optional<ForeignHistory> empty = find_foreign_history(*conn, "", "");
    REQUIRE(empty);
    CHECK(empty->tool == "golang-migrate");
    CHECK(empty->head == "");
    CHECK_FALSE(empty->dirty);
  }

  TEST_CASE("reads diesel's versions") {
    TestDatabase db("foreign_history");
    auto conn = db.connect();
    run(*conn, "CREATE TABLE public.__diesel_schema_migrations (version character varying(50) "
               "PRIMARY KEY, "
               "run_on timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP); "
               "INSERT INTO public.__diesel_schema_migrations (version) VALUES ('00000000000000'), "
               "('20240101120000')");
    std::optional<ForeignHistory> diesel = find_foreign_history(*conn, "", "");
    REQUIRE(diesel);
    CHECK(diesel->tool == "diesel");
    CHECK(diesel->table == "public.__diesel_schema_migrations");
    CHECK(sorted(diesel->versions) == Names{"00000000000000", "20240101120000"});
  }

  TEST_CASE("reads Flyway's successful versioned migrations in the order they were installed") {
    TestDatabase db("foreign_history");
    auto conn = db.connect();
    run(*conn, "CREATE TABLE public.flyway_schema_history (installed_rank integer PRIMARY KEY, "
               "version character varying(50), description character varying(200) NOT NULL, "
               "type character varying(20) NOT NULL, script character varying(1000) NOT NULL, "
               "checksum integer, "
               "installed_by character varying(100) NOT NULL, installed_on timestamp NOT NULL "
               "DEFAULT now(), "
               "execution_time integer NOT NULL, success boolean NOT NULL); "
               "INSERT INTO public.flyway_schema_history (installed_rank, version, description, "
               "type, script, "
               "installed_by, execution_time, success) VALUES "
               "(6, '1.10', 'later', 'SQL', 'V1_10__later.sql', 'me', 1, true), "
               "(1, '1', 'init', 'SQL', 'V1__init.sql', 'me', 1, true), "
               "(2, NULL, 'views', 'SQL', 'R__views.sql', 'me', 1, true), "
               "(3, '2', 'broken', 'SQL', 'V2__broken.sql', 'me', 1, false), "
               "(4, '3', 'deleted', 'DELETE', 'V3__deleted.sql', 'me', 1, true), "
               "(5, '1.1', 'fix', 'JDBC', 'V1_1__fix', 'me', 1, true)");
    std::optional<ForeignHistory> flyway = find_foreign_history(*conn, "", "");
    REQUIRE(flyway);
    CHECK(flyway->tool == "flyway");
    CHECK(flyway->table == "public.flyway_schema_history");
    CHECK(flyway->versions == Names{"1", "1.1", "1.10"});
  }

  TEST_CASE("reads Alembic's head, and refuses a branched history") {
    TestDatabase db("foreign_history");
    auto conn = db.connect();
    run(*conn, "CREATE TABLE public.alembic_version (version_num character varying(32) NOT NULL "
               "PRIMARY KEY)");
    std::optional<ForeignHistory> empty = find_foreign_history(*conn, "", "");
    REQUIRE(empty);
    CHECK(empty->tool == "alembic");
    CHECK(empty->table == "public.alembic_version");
    CHECK(empty->head == "");
    run(*conn, "INSERT INTO public.alembic_version VALUES ('ae1027a6acf')");
    CHECK(find_foreign_history(*conn, "alembic", "")->head == "ae1027a6acf");
    run(*conn, "INSERT INTO public.alembic_version VALUES ('27c6a30d7c24')");
    try {
      find_foreign_history(*conn, "", "");
      FAIL("a branched history was read");
    } catch (const agentpg::core::Error& e) {
      CHECK(e.code() == agentpg::core::ExitCode::validation);
      CHECK(std::string(e.what()) ==
            "public.alembic_version holds 2 heads (a branched Alembic history)");
      CHECK(e.hint() == "merge the branches with Alembic first ('alembic merge'), then adopt");
    }
  }

  TEST_CASE("looks in search_path, or where it is told") {
    TestDatabase db("foreign_history");
    auto conn = db.connect();
    run(*conn,
        "CREATE SCHEMA legacy; CREATE TABLE legacy.schema_migrations (version text PRIMARY KEY); "
        "INSERT INTO legacy.schema_migrations VALUES ('7'); "
        "CREATE TABLE legacy.my_history (version text PRIMARY KEY); "
        "INSERT INTO legacy.my_history VALUES ('8')");
    CHECK_FALSE(find_foreign_history(*conn, "", ""));
    std::optional<ForeignHistory> named =
        find_foreign_history(*conn, "dbmate", "legacy.my_history");
    REQUIRE(named);
    CHECK(named->table == "legacy.my_history");
    CHECK(named->versions == Names{"8"});
    CHECK_FALSE(find_foreign_history(*conn, "dbmate", "legacy.missing"));
    run(*conn, "SET search_path = legacy, public");
    std::optional<ForeignHistory> found = find_foreign_history(*conn, "", "");
    REQUIRE(found);
    CHECK(found->tool == "dbmate");
    CHECK(found->table == "legacy.schema_migrations");
    CHECK(found->versions == Names{"7"});
  }

  TEST_CASE("a table named with quotes is read whatever its names hold: case, spaces, dots") {
    TestDatabase db("foreign_history");
    auto conn = db.connect();
    run(*conn, "CREATE SCHEMA \"Old Tools\"; CREATE TABLE \"Old Tools\".\"Schema Migrations\" "
               "(version text PRIMARY KEY); INSERT INTO \"Old Tools\".\"Schema Migrations\" VALUES "
               "('1'), ('2'); "
               "CREATE SCHEMA \"v1.0\"; CREATE TABLE \"v1.0\".\"Go\" (version bigint NOT NULL, "
               "dirty boolean NOT "
               "NULL); INSERT INTO \"v1.0\".\"Go\" VALUES (3, false)");
    std::optional<ForeignHistory> dbmate =
        find_foreign_history(*conn, "dbmate", "\"Old Tools\".\"Schema Migrations\"");
    REQUIRE(dbmate);
    CHECK(dbmate->table == "Old Tools.Schema Migrations");
    CHECK(sorted(dbmate->versions) == Names{"1", "2"});
    std::optional<ForeignHistory> golang = find_foreign_history(*conn, "", "\"v1.0\".\"Go\"");
    REQUIRE(golang);
    CHECK(golang->tool == "golang-migrate");
    CHECK(golang->table == "v1.0.Go");
    CHECK(golang->head == "3");
  }

  TEST_CASE("user_tables lists tables, views and partitions, but not agentpg's, other tools' or "
            "the system's") {
    TestDatabase db("foreign_history");
    auto conn = db.connect();
    CHECK(user_tables(*conn, 10).empty());
    agentpg::pg::MigrationDatabase history(*conn);
    run(*conn, history.create_history());
    run(*conn, "CREATE TABLE public.schema_migrations (version text); "
               "CREATE TABLE public.__diesel_schema_migrations (version text); "
               "CREATE TABLE public.flyway_schema_history (installed_rank int); "
               "CREATE TABLE public.alembic_version (version_num text); "
               "CREATE SEQUENCE public.counter; CREATE TYPE public.mood AS ENUM ('ok'); "
               "CREATE TEMPORARY TABLE scratch (x int)");
    CHECK(user_tables(*conn, 10).empty());
    run(*conn, "CREATE TABLE public.users (id int PRIMARY KEY, name text); CREATE INDEX ON "
               "public.users (name); "
               "CREATE SCHEMA \"App Data\"; CREATE TABLE \"App Data\".\"Order Items\" (id int); "
               "CREATE VIEW public.user_names AS SELECT name FROM public.users; "
               "CREATE MATERIALIZED VIEW public.user_count AS SELECT count(*) FROM public.users; "
               "CREATE TABLE public.events (at date) PARTITION BY RANGE (at); "
               "CREATE TABLE public.events_2024 PARTITION OF public.events "
               "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')");
    CHECK(user_tables(*conn, 10) == Names{"App Data.Order Items", "public.events",
                                          "public.events_2024", "public.user_count",
                                          "public.user_names", "public.users"});
    CHECK(user_tables(*conn, 2) == Names{"App Data.Order Items", "public.events"});
  }
}
