#pragma once
// The integration tests' cluster (started by ctest with `agentpg local start`) and a
// throwaway database per test.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "config/url.hpp"
#include "local/cluster.hpp"
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

// A database made for one test and dropped after it.
class TestDatabase {
public:
  explicit TestDatabase(const std::string& tag) : m_name(unique_name(tag)) {
    admin_connection()->try_execute("DROP DATABASE IF EXISTS " + m_name + " WITH (FORCE)");
    auto error = admin_connection()->try_execute("CREATE DATABASE " + m_name);
    REQUIRE_MESSAGE(!error, (error ? error->message : ""));
  }
  ~TestDatabase() {
    admin_connection()->try_execute("DROP DATABASE IF EXISTS " + m_name + " WITH (FORCE)");
  }

  const std::string& name() const { return m_name; }
  config::ConnParams params() const { return test_cluster().params(m_name); }
  std::unique_ptr<pg::Connection> connect() const { return pg::Connection::open(params(), 10); }

private:
  std::string m_name;
};

// A login role made for one test, with no other attribute, and dropped after it. Declare it
// before the TestDatabase where it is granted privileges: the database goes first.
class TestRole {
public:
  explicit TestRole(const std::string& tag) : m_name(unique_name(tag)) {
    admin_connection()->try_execute("DROP ROLE IF EXISTS " + m_name);
    auto error = admin_connection()->try_execute("CREATE ROLE " + m_name + " LOGIN");
    REQUIRE_MESSAGE(!error, (error ? error->message : ""));
  }
  ~TestRole() { admin_connection()->try_execute("DROP ROLE IF EXISTS " + m_name); }

  const std::string& name() const { return m_name; }
  // `params` with this role as the user.
  config::ConnParams as_role(config::ConnParams params) const {
    params.set("user", m_name);
    return params;
  }

private:
  std::string m_name;
};

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
