#include <doctest/doctest.h>

#include "check/redis.hpp"

using agentpg::check::judge_redis;
using agentpg::check::redis_rows;
using agentpg::redis::RedisInfo;
using agentpg::redis::RedisUrl;

namespace {

RedisInfo info(std::optional<bool> rdb, bool aof) {
  RedisInfo i;
  i.version = "7.0.15";
  i.used_memory = 1024 * 1024;
  i.rdb = rdb;
  i.save_policy = rdb.value_or(false) ? "3600 1" : "";
  i.aof = aof;
  i.last_save = 1796212800; // 2026-12-02T12:00:00Z
  return i;
}

} // namespace

TEST_SUITE("check::redis") {
  TEST_CASE("persistence off is a warning with the statements that fix it") {
    auto findings = judge_redis(info(false, false));
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].severity == agentpg::check::Severity::warning);
    CHECK(findings[0].subject == "redis");
    CHECK(findings[0].fix.rfind("CONFIG SET appendonly yes", 0) == 0);
    CHECK(redis_rows(RedisUrl::parse("redis://h"), info(false, false))[1][1] ==
          "OFF: no RDB snapshots, no AOF (a restart loses every key)");
  }

  TEST_CASE("RDB or AOF is persistence; an unknown save policy is not judged") {
    CHECK(judge_redis(info(true, false)).empty());
    CHECK(judge_redis(info(false, true)).empty());
    CHECK(judge_redis(info(std::nullopt, false)).empty());
    CHECK(redis_rows(RedisUrl::parse("redis://h"), info(true, false))[1][1] ==
          "RDB on (save 3600 1), last save 2026-12-02T12:00:00Z; AOF off");
  }

  TEST_CASE("a failed snapshot or AOF write is a warning") {
    RedisInfo failing = info(true, true);
    failing.last_bgsave_ok = false;
    failing.aof_last_write_ok = false;
    CHECK(judge_redis(failing).size() == 2);
  }
}
