#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "pg/admin.hpp"
#include "support.hpp"

using agentpg::core::Error;
using agentpg::core::ExitCode;
using agentpg::pg::ConnParams;
using agentpg::testing::admin_connection;
using agentpg::testing::run;
using agentpg::testing::scalar;
using agentpg::testing::TestDatabase;
using agentpg::testing::TestRole;
namespace pg = agentpg::pg;

namespace {

// A database name that needs quoting (quotes, spaces, capitals), for the functions under
// test to create; dropped, if they left it, when the test ends.
class OddDatabase {
public:
  OddDatabase() : m_name("It's \"Odd\" DB " + std::to_string(::getpid())) { drop(); }
  ~OddDatabase() { drop(); }

  const std::string& name() const { return m_name; }
  ConnParams params() const { return agentpg::testing::test_cluster().params(m_name); }
  // Whether the server has it, asked directly.
  bool exists() const {
    return scalar(*admin_connection(), "SELECT count(*) FROM pg_database WHERE datname = $1",
                  {m_name}) == "1";
  }

private:
  void drop() const {
    auto admin = admin_connection();
    admin->try_execute("DROP DATABASE IF EXISTS " + admin->quote_identifier(m_name) +
                       " WITH (FORCE)");
  }
  std::string m_name;
};

} // namespace

TEST_SUITE("pg::admin") {
  TEST_CASE("creates and drops a database whose name needs quotes, each once") {
    OddDatabase odd;
    CHECK_FALSE(pg::database_exists_on_server(odd.params(), 10));
    CHECK(pg::create_database_if_missing(odd.params(), 10));
    CHECK(odd.exists());
    CHECK(pg::database_exists_on_server(odd.params(), 10));
    CHECK_FALSE(pg::create_database_if_missing(odd.params(), 10));
    auto inside = pg::Connection::open(odd.params(), 10);
    CHECK(inside->database() == odd.name());
    inside.reset();
    CHECK(pg::drop_database(odd.params(), 10, false));
    CHECK_FALSE(odd.exists());
    CHECK_FALSE(pg::database_exists_on_server(odd.params(), 10));
    CHECK_FALSE(pg::drop_database(odd.params(), 10, false));
  }

  TEST_CASE("a database URL that names no database is a usage error") {
    ConnParams params = agentpg::testing::test_cluster().params("");
    std::string message = "the database URL " + params.display() + " names no database";
    auto check_refused = [&](auto call) {
      try {
        call();
        FAIL("no error");
      } catch (const Error& e) {
        CHECK(e.code() == ExitCode::usage);
        CHECK(std::string(e.what()) == message);
        CHECK(e.hint() == "add /<database> to the URL");
      }
    };
    check_refused([&] { pg::create_database_if_missing(params, 10); });
    check_refused([&] { pg::database_exists_on_server(params, 10); });
    check_refused([&] { pg::drop_database(params, 10, true); });
  }

  // Without --force the server waits 5 s for the other sessions to leave before it refuses
  // (55006): tests/cli/create_drop_db.sh pays for that wait, once.
  TEST_CASE("a forced drop ends the database's sessions") {
    OddDatabase odd;
    REQUIRE(pg::create_database_if_missing(odd.params(), 10));
    auto session = pg::Connection::open(odd.params(), 10);
    std::string pid = std::to_string(session->backend_pid());
    CHECK(pg::drop_database(odd.params(), 10, true));
    CHECK_FALSE(odd.exists());
    CHECK(scalar(*admin_connection(), "SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid) ==
          "0");
    CHECK(session->try_execute("SELECT 1"));
  }

  TEST_CASE(
      "a role without CREATEDB is told it needs it, and may not drop a database it does not own") {
    TestDatabase db("admin");
    TestRole role("admin_plain", db);
    OddDatabase odd;
    try {
      pg::create_database_if_missing(role.as_role(odd.params()), 10);
      FAIL("created a database without CREATEDB");
    } catch (const Error& e) {
      CHECK(e.code() == ExitCode::sql);
      CHECK(std::string(e.what()) == "cannot create database " + odd.name() +
                                         ": permission denied to create database (SQLSTATE 42501)");
      CHECK(e.hint() == "the user needs the CREATEDB privilege");
    }
    CHECK_FALSE(odd.exists());
    // Whether it exists, anyone may ask.
    CHECK(pg::database_exists_on_server(role.as_role(db.params()), 10));
    try {
      pg::drop_database(role.as_role(db.params()), 10, false);
      FAIL("dropped another role's database");
    } catch (const Error& e) {
      CHECK(e.code() == ExitCode::sql);
      CHECK(std::string(e.what()) == "cannot drop database " + db.name() +
                                         ": must be owner of database " + db.name() +
                                         " (SQLSTATE 42501)");
      CHECK(e.hint() == "");
    }
    CHECK(pg::database_exists_on_server(db.params(), 10));
  }

  TEST_CASE("asks template1 when the postgres database cannot be reached, and names postgres when "
            "neither can") {
    TestDatabase db("admin");
    TestRole role("admin_fallback", db);
    // Sessions of this role in postgres fail at their start: a library that is not there.
    run(*admin_connection(),
        "ALTER ROLE " + role.name() +
            " IN DATABASE postgres SET session_preload_libraries = 'it_missing_library'");
    CHECK_THROWS_AS(
        pg::Connection::open(role.as_role(agentpg::testing::test_cluster().params("postgres")), 10),
        Error);
    CHECK(pg::database_exists_on_server(role.as_role(db.params()), 10));
    ConnParams missing = role.as_role(db.params());
    missing.set("dbname", db.name() + "_missing");
    CHECK_FALSE(pg::database_exists_on_server(missing, 10));
    run(*admin_connection(),
        "ALTER ROLE " + role.name() +
            " IN DATABASE template1 SET session_preload_libraries = 'it_missing_library'");
    try {
      pg::database_exists_on_server(role.as_role(db.params()), 10);
      FAIL("connected with neither database reachable");
    } catch (const Error& e) {
      CHECK(e.code() == ExitCode::connection);
      std::string message = e.what();
      CHECK(message.find("/postgres?") != std::string::npos);
      CHECK(message.find("template1") == std::string::npos);
      CHECK(message.find("it_missing_library") != std::string::npos);
    }
  }

  TEST_CASE("processes racing to create the same database: one creates it and none fails") {
    OddDatabase odd;
    std::atomic<int> ready{0};
    std::vector<int> created(3, -1);
    std::vector<std::string> errors(created.size());
    std::vector<std::thread> racers;
    for (size_t i = 0; i < created.size(); ++i) {
      racers.emplace_back([&, i] {
        ready.fetch_add(1);
        while (ready.load() < static_cast<int>(created.size())) {
          std::this_thread::yield();
        }
        try {
          created[i] = pg::create_database_if_missing(odd.params(), 10) ? 1 : 0;
        } catch (const Error& e) {
          errors[i] = e.what();
        }
      });
    }
    for (auto& racer : racers) {
      racer.join();
    }
    CHECK(errors == std::vector<std::string>(created.size()));
    int winners = 0;
    for (int c : created) {
      CHECK(c >= 0);
      winners += c == 1 ? 1 : 0;
    }
    CHECK(winners == 1);
    CHECK(odd.exists());
  }

  TEST_CASE("swapping ends the target's sessions and renames both databases at once") {
    OddDatabase target;
    std::string suffix = std::to_string(::getpid());
    std::string replacement = "it_swap_new_" + suffix;
    std::string aside = "it_swap_old_" + suffix;
    auto admin = admin_connection();
    for (const auto& name : {replacement, aside}) {
      admin->try_execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
    REQUIRE(pg::create_database_if_missing(target.params(), 10));
    run(*pg::Connection::open(target.params(), 10), "CREATE TABLE old_marker (n int)");
    ConnParams fresh = agentpg::testing::test_cluster().params(replacement);
    REQUIRE(pg::create_database_if_missing(fresh, 10));
    run(*pg::Connection::open(fresh, 10), "CREATE TABLE new_marker (n int)");
    auto session = pg::Connection::open(target.params(), 10);

    pg::swap_databases(target.params(), target.name(), replacement, aside, 10);
    CHECK(session->try_execute("SELECT 1")); // ended
    CHECK(scalar(*pg::Connection::open(target.params(), 10),
                 "SELECT count(*) FROM pg_class WHERE relname = 'new_marker'") == "1");
    ConnParams old = agentpg::testing::test_cluster().params(aside);
    CHECK(scalar(*pg::Connection::open(old, 10),
                 "SELECT count(*) FROM pg_class WHERE relname = 'old_marker'") == "1");
    CHECK_FALSE(pg::database_exists_on_server(fresh, 10));
    CHECK(pg::drop_database(old, 10, true));
  }

  TEST_CASE("a swap that cannot finish renames nothing") {
    OddDatabase target;
    std::string aside = "it_swap_aside_" + std::to_string(::getpid());
    REQUIRE(pg::create_database_if_missing(target.params(), 10));
    // The first rename succeeds, the second fails (no such database): both are undone.
    try {
      pg::swap_databases(target.params(), target.name(), "it_swap_missing", aside, 10);
      FAIL("swapped in a database that does not exist");
    } catch (const Error& e) {
      CHECK(e.code() == ExitCode::sql);
      CHECK(
          std::string(e.what()) ==
          "cannot swap database " + target.name() +
              " for it_swap_missing: database \"it_swap_missing\" does not exist (SQLSTATE 3D000)");
    }
    CHECK(target.exists());
    CHECK_FALSE(pg::database_exists_on_server(agentpg::testing::test_cluster().params(aside), 10));
  }

  TEST_CASE("renaming onto an existing name is refused with the server's words") {
    OddDatabase target;
    TestDatabase db("admin");
    REQUIRE(pg::create_database_if_missing(target.params(), 10));
    try {
      pg::rename_database(target.params(), target.name(), db.name(), 10);
      FAIL("renamed onto an existing database");
    } catch (const Error& e) {
      CHECK(e.code() == ExitCode::sql);
      CHECK(std::string(e.what()) == "cannot rename database " + target.name() + " to " +
                                         db.name() + ": database \"" + db.name() +
                                         "\" already exists (SQLSTATE 42P04)");
    }
    CHECK(target.exists());
  }

  TEST_CASE("finds the databases named a prefix and 8 hex digits, and only those") {
    std::string prefix = "it_side_" + std::to_string(::getpid()) + "_restore_";
    std::vector<std::string> names = {prefix + "0123abcd", prefix + "ffffffff", prefix + "0123abc",
                                      prefix + "0123abcdx", prefix + "0123ABCD"};
    auto admin = admin_connection();
    for (const auto& name : names) {
      run(*admin, "CREATE DATABASE " + admin->quote_identifier(name));
    }
    ConnParams server = agentpg::testing::test_cluster().params("postgres");
    CHECK(pg::databases_with_prefix(server, prefix, 10) ==
          std::vector<std::string>{prefix + "0123abcd", prefix + "ffffffff"});
    for (const auto& name : names) {
      run(*admin, "DROP DATABASE " + admin->quote_identifier(name));
    }
  }
}
