#include "pg/admin.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "pg/catalog.hpp"
#include "pg/connection.hpp"

namespace agentpg::pg {

namespace {

using core::Error;
using core::ExitCode;

std::string target_database(const pg::ConnParams& target) {
  std::string name = target.get("dbname");
  if (name.empty()) {
    throw Error(ExitCode::usage,
                fmt::format("the database URL {} names no database", target.display()),
                "add /<database> to the URL");
  }
  return name;
}

// The server's maintenance database: postgres, or template1 where postgres is gone.
std::unique_ptr<Connection> open_maintenance(const pg::ConnParams& target, int connect_timeout) {
  pg::ConnParams params = target;
  params.set("dbname", "postgres");
  try {
    return Connection::open(params, connect_timeout);
  } catch (const Error& e) {
    params.set("dbname", "template1");
    try {
      return Connection::open(params, connect_timeout);
    } catch (const Error&) {
      throw e;
    }
  }
}

} // namespace

bool create_database_if_missing(const pg::ConnParams& target, int connect_timeout) {
  std::string name = target_database(target);
  std::unique_ptr<Connection> conn = open_maintenance(target, connect_timeout);
  if (database_exists(*conn, name)) {
    return false;
  }
  if (auto error = conn->try_execute("CREATE DATABASE " + conn->quote_identifier(name))) {
    // Another process won the race: 42P04, or 23505 when both passed the check at once.
    if (error->sqlstate == "42P04" ||
        (error->sqlstate == "23505" && database_exists(*conn, name))) {
      return false;
    }
    throw Error(ExitCode::sql,
                fmt::format("cannot create database {}: {} (SQLSTATE {})", name, error->message,
                            error->sqlstate),
                error->sqlstate == "42501" ? "the user needs the CREATEDB privilege" : error->hint);
  }
  return true;
}

bool database_exists_on_server(const pg::ConnParams& target, int connect_timeout) {
  std::string name = target_database(target);
  return database_exists(*open_maintenance(target, connect_timeout), name);
}

bool drop_database(const pg::ConnParams& target, int connect_timeout, bool force) {
  std::string name = target_database(target);
  std::unique_ptr<Connection> conn = open_maintenance(target, connect_timeout);
  if (!database_exists(*conn, name)) {
    return false;
  }
  std::string sql =
      "DROP DATABASE " + conn->quote_identifier(name) + (force ? " WITH (FORCE)" : "");
  if (auto error = conn->try_execute(sql)) {
    throw Error(ExitCode::sql,
                fmt::format("cannot drop database {}: {} (SQLSTATE {})", name, error->message,
                            error->sqlstate),
                error->sqlstate == "55006" ? "other sessions use it: --force terminates them"
                                           : error->hint);
  }
  return true;
}

} // namespace agentpg::pg
