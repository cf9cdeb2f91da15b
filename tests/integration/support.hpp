#pragma once
// The integration tests' cluster (started by ctest with `agentpg local start`) and a
// throwaway database per test.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "pg/conn_params.hpp"
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

// A database made for one test and dropped after it.
class TestDatabase {
public:
  explicit TestDatabase(const std::string& tag) : m_name("it_" + tag + "_" + std::to_string(::getpid())) {
    admin()->try_execute("DROP DATABASE IF EXISTS " + m_name + " WITH (FORCE)");
    auto error = admin()->try_execute("CREATE DATABASE " + m_name);
    REQUIRE_MESSAGE(!error, (error ? error->message : ""));
  }
  ~TestDatabase() { admin()->try_execute("DROP DATABASE IF EXISTS " + m_name + " WITH (FORCE)"); }

  pg::ConnParams params() const { return test_cluster().params(m_name); }
  std::unique_ptr<pg::Connection> connect() const { return pg::Connection::open(params(), 10); }

private:
  static std::unique_ptr<pg::Connection> admin() { return pg::Connection::open(test_cluster().params("postgres"), 10); }
  std::string m_name;
};

} // namespace agentpg::testing
