#pragma once
// The integration tests' cluster (started by ctest with `agentpg local start`) and a
// throwaway database per test file, emptied for each test.
#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "local/cluster.hpp"
#include "pg/conn_params.hpp"
#include "pg/connection.hpp"

namespace agentpg::testing {

inline local::Cluster test_cluster() {
  const char* dir = std::getenv("AGENTPG_TEST_CLUSTER");
  if (dir == nullptr || *dir == '\0') {
    // Loud, never a skip: CI must not pass without a database.
    FAIL("AGENTPG_TEST_CLUSTER is not set: run the integration tests through ctest (scripts/test)");
  }
  return local::Cluster({dir, "postgres", ""});
}

// A connection to the cluster's maintenance database, as the superuser.
inline std::unique_ptr<pg::Connection> admin_connection() {
  return pg::Connection::open(test_cluster().params("postgres"), 10);
}

// A name no other run of the suite uses: "it_<tag>_<pid>".
inline std::string unique_name(const std::string& tag) {
  return "it_" + tag + "_" + std::to_string(::getpid());
}

// Runs SQL that must succeed; the test stops with the server's message when it does not.
inline void run(pg::Connection& conn, const pg::Query& sql) {
  auto error = conn.try_execute(sql);
  REQUIRE_MESSAGE(!error, (error ? error->message + " in: " + sql.text : ""));
}

// The one value of a one-row, one-column query.
inline std::string scalar(pg::Connection& conn, const std::string& sql,
                          const std::vector<pg::Value>& params = {}) {
  pg::Rows rows = conn.query(sql, params);
  REQUIRE(rows.size() == 1);
  return rows.text(0, 0);
}

// Polls until the query answers true (10 seconds at most).
inline void wait_until(pg::Connection& conn, const std::string& sql) {
  for (int i = 0; i < 500; ++i) {
    if (scalar(conn, sql) == "t") {
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  FAIL("timed out waiting for: " << sql);
}

// A statement that `conn` runs on a thread of its own. finish() waits for it; when the test
// ends first, the statement is cancelled so that the thread can be joined.
class InBackground {
public:
  InBackground(pg::Connection& conn, std::string sql)
      : m_pid(conn.backend_pid()),
        m_thread([this, &conn, sql] { m_error = conn.try_query(sql, m_rows); }) {}
  ~InBackground() {
    if (m_thread.joinable()) {
      admin_connection()->try_execute("SELECT pg_cancel_backend(" + std::to_string(m_pid) + ")");
      m_thread.join();
    }
  }
  InBackground(const InBackground&) = delete;
  InBackground& operator=(const InBackground&) = delete;

  int pid() const { return m_pid; }
  // The statement's result; it must have succeeded.
  const pg::Rows& finish() {
    m_thread.join();
    REQUIRE_MESSAGE(!m_error, (m_error ? m_error->message : ""));
    return m_rows;
  }

private:
  int m_pid;
  pg::Rows m_rows;
  std::optional<pg::ServerError> m_error;
  std::thread m_thread;
};

// The databases this run made, dropped when it ends.
class MadeDatabases {
public:
  ~MadeDatabases() {
    for (const auto& name : m_names) {
      admin_connection()->try_execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
  }
  bool has(const std::string& name) const { return m_names.count(name) > 0; }
  void add(const std::string& name) { m_names.insert(name); }

private:
  std::set<std::string> m_names;
};

inline MadeDatabases& made_databases() {
  static MadeDatabases made;
  return made;
}

// The database of a test file, "it_<tag>_<pid>": made by the file's first test, dropped
// when the run ends, and given to each test as CREATE DATABASE made it, with no session,
// no schema but an empty public and no extension but plpgsql. A database of its own for
// each test would cost a CREATE DATABASE each (a copy of template1: 0.1 to 0.5 s, most
// of the run); emptying one takes milliseconds.
class TestDatabase {
public:
  explicit TestDatabase(const std::string& tag) : m_name(unique_name(tag)) {
    auto admin = admin_connection();
    if (made_databases().has(m_name)) {
      empty(*admin);
      return;
    }
    admin->try_execute("DROP DATABASE IF EXISTS " + m_name + " WITH (FORCE)");
    auto error = admin->try_execute("CREATE DATABASE " + m_name);
    REQUIRE_MESSAGE(!error, (error ? error->message : ""));
    made_databases().add(m_name);
  }

  const std::string& name() const { return m_name; }
  pg::ConnParams params() const { return test_cluster().params(m_name); }
  std::unique_ptr<pg::Connection> connect() const { return pg::Connection::open(params(), 10); }

private:
  void empty(pg::Connection& admin) const {
    end_sessions(admin);
    run(*connect(), "DO $$ DECLARE n name; BEGIN "
                    "FOR n IN SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' LOOP "
                    "EXECUTE format('DROP EXTENSION %I CASCADE', n); END LOOP; "
                    "FOR n IN SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', "
                    "'information_schema', 'pg_toast') AND nspname NOT LIKE 'pg\\_temp\\_%' "
                    "AND nspname NOT LIKE 'pg\\_toast\\_temp\\_%' LOOP "
                    "EXECUTE format('DROP SCHEMA %I CASCADE', n); END LOOP; END $$; "
                    "CREATE SCHEMA public AUTHORIZATION pg_database_owner; "
                    "GRANT USAGE ON SCHEMA public TO PUBLIC; "
                    "COMMENT ON SCHEMA public IS 'standard public schema'");
    end_sessions(admin); // the one that emptied it, too
  }

  // Ends the database's sessions, waiting until they are gone.
  void end_sessions(pg::Connection& admin) const {
    run(admin, "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE datname = '" +
                   m_name + "'");
  }

  std::string m_name;
};

// A login role made for one test, with no other attribute, and dropped after it with what
// it owns and was granted in `db`.
class TestRole {
public:
  TestRole(const std::string& tag, const TestDatabase& db) : m_name(unique_name(tag)), m_db(db) {
    admin_connection()->try_execute("DROP ROLE IF EXISTS " + m_name);
    auto error = admin_connection()->try_execute("CREATE ROLE " + m_name + " LOGIN");
    REQUIRE_MESSAGE(!error, (error ? error->message : ""));
  }
  ~TestRole() {
    m_db.connect()->try_execute("DROP OWNED BY " + m_name);
    admin_connection()->try_execute("DROP ROLE IF EXISTS " + m_name);
  }
  TestRole(const TestRole&) = delete;
  TestRole& operator=(const TestRole&) = delete;

  const std::string& name() const { return m_name; }
  // `params` with this role as the user.
  pg::ConnParams as_role(pg::ConnParams params) const {
    params.set("user", m_name);
    return params;
  }

private:
  std::string m_name;
  const TestDatabase& m_db;
};

} // namespace agentpg::testing

// Lists print as {a, b} in a failed assertion.
namespace doctest {
template <typename T> struct StringMaker<std::vector<T>> {
  static String convert(const std::vector<T>& values) {
    String out = "{";
    for (size_t i = 0; i < values.size(); ++i) {
      out += (i == 0 ? "" : ", ") + toString(values[i]);
    }
    return out + "}";
  }
};
} // namespace doctest
