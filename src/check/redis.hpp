#pragma once
// What `check` says about the Redis beside the database (REDIS_URL): its lines, its JSON
// and, for --report, its findings. Persistence off is a warning: AI-First keeps sessions
// and rate-limit counters in Redis, and a restart without RDB or AOF loses all of them.
#include <string>
#include <vector>

#include "check/report.hpp"
#include "core/json.hpp"
#include "redis/client.hpp"

namespace agentpg::check {

// The rows of `check`'s table: "  redis", "  persistence".
std::vector<std::vector<std::string>> redis_rows(const redis::RedisUrl& url,
                                                 const redis::RedisInfo& info);

// `check --json`'s "redis" member.
core::Json redis_json(const redis::RedisUrl& url, const redis::RedisInfo& info);

// Persistence off (no save policy and no AOF), and a failing last RDB save or AOF write:
// warnings, each with the command that fixes it.
std::vector<Finding> judge_redis(const redis::RedisInfo& info);

} // namespace agentpg::check
