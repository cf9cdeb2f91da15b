#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sql/splitter.hpp"

using agentpg::sql::has_transaction_control;
using agentpg::sql::split_statements;
using agentpg::sql::TransactionControl;

namespace {

// The statements that hold SQL, each trimmed.
std::vector<std::string> pieces(const std::string& sql) {
  std::vector<std::string> out;
  std::string joined;
  for (const auto& st : split_statements(sql)) {
    std::string piece = sql.substr(st.offset, st.length);
    joined += piece;
    if (st.has_sql) {
      size_t b = piece.find_first_not_of(" \n\t");
      size_t e = piece.find_last_not_of(" \n\t");
      out.push_back(piece.substr(b, e - b + 1));
    }
  }
  CHECK(joined == sql);
  return out;
}

using V = std::vector<std::string>;

} // namespace

TEST_SUITE("sql::splitter") {
  TEST_CASE("splits on semicolons outside strings, identifiers and comments") {
    CHECK(pieces("SELECT 1; SELECT 2;") == V{"SELECT 1;", "SELECT 2;"});
    CHECK(pieces("SELECT 'a;b'; SELECT 'it''s;';") == V{"SELECT 'a;b';", "SELECT 'it''s;';"});
    CHECK(pieces("SELECT E'\\';' ; SELECT 2") == V{"SELECT E'\\';' ;", "SELECT 2"});
    CHECK(pieces("SELECT 'a\\'; SELECT 2;") == V{"SELECT 'a\\';", "SELECT 2;"});
    CHECK(pieces("CREATE TABLE \"a;b\" (\"x\"\"y;\" int); SELECT 1;") ==
          V{"CREATE TABLE \"a;b\" (\"x\"\"y;\" int);", "SELECT 1;"});
    CHECK(pieces("SELECT 1; -- a comment; with a semicolon\nSELECT 2;") ==
          V{"SELECT 1;", "-- a comment; with a semicolon\nSELECT 2;"});
    CHECK(pieces("/* outer /* nested; */ still; */ SELECT 1; SELECT 2;") ==
          V{"/* outer /* nested; */ still; */ SELECT 1;", "SELECT 2;"});
  }

  TEST_CASE("keeps dollar-quoted bodies whole") {
    std::string fn =
        "CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END; $$ LANGUAGE plpgsql;";
    CHECK(pieces(fn + " SELECT f();") == V{fn, "SELECT f();"});
    std::string tagged = "DO $body$ BEGIN PERFORM 1; $$ not the end; END $body$;";
    CHECK(pieces(tagged + "SELECT 2;") == V{tagged, "SELECT 2;"});
    CHECK(pieces("SELECT $1; SELECT a$b$c FROM t;") == V{"SELECT $1;", "SELECT a$b$c FROM t;"});
  }

  TEST_CASE("keeps BEGIN ATOMIC bodies, CASE expressions and parentheses whole") {
    std::string atomic =
        "CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true "
        "THEN 2 END; END;";
    CHECK(pieces(atomic + "\nSELECT 3;") == V{atomic, "SELECT 3;"});
    CHECK(pieces("BEGIN; SELECT 1; COMMIT;") == V{"BEGIN;", "SELECT 1;", "COMMIT;"});
    std::string rule = "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT "
                       "INTO b VALUES (2));";
    CHECK(pieces(rule + " SELECT 1;") == V{rule, "SELECT 1;"});
  }

  TEST_CASE("marks pieces without SQL and keeps the unterminated tail") {
    CHECK(pieces("  \n-- only a comment\n") == V{});
    CHECK(pieces("SELECT 1;\n-- trailing\n") == V{"SELECT 1;"});
    CHECK(pieces("SELECT 1") == V{"SELECT 1"});
    CHECK(pieces("SELECT 'unterminated; string") == V{"SELECT 'unterminated; string"});
    CHECK(pieces("") == V{});
  }

  TEST_CASE("keywords used as names do not open a block") {
    CHECK(pieces("CREATE TABLE events(id int, begin timestamptz); CREATE TABLE other(x int);") ==
          V{"CREATE TABLE events(id int, begin timestamptz);", "CREATE TABLE other(x int);"});
    CHECK(pieces("CREATE VIEW v AS SELECT s.case, s.end FROM s; CREATE INDEX CONCURRENTLY i ON s "
                 "(x);") == V{"CREATE VIEW v AS SELECT s.case, s.end FROM s;",
                              "CREATE INDEX CONCURRENTLY i ON s (x);"});
    CHECK(pieces("SELECT CASE WHEN a THEN 1 END AS \"end\" FROM t; SELECT 2;") ==
          V{"SELECT CASE WHEN a THEN 1 END AS \"end\" FROM t;", "SELECT 2;"});
    CHECK(pieces("CREATE TABLE atomic(begin int, \"case\" int);;; SELECT 1") ==
          V{"CREATE TABLE atomic(begin int, \"case\" int);", ";; SELECT 1"});
  }

  TEST_CASE("text the parser rejects is split by the scanner and still covered") {
    // A typo: the piece reaches the server, which reports it.
    CHECK(pieces("SELECT 1; selec x; SELECT 2;") == V{"SELECT 1;", "selec x; SELECT 2;"});
    CHECK(pieces("SELECT 1; foo bar") == V{"SELECT 1;", "foo bar"});
    CHECK(pieces("CREATE TABLE t (x int) WITH SOMETHING NEW; SELECT 1;") ==
          V{"CREATE TABLE t (x int) WITH SOMETHING NEW;", "SELECT 1;"});
  }

  TEST_CASE("tells which statements control the transaction") {
    std::string sql =
        "BEGIN; CREATE TABLE a(x int); COMMIT; START TRANSACTION; SAVEPOINT s; ROLLBACK TO s; "
        "ROLLBACK; /* c */ begin isolation level serializable; end; abort; COMMIT PREPARED 'x';";
    std::vector<TransactionControl> kinds;
    for (const auto& st : split_statements(sql)) {
      kinds.push_back(st.control);
    }
    using T = TransactionControl;
    CHECK(kinds == std::vector<T>{T::begin, T::none, T::commit, T::begin, T::none, T::none,
                                  T::rollback, T::begin, T::commit, T::rollback, T::two_phase});
    CHECK(has_transaction_control("BEGIN; SELECT 1; COMMIT;"));
    CHECK_FALSE(
        has_transaction_control("DO $$ BEGIN PERFORM 1; END $$; CREATE TABLE t(begin int);"));
    CHECK_FALSE(has_transaction_control(
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;"));
  }
}
