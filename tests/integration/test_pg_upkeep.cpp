#include "core/error.hpp"
#include "pg/upkeep.hpp"
#include "support.hpp"
#include "util/interval.hpp"

using agentpg::testing::TestDatabase;
namespace pg = agentpg::pg;

namespace {

void run(pg::Connection& conn, const std::string& sql) {
  auto error = conn.try_execute(sql);
  REQUIRE_MESSAGE(!error, (error ? error->message : ""));
}

// The shape of the bundled schemas' upkeep functions, enough to drive them.
void fake_caracal(pg::Connection& conn) {
  run(conn,
      "CREATE SCHEMA caracal; CREATE TABLE caracal.provisional_charges (id int, released bool, "
      "expires_at timestamptz); INSERT INTO caracal.provisional_charges VALUES "
      "(1, false, now() - interval '1 hour'), (2, false, now() + interval '1 hour'), "
      "(3, true, now() - interval '1 hour');"
      "CREATE FUNCTION caracal.release_expired_charges() RETURNS bigint LANGUAGE sql AS $$ "
      "WITH r AS (UPDATE caracal.provisional_charges SET released = true "
      "WHERE NOT released AND expires_at <= now() RETURNING 1) SELECT count(*) FROM r $$");
}

} // namespace

TEST_SUITE("pg::upkeep") {
  TEST_CASE("agentpg's canonical windows are the intervals the server reads the input as") {
    TestDatabase db("interval");
    auto conn = db.connect();
    for (const char* text : {"90 days", "1 year 6 mons", "48h", "2 weeks", "1h30m", "3 millennia",
                             "500 ms", "7 DAYS", "1 decade 1 us"}) {
      CAPTURE(text);
      agentpg::util::IntervalParse parsed = agentpg::util::parse_interval(text);
      REQUIRE(parsed.ok);
      CHECK(conn->query("SELECT ($1::interval = $2::interval)::text",
                        {std::string(text), parsed.value.text})
                .text(0, 0) == "true");
    }
  }

  TEST_CASE("expired charges are counted, then released in one transaction") {
    TestDatabase db("charges");
    auto conn = db.connect();
    fake_caracal(*conn);
    CHECK(pg::expired_charges(*conn) == 1);
    CHECK(pg::release_expired_charges(*conn) == 1);
    CHECK(pg::expired_charges(*conn) == 0);
    CHECK(
        conn->query("SELECT count(*) FROM caracal.provisional_charges WHERE released").text(0, 0) ==
        "2");
  }

  TEST_CASE("a failing job is rolled back and named") {
    TestDatabase db("failing");
    auto conn = db.connect();
    run(*conn, "CREATE SCHEMA caracal; CREATE TABLE caracal.log (n int); CREATE FUNCTION "
               "caracal.release_expired_charges() RETURNS bigint LANGUAGE plpgsql AS $$ BEGIN "
               "INSERT INTO caracal.log VALUES (1); RAISE EXCEPTION 'boom'; END $$");
    try {
      pg::release_expired_charges(*conn);
      FAIL("expected an error");
    } catch (const agentpg::core::Error& e) {
      CHECK(std::string(e.what()).find("boom") != std::string::npos);
    }
    CHECK(conn->query("SELECT count(*) FROM caracal.log").text(0, 0) == "0");
    CHECK(conn->query("SELECT 1").text(0, 0) == "1"); // the session is usable again
  }

  TEST_CASE("retention counts what is older than each window and applies the cleanup functions") {
    TestDatabase db("retention");
    auto conn = db.connect();
    run(*conn, "CREATE SCHEMA agency;"
               "CREATE TABLE agency.task_artifacts (created_at timestamptz);"
               "CREATE TABLE agency.task_progress (created_at timestamptz);"
               "CREATE TABLE agency.tasks (completed_at timestamptz, status text);"
               "CREATE TABLE agency.system_metrics (collected_at timestamptz);"
               "CREATE TABLE agency.slo_measurements (measured_at timestamptz);"
               "CREATE TABLE agency.audit_log (created_at timestamptz);"
               "INSERT INTO agency.task_artifacts VALUES (now() - interval '10 days'), (now());"
               "INSERT INTO agency.tasks VALUES (now() - interval '10 days', 'done'), "
               "(now() - interval '10 days', 'archived');"
               "INSERT INTO agency.audit_log VALUES (now() - interval '400 days');"
               "CREATE FUNCTION agency.cleanup_old_tasks(w interval, OUT a bigint, OUT p bigint, "
               "OUT t bigint) "
               "LANGUAGE sql AS $$ SELECT 7::bigint, 8::bigint, 9::bigint $$;"
               "CREATE FUNCTION agency.cleanup_old_metrics(w interval, OUT s bigint, OUT m bigint) "
               "LANGUAGE sql AS $$ SELECT 5::bigint, 6::bigint $$;"
               "CREATE FUNCTION agency.cleanup_old_audit_logs(w interval) RETURNS bigint "
               "LANGUAGE sql AS $$ SELECT 4::bigint $$");
    pg::RetentionWindows windows{"7 days", "30 days", "365 days"};
    pg::RetentionCounts due = pg::retention_due(*conn, windows);
    CHECK(due.task_artifacts == 1);
    CHECK(due.tasks_archived == 1);
    CHECK(due.system_metrics == 0);
    CHECK(due.audit_log == 1);
    pg::RetentionCounts done = pg::apply_retention(*conn, windows);
    CHECK(done.task_artifacts == 7);
    CHECK(done.tasks_archived == 9);
    CHECK(done.slo_measurements == 6);
    CHECK(done.audit_log == 4);
  }

  TEST_CASE("ANALYZE reaches quoted table names") {
    TestDatabase db("analyze");
    auto conn = db.connect();
    run(*conn, "CREATE SCHEMA \"S p\"; CREATE TABLE \"S p\".\"T\" (n int); INSERT INTO \"S "
               "p\".\"T\" SELECT 1");
    pg::analyze_tables(*conn, {"S p.T"});
    CHECK(
        conn->query("SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'T'")
            .text(0, 0) == "t");
  }

  TEST_CASE("pg_cron is reported missing and every job has a schedule") {
    TestDatabase db("cron");
    auto conn = db.connect();
    CHECK_FALSE(pg::cron_installed(*conn));
    REQUIRE(pg::upkeep_jobs().size() == 3);
    for (const auto& job : pg::upkeep_jobs()) {
      CHECK(std::string(job.schedule).find(' ') != std::string::npos);
    }
  }
}
