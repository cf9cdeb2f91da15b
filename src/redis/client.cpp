#include "redis/client.hpp"

#include <fmt/format.h>
#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <chrono>
#include <map>
#include <memory>
#include <vector>

#include "core/error.hpp"
#include "util/strings.hpp"

namespace agentpg::redis {

namespace {

using core::Error;
using core::ExitCode;

constexpr const char* k_url_hint =
    "REDIS_URL is redis://[[user]:password@]host[:port][/db], e.g. redis://localhost:6379/0";

// %XX escapes of a URL's user, password or host; a bad escape is the caller's to report.
bool percent_decode(std::string_view text, std::string& out) {
  out.clear();
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    unsigned long long byte = 0;
    std::string hex(text.substr(i + 1, 2));
    if (hex.size() != 2 || !std::isxdigit(static_cast<unsigned char>(hex[0])) ||
        !std::isxdigit(static_cast<unsigned char>(hex[1]))) {
      return false;
    }
    byte = std::stoull(hex, nullptr, 16);
    out += static_cast<char>(byte);
    i += 2;
  }
  return true;
}

struct ContextFree {
  void operator()(redisContext* c) const { redisFree(c); }
};
struct ReplyFree {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Context = std::unique_ptr<redisContext, ContextFree>;
using Reply = std::unique_ptr<redisReply, ReplyFree>;

// Sends one command given as its words (binary-safe: a password may hold anything). A
// lost connection is a connection failure; an error reply is returned for the caller.
Reply command(redisContext* c, const RedisUrl& url, const std::vector<std::string>& words) {
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (const auto& w : words) {
    argv.push_back(w.c_str());
    lengths.push_back(w.size());
  }
  Reply reply(static_cast<redisReply*>(
      redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lengths.data())));
  if (!reply) {
    throw Error(
        ExitCode::connection,
        fmt::format("Redis at {} stopped answering ({}): {}", url.display(), words[0], c->errstr),
        "is redis-server running, and is REDIS_URL its address?");
  }
  return reply;
}

std::string reply_text(const redisReply* r) {
  return r->str != nullptr ? std::string(r->str, r->len) : std::string();
}

// AUTH [user] password; SELECT db. A refusal is exit 3, with Redis's own words (which
// never repeat the password).
void log_in(redisContext* c, const RedisUrl& url) {
  if (url.has_password) {
    std::vector<std::string> words = {"AUTH"};
    if (!url.user.empty()) {
      words.push_back(url.user);
    }
    words.push_back(url.password);
    Reply reply = command(c, url, words);
    if (reply->type == REDIS_REPLY_ERROR) {
      throw Error(
          ExitCode::connection,
          fmt::format("Redis at {} refused the login: {}", url.display(), reply_text(reply.get())),
          "check the user and password in REDIS_URL");
    }
  }
  Reply ping = command(c, url, {"PING"});
  if (ping->type == REDIS_REPLY_ERROR) {
    std::string text = reply_text(ping.get());
    throw Error(ExitCode::connection, fmt::format("Redis at {} refused: {}", url.display(), text),
                util::starts_with(text, "NOAUTH")
                    ? "this Redis needs a password: redis://:PASSWORD@host:port/db in REDIS_URL"
                    : "check the user and password in REDIS_URL");
  }
  if (url.db != 0) {
    Reply reply = command(c, url, {"SELECT", std::to_string(url.db)});
    if (reply->type == REDIS_REPLY_ERROR) {
      throw Error(ExitCode::connection,
                  fmt::format("Redis at {} refused database {}: {}", url.display(), url.db,
                              reply_text(reply.get())),
                  "the database number is the URL's path: redis://host:6379/0");
    }
  }
}

// INFO's "key:value" lines.
std::map<std::string, std::string> info_fields(const std::string& text) {
  std::map<std::string, std::string> fields;
  for (const auto& line : util::split(text, '\n')) {
    std::string l = util::trim(line);
    size_t colon = l.find(':');
    if (!l.empty() && l[0] != '#' && colon != std::string::npos) {
      fields[l.substr(0, colon)] = l.substr(colon + 1);
    }
  }
  return fields;
}

long long number(const std::map<std::string, std::string>& fields, const std::string& key) {
  auto it = fields.find(key);
  unsigned long long value = 0;
  return it != fields.end() && util::parse_uint(it->second, value) ? static_cast<long long>(value)
                                                                   : 0;
}

std::string text(const std::map<std::string, std::string>& fields, const std::string& key) {
  auto it = fields.find(key);
  return it == fields.end() ? std::string() : it->second;
}

} // namespace

RedisUrl RedisUrl::parse(std::string_view text) {
  RedisUrl url;
  std::string_view rest = text;
  if (util::starts_with(rest, "rediss://")) {
    throw Error(ExitCode::usage,
                "rediss:// (Redis over TLS) is not supported: this agentpg is built with "
                "hiredis 0.14, which has no TLS",
                "check Redis over a TLS tunnel (stunnel, spiped) with a redis:// URL, or leave "
                "REDIS_URL unset for agentpg");
  }
  if (!util::starts_with(rest, "redis://")) {
    throw Error(ExitCode::usage, "REDIS_URL must start with redis://", k_url_hint);
  }
  rest.remove_prefix(8);
  size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  std::string_view path = end == std::string_view::npos ? "" : rest.substr(end);
  // The user-info ends at the last '@': a password may hold one unencoded.
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority.remove_prefix(at + 1);
    size_t colon = userinfo.find(':');
    bool ok = percent_decode(userinfo.substr(0, colon), url.user);
    if (colon != std::string_view::npos) {
      url.has_password = true;
      ok = percent_decode(userinfo.substr(colon + 1), url.password) && ok;
    } else if (!url.user.empty()) {
      // redis://secret@host: Redis clients (redis-py, ioredis) read a lone user-info as the
      // password of the default user.
      url.password = url.user;
      url.user.clear();
      url.has_password = true;
    }
    if (!ok) {
      throw Error(ExitCode::usage, "REDIS_URL has a malformed %-escape in its user or password",
                  "write a '%' in a password as %25");
    }
  }
  std::string_view host = authority;
  if (size_t colon = authority.rfind(':');
      colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos) {
    host = authority.substr(0, colon);
    unsigned long long port = 0;
    if (!util::parse_uint(authority.substr(colon + 1), port) || port == 0 || port > 65535) {
      throw Error(
          ExitCode::usage,
          fmt::format("REDIS_URL's port '{}' is not a port number", authority.substr(colon + 1)),
          k_url_hint);
    }
    url.port = static_cast<int>(port);
  }
  if (host.size() > 1 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (!host.empty()) {
    url.host = std::string(host);
  }
  std::string_view db = path.substr(0, path.find_first_of("?#"));
  if (!db.empty() && db != "/") {
    unsigned long long n = 0;
    if (!util::parse_uint(db.substr(1), n) || n > 1000000) {
      throw Error(ExitCode::usage,
                  fmt::format("REDIS_URL's database '{}' is not a number", db.substr(1)),
                  k_url_hint);
    }
    url.db = static_cast<int>(n);
  }
  return url;
}

std::string RedisUrl::display() const {
  std::string userinfo;
  if (has_password) {
    userinfo = user + ":***@";
  } else if (!user.empty()) {
    userinfo = user + "@";
  }
  std::string host_text = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return fmt::format("redis://{}{}:{}/{}", userinfo, host_text, port, db);
}

RedisInfo probe(const RedisUrl& url, int timeout_seconds) {
  timeval timeout{std::max(1, timeout_seconds), 0};
  Context c(redisConnectWithTimeout(url.host.c_str(), url.port, timeout));
  if (!c) {
    throw Error(ExitCode::unexpected, "out of memory connecting to Redis");
  }
  if (c->err != 0) {
    throw Error(ExitCode::connection,
                fmt::format("cannot connect to Redis at {}: {}", url.display(), c->errstr),
                "is redis-server running, and is REDIS_URL its address?");
  }
  redisSetTimeout(c.get(), timeout);
  log_in(c.get(), url);

  RedisInfo info;
  auto start = std::chrono::steady_clock::now();
  command(c.get(), url, {"PING"});
  info.latency_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  Reply reply = command(c.get(), url, {"INFO"});
  if (reply->type == REDIS_REPLY_ERROR) {
    throw Error(ExitCode::connection,
                fmt::format("Redis at {} refused INFO: {}", url.display(), reply_text(reply.get())),
                "the user of REDIS_URL needs the INFO command (ACL +info)");
  }
  std::map<std::string, std::string> fields = info_fields(reply_text(reply.get()));
  info.version = text(fields, "redis_version");
  info.used_memory = number(fields, "used_memory");
  info.max_memory = number(fields, "maxmemory");
  info.max_memory_policy = text(fields, "maxmemory_policy");
  info.last_save = number(fields, "rdb_last_save_time");
  info.last_bgsave_ok = text(fields, "rdb_last_bgsave_status") != "err";
  info.aof = text(fields, "aof_enabled") == "1";
  info.aof_last_write_ok = text(fields, "aof_last_write_status") != "err";
  // The save policy is not in INFO; a managed Redis may refuse CONFIG, and then RDB is
  // unknown rather than guessed.
  Reply save = command(c.get(), url, {"CONFIG", "GET", "save"});
  if (save->type == REDIS_REPLY_ARRAY && save->elements == 2) {
    info.save_policy = util::trim(reply_text(save->element[1]));
    info.rdb = !info.save_policy.empty();
  }
  return info;
}

} // namespace agentpg::redis
