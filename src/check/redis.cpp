#include "check/redis.hpp"

#include <fmt/format.h>

#include "util/strings.hpp"
#include "util/time.hpp"

namespace agentpg::check {

namespace {

using core::Json;

// The policy Redis itself ships with (redis.conf's defaults since 7.0).
constexpr const char* k_default_save = "3600 1 300 100 60 10000";

bool persistence_off(const redis::RedisInfo& info) {
  return info.rdb.has_value() && !*info.rdb && !info.aof;
}

std::string last_save(const redis::RedisInfo& info) {
  return info.last_save > 0 ? util::utc_iso_timestamp(static_cast<std::time_t>(info.last_save))
                            : std::string("never");
}

std::string rdb_text(const redis::RedisInfo& info) {
  if (!info.rdb) {
    return fmt::format("RDB unknown (CONFIG GET refused), last save {}", last_save(info));
  }
  if (!*info.rdb) {
    return "RDB off";
  }
  return fmt::format("RDB on (save {}), last save {}{}", info.save_policy, last_save(info),
                     info.last_bgsave_ok ? "" : ": FAILED");
}

} // namespace

std::vector<std::vector<std::string>> redis_rows(const redis::RedisUrl& url,
                                                 const redis::RedisInfo& info) {
  std::string memory =
      util::format_bytes(static_cast<unsigned long long>(info.used_memory)) + " used" +
      (info.max_memory > 0
           ? fmt::format(" of {} ({})",
                         util::format_bytes(static_cast<unsigned long long>(info.max_memory)),
                         info.max_memory_policy)
           : std::string(", no maxmemory"));
  std::string persistence =
      persistence_off(info)
          ? std::string("OFF: no RDB snapshots, no AOF (a restart loses every key)")
          : fmt::format("{}; AOF {}", rdb_text(info),
                        info.aof ? (info.aof_last_write_ok ? "on" : "on: last write FAILED")
                                 : "off");
  return {{"  redis", fmt::format("Redis {} at {}, {:.1f} ms, {}", info.version, url.display(),
                                  info.latency_ms, memory)},
          {"  persistence", persistence}};
}

Json redis_json(const redis::RedisUrl& url, const redis::RedisInfo& info) {
  return Json::object()
      .set("url", url.display())
      .set("version", info.version)
      .set("latency_ms", info.latency_ms)
      .set("used_memory_bytes", info.used_memory)
      .set("maxmemory_bytes", info.max_memory)
      .set("maxmemory_policy", info.max_memory_policy)
      .set("persistence", Json::object()
                              .set("rdb", info.rdb ? Json(*info.rdb) : Json())
                              .set("save", info.rdb && *info.rdb ? Json(info.save_policy) : Json())
                              .set("last_save", info.last_save > 0 ? Json(last_save(info)) : Json())
                              .set("last_bgsave_ok", info.last_bgsave_ok)
                              .set("aof", info.aof)
                              .set("aof_last_write_ok", info.aof_last_write_ok)
                              .set("off", persistence_off(info)));
}

std::vector<Finding> judge_redis(const redis::RedisInfo& info) {
  std::vector<Finding> findings;
  if (persistence_off(info)) {
    findings.push_back(
        {Severity::warning, "redis",
         "persistence is off (no RDB save policy, AOF off): a restart loses every session, "
         "cache entry and rate-limit counter",
         fmt::format("CONFIG SET appendonly yes (or a save policy: CONFIG SET save \"{}\"), "
                     "then CONFIG REWRITE to keep it in redis.conf",
                     k_default_save)});
  }
  if (info.rdb.value_or(false) && !info.last_bgsave_ok) {
    findings.push_back(
        {Severity::warning, "redis",
         "the last RDB snapshot failed: Redis refuses writes until one succeeds "
         "(stop-writes-on-bgsave-error)",
         "see Redis's log for why (disk full, permissions of its dir), then BGSAVE"});
  }
  if (info.aof && !info.aof_last_write_ok) {
    findings.push_back({Severity::warning, "redis", "the last AOF write failed",
                        "see Redis's log for why (disk full, permissions of its dir)"});
  }
  return findings;
}

} // namespace agentpg::check
