#include <string>
#include <utility>
#include <vector>

#include <libpq-fe.h>

#include "pg/health.hpp"
#include "support.hpp"

using agentpg::pg::Connection;
using agentpg::testing::InBackground;
using agentpg::testing::run;
using agentpg::testing::scalar;
using agentpg::testing::TestDatabase;
using agentpg::testing::wait_until;
namespace pg = agentpg::pg;

namespace {

// Statistics a session gathers reach the shared views when it next goes idle, at most
// once a second; this makes it send them now.
void flush_statistics(Connection& conn) {
  run(conn, "SELECT pg_stat_force_next_flush()");
}

long long number(Connection& conn, const std::string& sql) {
  return std::stoll(scalar(conn, sql));
}

} // namespace

TEST_SUITE("pg::health") {
  TEST_CASE(
      "largest_tables gives exact sizes largest first, and estimates when a table is locked") {
    TestDatabase db("health");
    auto conn = db.connect();
    run(*conn, "CREATE TABLE public.big (id int, name text); "
               "INSERT INTO public.big SELECT i, 'name-' || i FROM generate_series(1, 3000) i; "
               "CREATE INDEX big_name ON public.big (name); "
               "CREATE TABLE public.toasty (body text); ALTER TABLE public.toasty ALTER body SET "
               "STORAGE EXTERNAL; "
               "INSERT INTO public.toasty SELECT string_agg(md5(i::text), '') FROM "
               "generate_series(1, 400) i; "
               "CREATE TABLE public.\"Small Table\" (id int); INSERT INTO public.\"Small Table\" "
               "VALUES (1)");
    run(*conn, "VACUUM ANALYZE public.big, public.toasty, public.\"Small Table\"");
    CHECK(pg::database_size(*conn) == number(*conn, "SELECT pg_database_size(current_database())"));
    CHECK(pg::database_size(*conn) > 7000000);

    std::vector<pg::TableSize> sizes = pg::largest_tables(*conn, 10);
    REQUIRE(sizes.size() == 3);
    const std::vector<std::pair<std::string, std::string>> names = {
        {"public.big", "public.big"},
        {"public.toasty", "public.toasty"},
        {"public.Small Table", "public.\"Small Table\""}};
    for (size_t i = 0; i < names.size(); ++i) {
      const std::string& sql_name = names[i].second;
      CAPTURE(sql_name);
      CHECK(sizes[i].table == names[i].first);
      CHECK(sizes[i].total == number(*conn, "SELECT pg_total_relation_size('" + sql_name + "')"));
      CHECK(sizes[i].heap == number(*conn, "SELECT pg_relation_size('" + sql_name + "')"));
      CHECK(sizes[i].indexes == number(*conn, "SELECT pg_indexes_size('" + sql_name + "')"));
    }
    CHECK(sizes[0].indexes > 0);
    CHECK(sizes[1].toast == number(*conn,
                                   "SELECT pg_total_relation_size(reltoastrelid) FROM pg_class "
                                   "WHERE oid = 'public.toasty'::regclass"));
    CHECK(sizes[1].toast > 8192);
    CHECK(sizes[2].heap == 8192);
    CHECK(sizes[2].indexes == 0);
    CHECK(sizes[2].toast == 0);
    CHECK(pg::largest_tables(*conn, 1).size() == 1);

    // Locked by another session: the catalog's page counts (exact after VACUUM) instead of a wait.
    auto locker = db.connect();
    run(*locker, "BEGIN; LOCK TABLE public.big IN ACCESS EXCLUSIVE MODE");
    run(*conn, "SET lock_timeout = '50ms'");
    std::vector<pg::TableSize> estimated = pg::largest_tables(*conn, 10);
    REQUIRE(estimated.size() == 3);
    CHECK(estimated[0].table == "public.big");
    CHECK(estimated[0].heap == sizes[0].heap);
    CHECK(estimated[0].indexes == sizes[0].indexes);
    CHECK(estimated[0].total == sizes[0].heap + sizes[0].indexes);
    CHECK(estimated[1].toast ==
          number(*conn, "SELECT t.relpages::bigint * 8192 FROM pg_class c JOIN pg_class t "
                        "ON t.oid = c.reltoastrelid WHERE c.oid = 'public.toasty'::regclass"));
    run(*locker, "ROLLBACK");
  }

  TEST_CASE("index_usage counts scans per index with its size and uniqueness, estimated when one "
            "is locked") {
    TestDatabase db("health");
    auto conn = db.connect();
    run(*conn, "CREATE TABLE public.t (id int PRIMARY KEY, code text UNIQUE, n int); "
               "INSERT INTO public.t SELECT i, 'c' || i, i FROM generate_series(1, 10) i; "
               "CREATE INDEX t_n_idx ON public.t (n); CREATE TABLE public.\"Odd Table\" (x int); "
               "CREATE INDEX \"Odd Index\" ON public.\"Odd Table\" (x); SET enable_seqscan = off");
    for (int i = 0; i < 3; ++i) {
      CHECK(scalar(*conn, "SELECT code FROM public.t WHERE id = 3") == "c3");
    }
    flush_statistics(*conn);
    std::vector<pg::IndexUsage> usage = pg::index_usage(*conn);
    REQUIRE(usage.size() == 4);
    CHECK(usage[0].index == "public.Odd Index");
    CHECK(usage[0].table == "public.Odd Table");
    CHECK(usage[0].scans == 0);
    CHECK(usage[0].size == 8192); // the metapage of an empty btree
    CHECK_FALSE(usage[0].unique);
    CHECK(usage[1].index == "public.t_code_key");
    CHECK(usage[1].table == "public.t");
    CHECK(usage[1].scans == 0);
    CHECK(usage[1].size == 16384);
    CHECK(usage[1].unique);
    CHECK(usage[2].index == "public.t_n_idx");
    CHECK(usage[2].scans == 0);
    CHECK_FALSE(usage[2].unique);
    CHECK(usage[3].index == "public.t_pkey");
    CHECK(usage[3].scans == 3);
    CHECK(usage[3].size == 16384);
    CHECK(usage[3].unique);

    // The primary key was built on the empty table: the catalog still says one page.
    auto locker = db.connect();
    run(*locker, "BEGIN; ALTER TABLE public.t DROP CONSTRAINT t_pkey");
    run(*conn, "SET lock_timeout = '50ms'");
    std::vector<pg::IndexUsage> estimated = pg::index_usage(*conn);
    REQUIRE(estimated.size() == 4);
    CHECK(estimated[3].index == "public.t_pkey");
    CHECK(estimated[3].scans == 3);
    CHECK(estimated[3].size == 8192);
    CHECK(estimated[2].size == 16384);
    run(*locker, "ROLLBACK");
  }

  TEST_CASE("duplicate_indexes pairs indexes of the same columns, operator classes, collations, "
            "orders, expressions and predicate; never a unique one as the duplicate") {
    TestDatabase db("health");
    auto conn = db.connect();
    CHECK(pg::duplicate_indexes(*conn).empty());
    run(*conn,
        "CREATE TABLE public.t (a int, b int, c text); "
        "CREATE INDEX t_a1 ON public.t (a); CREATE INDEX t_a2 ON public.t (a); "
        "CREATE INDEX t_ab ON public.t (a, b); CREATE INDEX t_ba ON public.t (b, a); "
        "CREATE INDEX t_a_pos ON public.t (a) WHERE a > 0; CREATE INDEX t_a_neg ON public.t (a) "
        "WHERE a < 0; "
        "CREATE INDEX t_a_pos2 ON public.t (a) WHERE a > 0; "
        "CREATE INDEX t_lower ON public.t (lower(c)); CREATE INDEX t_upper ON public.t (upper(c)); "
        "CREATE INDEX t_lower2 ON public.t (lower(c)); "
        "CREATE INDEX t_c ON public.t (c); CREATE INDEX t_c_pattern ON public.t (c "
        "text_pattern_ops); CREATE INDEX t_c_collated ON public.t (c COLLATE \"C\"); "
        "CREATE INDEX t_ab_desc ON public.t (a, b DESC); CREATE INDEX t_ba_nulls ON public.t (b, a "
        "NULLS FIRST); "
        "CREATE INDEX t_b ON public.t (b); ALTER TABLE public.t ADD CONSTRAINT t_b_key UNIQUE (b); "
        "CREATE SCHEMA \"Odd Schema\"; CREATE TABLE \"Odd Schema\".\"T\" (\"A\" int); "
        "CREATE INDEX \"Idx 1\" ON \"Odd Schema\".\"T\" (\"A\"); "
        "CREATE INDEX \"Idx 2\" ON \"Odd Schema\".\"T\" (\"A\")");
    std::vector<pg::DuplicateIndex> duplicates = pg::duplicate_indexes(*conn);
    // Names as regclass prints them: qualified and quoted where search_path and case need it.
    const std::vector<std::vector<std::string>> expected = {
        {"\"Odd Schema\".\"T\"", "\"Odd Schema\".\"Idx 2\"", "\"Odd Schema\".\"Idx 1\""},
        {"t", "t_a2", "t_a1"},
        {"t", "t_a_pos2", "t_a_pos"},
        {"t", "t_b", "t_b_key"},
        {"t", "t_lower2", "t_lower"},
    };
    std::vector<std::vector<std::string>> found;
    for (const auto& d : duplicates) {
      found.push_back({d.table, d.index, d.duplicate_of});
    }
    CHECK(found == expected);
  }

  TEST_CASE("dead_tuples lists the tables with dead rows, most first, with when they were vacuumed "
            "and analysed") {
    TestDatabase db("health");
    auto conn = db.connect();
    run(*conn, "CREATE TABLE public.a (id int) WITH (autovacuum_enabled = false); "
               "CREATE TABLE public.b (id int) WITH (autovacuum_enabled = false); "
               "CREATE TABLE public.c (id int) WITH (autovacuum_enabled = false); "
               "INSERT INTO public.a SELECT generate_series(1, 30); INSERT INTO public.b SELECT "
               "generate_series(1, 30); "
               "INSERT INTO public.c SELECT generate_series(1, 30)");
    flush_statistics(*conn);
    CHECK(pg::dead_tuples(*conn, 10).empty());
    run(*conn, "ANALYZE public.b");
    run(*conn, "DELETE FROM public.a WHERE id <= 10");
    run(*conn, "DELETE FROM public.b WHERE id <= 5");
    flush_statistics(*conn);
    std::vector<pg::DeadTuples> dead = pg::dead_tuples(*conn, 10);
    REQUIRE(dead.size() == 2);
    CHECK(dead[0].table == "public.a");
    CHECK(dead[0].live == 20);
    CHECK(dead[0].dead == 10);
    CHECK(dead[0].last_vacuum == "");
    CHECK(dead[0].last_autovacuum == "");
    CHECK(dead[0].last_analyze == "");
    CHECK(dead[0].last_autoanalyze == "");
    CHECK(dead[1].table == "public.b");
    CHECK(dead[1].live == 25);
    CHECK(dead[1].dead == 5);
    CHECK(dead[1].last_vacuum == "");
    CHECK(dead[1].last_analyze == scalar(*conn,
                                         "SELECT to_char(last_analyze, 'YYYY-MM-DD HH24:MI') "
                                         "FROM pg_stat_user_tables WHERE relname = 'b'"));
    CHECK(dead[1].last_analyze.size() == 16);
    CHECK(dead[1].last_autoanalyze == "");
    REQUIRE(pg::dead_tuples(*conn, 1).size() == 1);
    CHECK(pg::dead_tuples(*conn, 1)[0].table == "public.a");
  }

  TEST_CASE("connections_by_state counts this database's sessions by state, most first") {
    TestDatabase db("health");
    auto conn = db.connect();
    auto idle1 = db.connect();
    auto idle2 = db.connect();
    auto in_transaction = db.connect();
    run(*in_transaction, "BEGIN; SELECT 1");
    auto elsewhere = agentpg::testing::admin_connection();
    using Counts = std::vector<std::pair<std::string, long long>>;
    CHECK(pg::connections_by_state(*conn) ==
          Counts{{"idle", 2}, {"active", 1}, {"idle in transaction", 1}});
    run(*in_transaction, "COMMIT");
    CHECK(pg::connections_by_state(*conn) == Counts{{"idle", 3}, {"active", 1}});
  }

  TEST_CASE("longest_running lists the other sessions at work, timing one idle in a transaction "
            "from its start") {
    TestDatabase db("health");
    auto conn = db.connect();
    agentpg::pg::ConnParams named = db.params();
    named.set("application_name", "it's me");
    auto in_transaction = Connection::open(named, 10);
    std::string long_query = "SELECT 1 /* " + std::string(250, 'x') + " */";
    run(*in_transaction, "BEGIN");
    run(*in_transaction, "SELECT pg_sleep(0.3)");
    run(*in_transaction, long_query);
    auto idle = db.connect();
    auto busy = db.connect();
    InBackground sleeper(*busy, "SELECT pg_sleep(30)");
    int busy_pid = sleeper.pid();
    wait_until(*conn, "SELECT count(*) = 1 FROM pg_stat_activity WHERE pid = " +
                          std::to_string(busy_pid) + " AND state = 'active'");
    std::vector<pg::Activity> running = pg::longest_running(*conn, 10);
    REQUIRE(running.size() == 2);
    CHECK(running[0].pid == in_transaction->backend_pid());
    CHECK(running[0].state == "idle in transaction");
    CHECK(running[0].user == "postgres");
    CHECK(running[0].application == "it's me");
    CHECK(running[0].query == long_query.substr(0, 200));
    CHECK(running[0].seconds >= 0.3);
    CHECK(running[1].pid == busy_pid);
    CHECK(running[1].state == "active");
    CHECK(running[1].application == "agentpg");
    CHECK(running[1].query == "SELECT pg_sleep(30)");
    CHECK(running[1].seconds >= 0);
    CHECK(running[1].seconds < running[0].seconds);
    std::vector<pg::Activity> first = pg::longest_running(*conn, 1);
    REQUIRE(first.size() == 1);
    CHECK(first[0].pid == in_transaction->backend_pid());
  }

  TEST_CASE("blocked_sessions pairs a session waiting for a lock with the session holding it") {
    TestDatabase db("health");
    auto conn = db.connect();
    run(*conn, "CREATE TABLE public.t (id int)");
    CHECK(pg::blocked_sessions(*conn).empty());
    auto holder = db.connect();
    run(*holder, "BEGIN");
    run(*holder, "LOCK TABLE public.t IN ACCESS EXCLUSIVE MODE");
    auto waiter = db.connect();
    InBackground reader(*waiter, "SELECT count(*) FROM public.t");
    int waiter_pid = reader.pid();
    wait_until(*conn,
               "SELECT cardinality(pg_blocking_pids(" + std::to_string(waiter_pid) + ")) = 1");
    std::vector<pg::Blocking> blocked = pg::blocked_sessions(*conn);
    run(*holder, "COMMIT");
    CHECK(reader.finish().text(0, 0) == "0");
    REQUIRE(blocked.size() == 1);
    CHECK(blocked[0].blocked_pid == waiter_pid);
    CHECK(blocked[0].blocking_pid == holder->backend_pid());
    CHECK(blocked[0].blocked_query == "SELECT count(*) FROM public.t");
    CHECK(blocked[0].blocking_query == "LOCK TABLE public.t IN ACCESS EXCLUSIVE MODE");
    CHECK(blocked[0].waiting_seconds >= 0);
    CHECK(blocked[0].waiting_seconds < 10);
    CHECK(pg::blocked_sessions(*conn).empty());
  }

  TEST_CASE("top_statements is nullopt without pg_stat_statements, and when it is installed but "
            "not preloaded") {
    TestDatabase db("health");
    auto conn = db.connect();
    REQUIRE(scalar(*conn, "SHOW shared_preload_libraries") == "");
    CHECK_FALSE(pg::top_statements(*conn, 5));
    run(*conn, "CREATE EXTENSION pg_stat_statements");
    CHECK_FALSE(pg::top_statements(*conn, 5));
  }

  TEST_CASE("replicas lists the sessions streaming from this server, with their client and lag") {
    TestDatabase db("health");
    auto conn = db.connect();
    std::string name = agentpg::testing::unique_name("replica");
    auto mine = [&] {
      std::vector<pg::Replica> found;
      for (const auto& r : pg::replicas(*conn)) {
        if (r.name == name) {
          found.push_back(r);
        }
      }
      return found;
    };
    CHECK(mine().empty());
    // A logical replication connection over the unix socket, before it asks for any WAL.
    agentpg::pg::ConnParams params = db.params();
    params.set("replication", "database");
    params.set("application_name", name);
    PGconn* replica = PQconnectdb(params.conninfo().c_str());
    REQUIRE_MESSAGE(PQstatus(replica) == CONNECTION_OK, PQerrorMessage(replica));
    std::vector<pg::Replica> found = mine();
    PQfinish(replica);
    REQUIRE(found.size() == 1);
    CHECK(found[0].client == "local");
    CHECK(found[0].state == "startup");
    CHECK(found[0].lag_bytes == 0);
    CHECK(found[0].replay_lag == "");
  }

  TEST_CASE("extensions lists the installed extensions with their versions, by name") {
    TestDatabase db("health");
    auto conn = db.connect();
    std::vector<pg::Extension> installed = pg::extensions(*conn);
    REQUIRE(installed.size() == 1);
    CHECK(installed[0].name == "plpgsql");
    CHECK(installed[0].version == "1.0");
    run(*conn, "CREATE SCHEMA \"Ext Schema\"; CREATE EXTENSION citext SCHEMA \"Ext Schema\"");
    installed = pg::extensions(*conn);
    REQUIRE(installed.size() == 2);
    CHECK(installed[0].name == "citext");
    CHECK(installed[0].version == scalar(*conn,
                                         "SELECT default_version FROM pg_available_extensions "
                                         "WHERE name = 'citext'"));
    CHECK(installed[1].name == "plpgsql");
  }

  TEST_CASE("stale_statistics names tables changed past autovacuum's threshold since ANALYZE, or "
            "never analysed") {
    TestDatabase db("health");
    auto conn = db.connect();
    for (const char* table : {"\"Never Analysed\"", "fresh", "changed", "at_threshold", "empty"}) {
      run(*conn, std::string("CREATE TABLE public.") + table +
                     " (id int, v int) WITH (autovacuum_enabled = false)");
    }
    run(*conn, "INSERT INTO public.\"Never Analysed\" SELECT i, i FROM generate_series(1, 10) i; "
               "INSERT INTO public.fresh SELECT i, i FROM generate_series(1, 10) i; "
               "INSERT INTO public.changed SELECT i, i FROM generate_series(1, 100) i; "
               "INSERT INTO public.at_threshold SELECT i, i FROM generate_series(1, 100) i");
    flush_statistics(*conn);
    run(*conn, "ANALYZE public.fresh, public.changed, public.at_threshold");
    // autovacuum's rule: more than 50 + 10% of the rows changed (here 60).
    run(*conn, "UPDATE public.changed SET v = 0 WHERE id <= 61");
    run(*conn, "UPDATE public.at_threshold SET v = 0 WHERE id <= 60");
    flush_statistics(*conn);
    CHECK(pg::stale_statistics(*conn) ==
          std::vector<std::string>{"public.Never Analysed", "public.changed"});
  }

  TEST_CASE("function_exists matches schema.function as written, whatever its arguments") {
    TestDatabase db("health");
    auto conn = db.connect();
    run(*conn,
        "CREATE SCHEMA \"Odd Schema\"; "
        "CREATE FUNCTION \"Odd Schema\".\"Do It\"() RETURNS int LANGUAGE sql AS 'SELECT 1'; "
        "CREATE FUNCTION public.cleanup(days int, dry boolean) RETURNS void LANGUAGE sql AS ''; "
        "CREATE PROCEDURE public.\"it's\"() LANGUAGE sql AS ''");
    CHECK(pg::function_exists(*conn, "Odd Schema.Do It"));
    CHECK(pg::function_exists(*conn, "public.cleanup"));
    CHECK(pg::function_exists(*conn, "public.it's"));
    CHECK(pg::function_exists(*conn, "pg_catalog.now"));
    CHECK_FALSE(pg::function_exists(*conn, "odd schema.do it"));
    CHECK_FALSE(pg::function_exists(*conn, "\"Odd Schema\".\"Do It\""));
    CHECK_FALSE(pg::function_exists(*conn, "cleanup"));
    CHECK_FALSE(pg::function_exists(*conn, "public.cleanup(int, boolean)"));
    CHECK_FALSE(pg::function_exists(*conn, "public.missing"));
  }
}
