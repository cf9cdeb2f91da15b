#include "pg/catalog.hpp"
#include "pg/seed_sql.hpp"
#include "support.hpp"

using agentpg::testing::TestDatabase;
namespace pg = agentpg::pg;

namespace {

void run(pg::Connection& conn, const pg::Query& q) {
  auto error = conn.try_execute(q);
  REQUIRE_MESSAGE(!error, (error ? error->message : ""));
}

std::string one(pg::Connection& conn, const std::string& sql) {
  return conn.query(sql).text(0, 0);
}

} // namespace

TEST_SUITE("pg::seed_sql") {
  TEST_CASE("the seed history is created once and records a file with its counts") {
    TestDatabase db("seedhist");
    auto conn = db.connect();
    run(*conn, pg::create_seed_history());
    run(*conn, pg::create_seed_history());
    run(*conn, pg::record_seed_file("dev", "it's.yaml", "abc\\def", 3, 2, 1));
    pg::Rows rows = conn->query("SELECT environment, file, checksum, inserted, updated, unchanged "
                                "FROM agentpg.seed_history");
    REQUIRE(rows.size() == 1);
    CHECK(rows.text(0, 1) == "it's.yaml");
    CHECK(rows.text(0, 2) == "abc\\def");
    CHECK(rows.text(0, 3) == "3");
    CHECK(rows.text(0, 5) == "1");
  }

  TEST_CASE("upserts insert, change and leave alone, with values cast to the column types") {
    TestDatabase db("upsert");
    auto conn = db.connect();
    run(*conn, "CREATE SCHEMA \"My Schema\"; CREATE TABLE \"My Schema\".\"Item\" (\"Key\" text "
               "PRIMARY KEY, "
               "n int, tags text[], doc json, at timestamptz)");
    std::optional<pg::TableInfo> info = pg::table_info(*conn, "My Schema.Item");
    REQUIRE(info);
    CHECK_FALSE(pg::table_info(*conn, "my schema.item"));
    std::vector<std::string> columns = {"Key", "n", "tags", "doc"};
    pg::Rows first;
    auto error = conn->try_query(pg::upsert_rows(*info, columns, {"Key"},
                                                 {{"a'1", "1", "{\"x\",\"y\\\\z\"}", "{\"k\": 1}"},
                                                  {"b", std::nullopt, std::nullopt, "[]"}}),
                                 first);
    REQUIRE_MESSAGE(!error, (error ? error->message : ""));
    CHECK(first.size() == 2);
    CHECK(first.text(0, 0) == "t");
    CHECK(one(*conn, "SELECT tags[2] FROM \"My Schema\".\"Item\" WHERE \"Key\" = 'a''1'") ==
          "y\\z");
    pg::Rows second;
    error = conn->try_query(pg::upsert_rows(*info, columns, {"Key"},
                                            {{"a'1", "2", "{\"x\",\"y\\\\z\"}", "{\"k\": 1}"},
                                             {"b", std::nullopt, std::nullopt, "[]"}}),
                            second);
    REQUIRE_MESSAGE(!error, (error ? error->message : ""));
    REQUIRE(second.size() == 1); // the unchanged json row is not returned
    CHECK(second.text(0, 0) == "f");
    CHECK(one(*conn, "SELECT n FROM \"My Schema\".\"Item\" WHERE \"Key\" = 'a''1'") == "2");
  }

  TEST_CASE("a batch never carries more parameters than the protocol allows") {
    CHECK(pg::upsert_batch_rows(3, 500) == 500);
    CHECK(pg::upsert_batch_rows(200, 500) == 327);
    CHECK(pg::upsert_batch_rows(100000, 500) == 1);
  }

  TEST_CASE("a reference finds rows by their text values and a truncate empties and restarts "
            "identities") {
    TestDatabase db("refs");
    auto conn = db.connect();
    run(*conn, "CREATE TABLE public.agents (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
               "name text, "
               "kind text); INSERT INTO agents (name, kind) VALUES ('o''neil', 'x'), ('b', 'x')");
    pg::Query q = pg::find_reference("public.agents", "id", {{"name", "o'neil"}});
    pg::Rows rows = conn->query(q.text, q.params);
    REQUIRE(rows.size() == 1);
    CHECK(rows.text(0, 0) == "1");
    pg::Query both = pg::find_reference("public.agents", "id", {{"kind", "x"}});
    CHECK(conn->query(both.text, both.params).size() == 2);
    run(*conn, pg::truncate_tables({"public.agents"}));
    CHECK(one(*conn, "SELECT count(*) FROM agents") == "0");
    run(*conn, "INSERT INTO agents (name) VALUES ('c')");
    CHECK(one(*conn, "SELECT id FROM agents") == "1");
  }

  TEST_CASE("CSV rows go through a staging table and are upserted with their counts") {
    TestDatabase db("csv");
    auto conn = db.connect();
    run(*conn, "CREATE TABLE public.t (k int PRIMARY KEY, v text); INSERT INTO t VALUES (1, "
               "'one'), (2, 'two')");
    std::optional<pg::TableInfo> info = pg::table_info(*conn, "public.t");
    REQUIRE(info);
    CHECK(one(*conn, pg::table_is_empty("public.t").text) == "f");
    run(*conn, "BEGIN");
    run(*conn, pg::create_csv_staging("public.t", {"k", "v"}));
    CHECK(pg::copy_csv("public.t", {"k", "v"}, true) ==
          "COPY agentpg_seed_csv (\"k\", \"v\") FROM STDIN WITH (FORMAT csv, HEADER true)");
    run(*conn, "INSERT INTO agentpg_seed_csv VALUES (1, 'one'), (2, 'TWO'), (3, 'three')");
    pg::Rows counts;
    auto error = conn->try_query(pg::upsert_from_csv_staging(*info, {"k", "v"}, {"k"}), counts);
    REQUIRE_MESSAGE(!error, (error ? error->message : ""));
    CHECK(counts.text(0, 0) == "1"); // inserted
    CHECK(counts.text(0, 1) == "1"); // updated
    run(*conn, pg::drop_csv_staging());
    run(*conn, "COMMIT");
    CHECK(one(*conn, "SELECT string_agg(v, ',' ORDER BY k) FROM t") == "one,TWO,three");
  }
}
