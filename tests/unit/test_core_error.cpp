#include <doctest/doctest.h>

#include "core/error.hpp"
#include "core/json.hpp"
#include "core/output.hpp"
#include "pg/connection.hpp"

using agentpg::core::ExitCode;

TEST_SUITE("core::error") {
  TEST_CASE("exit codes keep their documented numbers") {
    CHECK(agentpg::core::to_int(ExitCode::ok) == 0);
    CHECK(agentpg::core::to_int(ExitCode::unexpected) == 1);
    CHECK(agentpg::core::to_int(ExitCode::usage) == 2);
    CHECK(agentpg::core::to_int(ExitCode::connection) == 3);
    CHECK(agentpg::core::to_int(ExitCode::sql) == 4);
    CHECK(agentpg::core::to_int(ExitCode::validation) == 5);
    CHECK(agentpg::core::to_int(ExitCode::lock_timeout) == 6);
    CHECK(agentpg::core::to_int(ExitCode::not_latest) == 7);
    CHECK(agentpg::core::to_int(ExitCode::refused) == 8);
    CHECK(std::string(agentpg::core::exit_code_name(ExitCode::lock_timeout)) == "lock_timeout");
    CHECK(agentpg::core::to_int(ExitCode::interrupted) == 130);
    CHECK(agentpg::core::to_int(ExitCode::terminated) == 143);
    CHECK(std::string(agentpg::core::exit_code_name(ExitCode::terminated)) == "terminated");
  }

  TEST_CASE("libpq connection failures are told apart") {
    using agentpg::pg::classify_connect_failure;
    CHECK(classify_connect_failure(
              "connection to server at \"127.0.0.1\", port 1 failed: Connection refused")
              .reason ==
          "the server refused the connection (is it running and listening on that port?)");
    CHECK(classify_connect_failure("FATAL:  password authentication failed for user \"bob\"")
              .reason == "authentication failed");
    CHECK(classify_connect_failure("FATAL:  database \"nope\" does not exist").reason ==
          "the database does not exist");
    CHECK(
        classify_connect_failure("could not translate host name \"x.invalid\" to address").reason ==
        "unknown host");
    CHECK(classify_connect_failure("timeout expired").reason == "timed out");
    CHECK(classify_connect_failure("invalid connection option \"foo\"").exit_code == 2);
    CHECK(classify_connect_failure("something else").exit_code == 3);
  }

  TEST_CASE("JSON keeps insertion order and escapes strings") {
    using agentpg::core::Json;
    Json doc = Json::object()
                   .set("b", 1)
                   .set("a", "x\"y\n")
                   .set("list", Json::array().push(true).push(nullptr));
    CHECK(doc.dump(0) == "{\"b\":1,\"a\":\"x\\\"y\\n\",\"list\":[true,null]}");
  }

  TEST_CASE("tables align on the widest cell") {
    CHECK(agentpg::core::format_table({{"a", "bb", "c"}, {"ccc", "d", ""}}) ==
          "a    bb  c\nccc  d\n");
  }
}
