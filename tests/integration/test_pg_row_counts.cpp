#include <string>
#include <vector>

#include "pg/row_counts.hpp"
#include "support.hpp"

using agentpg::pg::TableRows;
using agentpg::testing::run;
using agentpg::testing::scalar;
using agentpg::testing::TestDatabase;
namespace pg = agentpg::pg;

namespace {

std::vector<std::string> shown(const std::vector<TableRows>& counts) {
  std::vector<std::string> lines;
  for (const TableRows& t : counts) {
    lines.push_back(t.schema + "." + t.table + "=" + std::to_string(t.rows));
  }
  return lines;
}

} // namespace

TEST_SUITE("pg::row_counts") {
  TEST_CASE("counts every user table and partition exactly, quoted names included") {
    TestDatabase db("row_counts");
    auto conn = db.connect();
    run(*conn, "CREATE SCHEMA \"Odd Schema\"; "
               "CREATE TABLE \"Odd Schema\".\"it's\" (n int); "
               "INSERT INTO \"Odd Schema\".\"it's\" SELECT generate_series(1, 1234); "
               "CREATE TABLE public.empty (n int); "
               "CREATE TABLE public.parted (n int) PARTITION BY RANGE (n); "
               "CREATE TABLE public.parted_low PARTITION OF public.parted FOR VALUES FROM (0) TO "
               "(10); "
               "INSERT INTO public.parted SELECT generate_series(0, 9); "
               "CREATE VIEW public.v AS SELECT 1; "
               "CREATE MATERIALIZED VIEW public.mv AS SELECT 1; "
               "CREATE TEMPORARY TABLE scratch (n int); INSERT INTO scratch VALUES (1)");
    CHECK(shown(pg::count_table_rows(*conn)) == std::vector<std::string>{"Odd Schema.it's=1234",
                                                                         "public.empty=0",
                                                                         "public.parted_low=10"});
  }

  TEST_CASE("a row level security policy does not hide rows from the counts") {
    TestDatabase db("row_counts");
    auto conn = db.connect();
    run(*conn, "CREATE TABLE public.secret (n int); INSERT INTO public.secret VALUES (1), (2); "
               "ALTER TABLE public.secret ENABLE ROW LEVEL SECURITY; "
               "ALTER TABLE public.secret FORCE ROW LEVEL SECURITY");
    // The test runs as a superuser, which RLS never hides rows from: what matters is that the
    // count is the table's, and that row_security is off as it is for pg_dump.
    CHECK(shown(pg::count_table_rows(*conn)) == std::vector<std::string>{"public.secret=2"});
    CHECK(scalar(*conn, "SHOW row_security") == "off");
  }

  TEST_CASE("the exported snapshot is what the counts and a session that imports it see") {
    TestDatabase db("row_counts");
    auto setup = db.connect();
    run(*setup, "CREATE TABLE public.t (n int); INSERT INTO public.t SELECT generate_series(1, 5)");
    auto conn = db.connect();
    std::optional<std::string> snapshot = pg::begin_exported_snapshot(*conn);
    REQUIRE(snapshot);
    run(*setup, "INSERT INTO public.t SELECT generate_series(1, 100)");
    CHECK(shown(pg::count_table_rows(*conn)) == std::vector<std::string>{"public.t=5"});
    // As pg_dump --snapshot does it.
    auto importer = db.connect();
    run(*importer, "BEGIN ISOLATION LEVEL REPEATABLE READ");
    run(*importer, "SET TRANSACTION SNAPSHOT '" + *snapshot + "'");
    CHECK(scalar(*importer, "SELECT count(*) FROM public.t") == "5");
    run(*importer, "COMMIT");
    CHECK(scalar(*conn, "SELECT current_setting('transaction_read_only')") == "on");
  }
}
