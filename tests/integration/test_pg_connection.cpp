#include <cstdlib>
#include <fstream>
#include <string>

#include <libpq-fe.h>

#include "core/error.hpp"
#include "pg/conn_params.hpp"
#include "support.hpp"

using agentpg::testing::TestDatabase;

TEST_SUITE("pg::connection") {
  TEST_CASE("reports the server's error fields, position included") {
    TestDatabase db("connection");
    auto conn = db.connect();
    auto error = conn->try_execute("SELECT 1;\nSELECT nope FROM pg_class");
    REQUIRE(error);
    CHECK(error->sqlstate == "42703");
    CHECK(error->message == "column \"nope\" does not exist");
    CHECK(error->position == 18);
    REQUIRE(conn->try_execute("CREATE TABLE t (id int PRIMARY KEY)") == std::nullopt);
    auto duplicate = conn->try_execute("INSERT INTO t VALUES (1), (1)");
    REQUIRE(duplicate);
    CHECK(duplicate->detail == "Key (id)=(1) already exists.");
  }

  TEST_CASE("passes parameters and NULLs, and quotes identifiers") {
    TestDatabase db("connection");
    auto conn = db.connect();
    agentpg::pg::Rows rows =
        conn->query("SELECT $1::text, $2::text IS NULL, $3::int + 1", {"a'b", std::nullopt, "41"});
    CHECK(rows.text(0, 0) == "a'b");
    CHECK(rows.text(0, 1) == "t");
    CHECK(rows.text(0, 2) == "42");
    CHECK(conn->quote_identifier("we\"ird") == "\"we\"\"ird\"");
    CHECK_THROWS_AS(conn->query("SELECT 1/0"), agentpg::core::Error);
  }

  TEST_CASE("a connection the server closed reports a SQLSTATE all the same") {
    TestDatabase db("connection");
    auto conn = db.connect();
    std::string pid = std::to_string(conn->backend_pid());
    agentpg::testing::run(*agentpg::testing::admin_connection(),
                          "SELECT pg_terminate_backend(" + pid + ")");
    auto error = conn->try_execute("SELECT 1"); // the server's own FATAL, or libpq's words
    REQUIRE(error);
    CHECK(error->sqlstate.size() == 5);
    auto again = conn->try_execute("SELECT 1"); // libpq's: "no connection to the server"
    REQUIRE(again);
    CHECK(again->sqlstate == "08006");
  }

  TEST_CASE("every option libpq marks as a secret is masked") {
    PQconninfoOption* options = PQconndefaults();
    REQUIRE(options != nullptr);
    int secrets = 0;
    for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
      bool secret = o->dispchar != nullptr && std::string(o->dispchar) == "*";
      CHECK_MESSAGE(agentpg::pg::is_secret_option(o->keyword) == secret, o->keyword);
      secrets += secret ? 1 : 0;
    }
    PQconninfoFree(options);
    CHECK(secrets >= 2);
  }

  TEST_CASE("tls_status: a unix socket is local, TCP to a server without TLS is plain text") {
    TestDatabase db("connection");
    agentpg::pg::TlsStatus socket = db.connect()->tls_status();
    CHECK_FALSE(socket.in_use);
    CHECK(socket.unix_socket);
    CHECK(socket.protocol.empty());

    const char* cluster = std::getenv("AGENTPG_TEST_CLUSTER");
    REQUIRE(cluster != nullptr);
    std::ifstream password_file(std::string(cluster) + "/password");
    std::string password;
    std::getline(password_file, password);
    agentpg::pg::ConnParams tcp = db.params();
    tcp.set("host", "127.0.0.1");
    tcp.set("password", password);
    agentpg::pg::TlsStatus plain = agentpg::pg::Connection::open(tcp, 10)->tls_status();
    CHECK_FALSE(plain.in_use);
    CHECK_FALSE(plain.unix_socket);
    CHECK(plain.cipher.empty());
  }
}
