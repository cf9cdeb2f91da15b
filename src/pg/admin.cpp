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

// The server's maintenance database: postgres, or template1 where postgres is gone (or is
// the database to rename: a session cannot rename its own database).
std::unique_ptr<Connection> open_maintenance(const pg::ConnParams& target, int connect_timeout,
                                             const std::string& avoid = "") {
  pg::ConnParams params = target;
  params.set("dbname", avoid == "postgres" ? "template1" : "postgres");
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

bool is_template_database_on_server(const pg::ConnParams& target, int connect_timeout) {
  std::string name = target_database(target);
  return !open_maintenance(target, connect_timeout)
              ->query("SELECT 1 FROM pg_catalog.pg_database WHERE datname = $1 AND datistemplate",
                      {name})
              .empty();
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

namespace {

Query rename_statement(Connection& conn, const std::string& from, const std::string& to) {
  return "ALTER DATABASE " + conn.quote_identifier(from) + " RENAME TO " +
         conn.quote_identifier(to);
}

Error rename_failure(const std::string& what, const ServerError& error) {
  return Error(ExitCode::sql,
               fmt::format("cannot {}: {} (SQLSTATE {})", what, error.message, error.sqlstate),
               error.sqlstate == "55006" ? "other sessions keep connecting to it, or cannot be "
                                           "ended by this user: stop them and try again"
                                         : error.hint);
}

} // namespace

void rename_database(const pg::ConnParams& server, const std::string& from, const std::string& to,
                     int connect_timeout) {
  std::unique_ptr<Connection> conn = open_maintenance(server, connect_timeout, from);
  if (auto error = conn->try_execute(rename_statement(*conn, from, to))) {
    throw rename_failure(fmt::format("rename database {} to {}", from, to), *error);
  }
}

std::vector<std::string> databases_with_prefix(const pg::ConnParams& server,
                                               const std::string& prefix, int connect_timeout) {
  Rows rows = open_maintenance(server, connect_timeout)
                  ->query("SELECT datname FROM pg_catalog.pg_database "
                          "WHERE left(datname, length($1)) = $1 "
                          "AND substr(datname, length($1) + 1) ~ '^[0-9a-f]{8}$' "
                          "ORDER BY datname COLLATE \"C\"",
                          {prefix});
  std::vector<std::string> names;
  for (size_t i = 0; i < rows.size(); ++i) {
    names.push_back(rows.text(i, 0));
  }
  return names;
}

void swap_databases(const pg::ConnParams& server, const std::string& target,
                    const std::string& replacement, const std::string& aside, int connect_timeout) {
  std::string avoid = target == "postgres" || replacement == "postgres" ? "postgres" : "";
  std::unique_ptr<Connection> conn = open_maintenance(server, connect_timeout, avoid);
  std::optional<ServerError> error;
  // RENAME waits up to 5 seconds for the ended sessions to go; a session that connects
  // in between makes it fail (55006), and the next round ends that one too.
  for (int attempt = 0; attempt < 3; ++attempt) {
    // Failure to end a session (no privilege) shows as the rename's own error below.
    conn->try_execute(Query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE datname = $1 AND pid <> pg_backend_pid()",
                            {target}));
    std::vector<Query> swap = {begin(), rename_statement(*conn, target, aside),
                               rename_statement(*conn, replacement, target), commit()};
    std::optional<BatchFailure> failure = conn->try_execute_batch(swap);
    if (!failure) {
      return;
    }
    conn->try_execute(rollback());
    error = failure->error;
    if (error->sqlstate != "55006") {
      break;
    }
  }
  throw rename_failure(fmt::format("swap database {} for {}", target, replacement), *error);
}

} // namespace agentpg::pg
