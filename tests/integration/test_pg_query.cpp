#include <string>
#include <vector>

#include "pg/query.hpp"
#include "support.hpp"

using agentpg::pg::display;
using agentpg::pg::Query;
using agentpg::pg::sql_literal;
using agentpg::testing::run;
using agentpg::testing::scalar;
using agentpg::testing::TestDatabase;

TEST_SUITE("pg::query") {
  TEST_CASE("sql_literal doubles quotes, and escapes backslashes in an E'' literal") {
    CHECK(sql_literal("") == "''");
    CHECK(sql_literal("plain") == "'plain'");
    CHECK(sql_literal("it's") == "'it''s'");
    CHECK(sql_literal("''") == "''''''");
    CHECK(sql_literal("a\\b") == "E'a\\\\b'");
    CHECK(sql_literal("\\'") == "E'\\\\'''");
    CHECK(sql_literal("line\nbreak") == "'line\nbreak'");
  }

  TEST_CASE("a sql_literal reads back as the same text whatever standard_conforming_strings says") {
    TestDatabase db("query");
    auto conn = db.connect();
    const std::vector<std::string> values = {"",
                                             "it's",
                                             "''",
                                             "a\\b",
                                             "\\",
                                             "\\'",
                                             "'\\",
                                             "ends with \\",
                                             "\\n is not a newline",
                                             "line\nbreak",
                                             "tab\there",
                                             "$1 $$ $tag$",
                                             "E'x'",
                                             "ünïcödé \"quoted\"",
                                             "-- not a comment"};
    for (const char* setting : {"on", "off"}) {
      run(*conn, std::string("SET standard_conforming_strings = ") + setting);
      CHECK(scalar(*conn, "SHOW standard_conforming_strings") == setting);
      for (const auto& value : values) {
        CHECK_MESSAGE(scalar(*conn, "SELECT " + sql_literal(value)) == value,
                      setting << ": " << value);
      }
    }
  }

  TEST_CASE("display writes each parameter in as a literal, and NULL for a missing value") {
    Query query("INSERT INTO t (a, b, c) VALUES ($1, $2, $3)", {"it's", std::nullopt, "a\\b"});
    CHECK(display(query) == "INSERT INTO t (a, b, c) VALUES ('it''s', NULL, E'a\\\\b')");
    CHECK(display(Query("SELECT $1, $1", {"x"})) == "SELECT 'x', 'x'");
  }

  TEST_CASE("display reads parameter numbers of several digits and leaves unknown ones alone") {
    std::vector<agentpg::pg::Value> twelve;
    for (char c = 'a'; c <= 'l'; ++c) {
      twelve.emplace_back(std::string(1, c));
    }
    CHECK(display(Query("SELECT $12, $1, $10", twelve)) == "SELECT 'l', 'a', 'j'");
    CHECK(display(Query("SELECT $1, $2, $0, $$x$$, $", {"a"})) == "SELECT 'a', $2, $0, $$x$$, $");
    CHECK(display(Query("SELECT '$1'")) == "SELECT '$1'");
  }

  TEST_CASE("the displayed statement does on the server what the statement with parameters does") {
    TestDatabase db("query");
    auto conn = db.connect();
    run(*conn, "CREATE TABLE t (id int, a text, b text)");
    Query query("INSERT INTO t VALUES ($1, $2, $3)",
                {"1", "x\\', 'y'); DROP TABLE t; --", std::nullopt});
    run(*conn, query);
    run(*conn, "SET standard_conforming_strings = off");
    query.params[0] = "2";
    run(*conn, display(query));
    CHECK(scalar(*conn, "SELECT count(DISTINCT (a, b IS NULL)) FROM t") == "1");
    CHECK(scalar(*conn, "SELECT count(*) FROM t WHERE b IS NULL AND a = $1", {*query.params[1]}) ==
          "2");
  }

  TEST_CASE("a query that must change a number of rows fails when it changes another") {
    TestDatabase db("query");
    auto conn = db.connect();
    run(*conn, "CREATE TABLE t (id int); INSERT INTO t VALUES (1), (2)");
    CHECK(conn->try_execute(Query("UPDATE t SET id = id WHERE id = $1", {"1"}).changing(1)) ==
          std::nullopt);
    auto none = conn->try_execute(Query("DELETE FROM t WHERE id = $1", {"3"}).changing(1));
    REQUIRE(none);
    CHECK(none->sqlstate == "P0004");
    auto two = conn->try_execute(Query("UPDATE t SET id = id + 10").changing(1));
    REQUIRE(two);
    CHECK(two->sqlstate == "P0004");
    CHECK(two->message.rfind("it changed 2 rows of ", 0) == 0);
    // The failure is reported after the statement ran: the caller's transaction undoes it.
    CHECK(scalar(*conn, "SELECT string_agg(id::text, ',' ORDER BY id) FROM t") == "11,12");
  }
}
