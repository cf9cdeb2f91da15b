#pragma once
// A connection to PostgreSQL. libpqxx opens and owns it; statements go through libpq
// itself, because libpqxx 6.4 hides what agentpg reports on failure (the statement
// position, detail, hint and context of a server error).
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pg/conn_params.hpp"
#include "pg/query.hpp"
#include "pg/server_error.hpp"

struct pg_result; // libpq's PGresult

namespace agentpg::pg {

// The text result of a query, read in place from libpq's result (a history of 1,000
// rows is 10,000 values: copying each into a string cost more than the query).
class Rows {
public:
  size_t size() const { return m_rows; }
  bool empty() const { return m_rows == 0; }
  bool is_null(size_t row, size_t column) const;
  // The value at (row, column), "" when NULL; valid while this Rows lives. Throws
  // std::out_of_range outside the result.
  std::string_view view(size_t row, size_t column) const;
  std::string text(size_t row, size_t column) const { return std::string(view(row, column)); }

private:
  friend class Connection;
  void reset(const pg_result* result);

  std::shared_ptr<const pg_result> m_result;
  size_t m_rows = 0;
  size_t m_columns = 0;
};

struct TlsStatus {
  bool in_use = false;      // TLS encrypts this connection
  bool unix_socket = false; // over a unix socket: local, never on the network
  std::string protocol;     // "TLSv1.3", "" without TLS
  std::string cipher;       // "TLS_AES_256_GCM_SHA384", "" without TLS
};

class Connection {
public:
  // Connects, waiting at most `connect_timeout` seconds. Throws core::Error with exit 3
  // and a message that says what went wrong (refused, unknown host, bad password,
  // missing database, timeout), never showing the password.
  static std::unique_ptr<Connection> open(const pg::ConnParams& params, int connect_timeout);

  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one statement with $1.. parameters (NULL for nullopt). Throws core::Error
  // (exit 4) with the server's message on failure.
  Rows query(const std::string& sql, const std::vector<Value>& params = {});
  // Like query(), but the server's error comes back instead of an exception.
  std::optional<ServerError> try_query(const Query& query, Rows& rows);
  // Runs SQL (one statement or several; one only when it has parameters); the server's
  // error instead of an exception.
  std::optional<ServerError> try_execute(const Query& query);
  // Runs single statements in order in one round trip (a libpq pipeline); the first
  // failure stops the rest. Not for statements that refuse transaction blocks.
  std::optional<BatchFailure> try_execute_batch(const std::vector<Query>& statements);

  // COPY ... FROM STDIN fed from a file, in chunks; rows copied, or the server's error.
  // `on_sent` sees each chunk once it is handed to libpq (for a progress line).
  std::optional<ServerError>
  copy_from_file(const std::string& copy_sql, const std::string& path, unsigned long long& rows,
                 const std::function<void(std::string_view chunk)>& on_sent = nullptr);

  // COPY ... FROM STDIN fed piece by piece: copy_begin starts it (the server's error when
  // it does not), copy_put sends data (false once the server stopped taking it: its error
  // comes from copy_end), copy_end finishes it with the rows copied or the server's error.
  std::optional<ServerError> copy_begin(const std::string& copy_sql);
  bool copy_put(std::string_view data);
  std::optional<ServerError> copy_end(unsigned long long& rows);

  std::string quote_identifier(const std::string& name) const;

  int server_version_num() const;
  std::string server_version() const;
  // A setting the server reports to every session (DateStyle, TimeZone, ...); "" if none.
  std::string parameter(const char* name) const;
  int backend_pid() const;
  std::string database() const;
  std::string user() const;
  std::string host() const; // a name, an address or a socket folder, as libpq resolved it
  std::string port() const;
  // Whether the connection is encrypted, and how (libpq's PQsslInUse, PQsslAttribute).
  TlsStatus tls_status() const;

private:
  class Impl;
  explicit Connection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

// params with what libpq resolved from PG* variables, its defaults and the service file
// filled in (user, host, port, database): what a header names as the database in use.
ConnParams as_connected(ConnParams params, const Connection& conn);

// Exit code and wording for a libpq connection failure message (unit-tested).
struct ConnectFailure {
  int exit_code;      // 3, or 2 for a malformed connection option
  std::string reason; // "the server refused the connection", ...
  std::string hint;
};
ConnectFailure classify_connect_failure(const std::string& libpq_message);

} // namespace agentpg::pg
