#include <doctest/doctest.h>

#include "core/error.hpp"
#include "redis/client.hpp"

using agentpg::redis::RedisUrl;

namespace {

std::string error_of(const char* text) {
  try {
    RedisUrl::parse(text);
  } catch (const agentpg::core::Error& e) {
    CHECK(e.code() == agentpg::core::ExitCode::usage);
    return e.what();
  }
  return "no error";
}

} // namespace

TEST_SUITE("redis::client") {
  TEST_CASE("reads host, port, user, password and database number") {
    RedisUrl url = RedisUrl::parse("redis://app:p%40ss%3Aword@cache.internal:6380/3");
    CHECK(url.host == "cache.internal");
    CHECK(url.port == 6380);
    CHECK(url.user == "app");
    CHECK(url.password == "p@ss:word");
    CHECK(url.has_password);
    CHECK(url.db == 3);
    CHECK(url.display() == "redis://app:***@cache.internal:6380/3");
  }

  TEST_CASE("defaults: localhost, 6379, database 0, no AUTH") {
    RedisUrl url = RedisUrl::parse("redis://");
    CHECK(url.display() == "redis://localhost:6379/0");
    CHECK_FALSE(url.has_password);
    CHECK(RedisUrl::parse("redis://h/").display() == "redis://h:6379/0");
    CHECK(RedisUrl::parse("redis://[::1]:7000/2").display() == "redis://[::1]:7000/2");
  }

  TEST_CASE("a password alone is the default user's, written either way") {
    CHECK(RedisUrl::parse("redis://:secret@h").password == "secret");
    RedisUrl lone = RedisUrl::parse("redis://secret@h");
    CHECK(lone.password == "secret");
    CHECK(lone.user.empty());
    CHECK(lone.display() == "redis://:***@h:6379/0");
  }

  TEST_CASE("refuses rediss:// and other schemes, bad ports and databases, never quoting the "
            "password") {
    CHECK(error_of("rediss://:secret@h:6380")
              .rfind("rediss:// (Redis over TLS) is not supported", 0) == 0);
    CHECK(error_of("http://h") == "REDIS_URL must start with redis://");
    CHECK(error_of("redis://:secret@h:port") == "REDIS_URL's port 'port' is not a port number");
    CHECK(error_of("redis://:secret@h:6379/x") == "REDIS_URL's database 'x' is not a number");
    CHECK(error_of("redis://:se%zzcret@h") ==
          "REDIS_URL has a malformed %-escape in its user or password");
  }
}
