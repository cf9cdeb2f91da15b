#pragma once
// The Redis beside the database (AI-First's cache, sessions and rate limits), as `check`
// sees it: the ONLY folder that includes hiredis. A URL is parsed here and shown with its
// password masked; a probe connects, authenticates, selects the database number and reads
// INFO and the save policy, nothing else (no key is read or written).
#include <optional>
#include <string>
#include <string_view>

namespace agentpg::redis {

// redis://[[user]:password@]host[:port][/db]. rediss:// (TLS) is refused: Debian 12's
// hiredis (0.14) has no TLS.
struct RedisUrl {
  std::string host = "localhost";
  int port = 6379;
  std::string user;     // "" = the default user (AUTH with the password alone)
  std::string password; // "" = no AUTH
  bool has_password = false;
  int db = 0;

  // Throws core::Error (usage) with a message that never holds the password.
  static RedisUrl parse(std::string_view text);
  // redis://user:***@host:port/db: never the password.
  std::string display() const;
};

// What INFO and CONFIG GET say, as read.
struct RedisInfo {
  std::string version;           // redis_version
  long long used_memory = 0;     // bytes
  long long max_memory = 0;      // bytes, 0 = no limit
  std::string max_memory_policy; // "noeviction", "allkeys-lru", ...
  std::optional<bool> rdb;       // a save policy is set; nullopt: CONFIG GET refused
  std::string save_policy;       // "3600 1 300 100 60 10000", "" when off or unknown
  long long last_save = 0;       // unix time of the last successful RDB save (0: never)
  bool last_bgsave_ok = true;    // rdb_last_bgsave_status
  bool aof = false;              // aof_enabled
  bool aof_last_write_ok = true; // aof_last_write_status
  double latency_ms = 0;         // a PING's round trip
};

// Connects (within `timeout_seconds`), authenticates, selects the database and reads what
// RedisInfo holds. Throws core::Error (connection, exit 3) when Redis does not answer or
// refuses the password, naming the masked URL.
RedisInfo probe(const RedisUrl& url, int timeout_seconds);

} // namespace agentpg::redis
