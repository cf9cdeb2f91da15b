#include "pg/connection.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

#include <libpq-fe.h>
#include <pqxx/connection>
#include <pqxx/except>

#include "core/error.hpp"
#include "pg/history_table.hpp"
#include "pg/ping.hpp"
#include "util/strings.hpp"

namespace agentpg::pg {

namespace {

using core::Error;
using core::ExitCode;

// libpqxx's connection policies are its documented hook for how a connection is made;
// this one also keeps the libpq handle, which libpqxx 6.4 otherwise keeps private.
class HandlePolicy : public pqxx::connectionpolicy {
public:
  explicit HandlePolicy(const std::string& options) : pqxx::connectionpolicy(options) {}

  handle do_startconnect(handle original) override {
    m_handle = normalconnect(original);
    return m_handle;
  }
  handle do_dropconnect(handle original) noexcept override {
    m_handle = nullptr;
    return pqxx::connectionpolicy::do_dropconnect(original);
  }
  PGconn* raw() const { return m_handle; }

private:
  PGconn* m_handle = nullptr;
};

class HandleConnection : public pqxx::connection_base {
public:
  explicit HandleConnection(const std::string& options)
      : pqxx::connection_base(m_policy), m_options(options), m_policy(m_options) {
    init();
  }
  ~HandleConnection() noexcept { close(); }
  PGconn* raw() const { return m_policy.raw(); }

private:
  std::string m_options;
  HandlePolicy m_policy;
};

std::string field(const PGresult* result, int code) {
  const char* value = PQresultErrorField(result, code);
  return value ? value : "";
}

ServerError server_error(const PGresult* result, PGconn* conn) {
  ServerError error;
  if (result == nullptr) {
    error.message = util::trim(PQerrorMessage(conn));
    error.sqlstate = "08006";
    return error;
  }
  error.severity = field(result, PG_DIAG_SEVERITY);
  error.sqlstate = field(result, PG_DIAG_SQLSTATE);
  error.message = field(result, PG_DIAG_MESSAGE_PRIMARY);
  error.detail = field(result, PG_DIAG_MESSAGE_DETAIL);
  error.hint = field(result, PG_DIAG_MESSAGE_HINT);
  error.context = field(result, PG_DIAG_CONTEXT);
  std::string position = field(result, PG_DIAG_STATEMENT_POSITION);
  error.position = position.empty() ? 0 : std::stoi(position);
  if (error.message.empty()) {
    error.message = util::trim(PQresultErrorMessage(result));
  }
  if (error.message.empty()) {
    error.message = util::trim(PQerrorMessage(conn));
  }
  if (error.sqlstate.empty()) {
    // An error libpq made itself: the server closed the connection (08006), or another.
    error.sqlstate = PQstatus(conn) == CONNECTION_BAD ? "08006" : "XX000";
  }
  return error;
}

struct ResultDeleter {
  void operator()(const PGresult* r) const { PQclear(const_cast<PGresult*>(r)); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

std::vector<const char*> param_values(const Query& query) {
  std::vector<const char*> values;
  values.reserve(query.params.size());
  for (const auto& p : query.params) {
    values.push_back(p ? p->c_str() : nullptr);
  }
  return values;
}

const char* k_no_copy_data = "agentpg sends no COPY data: COPY ... FROM STDIN with the rows inline "
                             "works in psql only; load the rows with a "
                             "CSV seed file or INSERT statements";

// A statement that started a COPY from or to the client (COPY ... FROM STDIN in a
// migration file): a COPY in is ended with an error, a COPY out's rows are read and
// dropped, so the connection never waits on data that will not come.
bool settle_copy(PGconn* conn, const PGresult* result) {
  ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status == PGRES_COPY_IN || status == PGRES_COPY_BOTH) {
    PQputCopyEnd(conn, k_no_copy_data);
    return true;
  }
  if (status == PGRES_COPY_OUT) {
    char* buffer = nullptr;
    while (PQgetCopyData(conn, &buffer, 0) > 0) {
      PQfreemem(buffer);
    }
    return true;
  }
  return false;
}

// The error for a statement that changed another number of rows than it must.
std::optional<ServerError> wrong_row_count(const Query& query, const PGresult* result) {
  if (!query.rows) {
    return std::nullopt;
  }
  long long changed = std::strtoll(PQcmdTuples(const_cast<PGresult*>(result)), nullptr, 10);
  if (changed == *query.rows) {
    return std::nullopt;
  }
  ServerError error;
  error.severity = "ERROR";
  error.sqlstate = "P0004";
  error.message = fmt::format(
      "it changed {} rows of {}, not {} (is there a trigger, rule or row-level policy on that "
      "table?)",
      changed, history_table_shown(), *query.rows);
  return error;
}

bool succeeded(const PGresult* result) {
  if (result == nullptr) {
    return false;
  }
  ExecStatusType status = PQresultStatus(result);
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY;
}

} // namespace

class Connection::Impl {
public:
  explicit Impl(const std::string& conninfo) : connection(conninfo) {}
  HandleConnection connection;
  PGconn* raw() const { return connection.raw(); }
};

void Rows::reset(const PGresult* result) {
  m_result = std::shared_ptr<const PGresult>(result, ResultDeleter{});
  m_rows = static_cast<size_t>(PQntuples(result));
  m_columns = static_cast<size_t>(PQnfields(result));
}

bool Rows::is_null(size_t row, size_t column) const {
  if (row >= m_rows || column >= m_columns) {
    throw std::out_of_range("no such row or column in the result");
  }
  return PQgetisnull(m_result.get(), static_cast<int>(row), static_cast<int>(column)) != 0;
}

std::string_view Rows::view(size_t row, size_t column) const {
  if (is_null(row, column)) {
    return {};
  }
  int r = static_cast<int>(row);
  int c = static_cast<int>(column);
  return {PQgetvalue(m_result.get(), r, c), static_cast<size_t>(PQgetlength(m_result.get(), r, c))};
}

ConnectFailure classify_connect_failure(const std::string& message) {
  auto has = [&](const char* text) { return message.find(text) != std::string::npos; };
  if (has("password authentication failed") || has("no password supplied") ||
      has("SCRAM authentication") || has("authentication failed")) {
    return {3, "authentication failed", "check the user name and password of the database URL"};
  }
  if (has("does not exist") && has("database")) {
    return {3, "the database does not exist",
            "create it with 'agentpg create-db' or 'agentpg init'"};
  }
  if (has("does not exist") && has("role")) {
    return {3, "the user (role) does not exist", "check the user name of the database URL"};
  }
  if (has("could not translate host name") || has("Name or service not known")) {
    return {3, "unknown host", "check the host name of the database URL"};
  }
  if (has("timeout expired")) {
    return {3, "timed out", "is the host reachable? raise --connect-timeout for slow networks"};
  }
  if (has("Connection refused")) {
    return {
        3, "the server refused the connection (is it running and listening on that port?)",
        "start the server, or check the host and port ('agentpg --wait 30 COMMAND' waits for it)"};
  }
  if (has("No such file or directory") && has("socket")) {
    return {3, "no server is listening on that socket (is it running?)",
            "start the server, or check host/port ('agentpg --local ...' starts a local one)"};
  }
  if (has("invalid connection option") || has("invalid URI query parameter") ||
      has("invalid sslmode") || has("invalid integer value") || has("invalid port")) {
    return {2, "the connection settings are invalid", "see libpq's list of connection parameters"};
  }
  if (has("the database system is starting up") || has("the database system is shutting down")) {
    return {3, "the server is starting up or shutting down",
            "retry in a moment, or give --wait SECONDS ('agentpg --wait 30 COMMAND')"};
  }
  return {3, "the connection failed", ""};
}

ServerState ping_server(const pg::ConnParams& params, int connect_timeout) {
  pg::ConnParams effective = params;
  if (connect_timeout > 0) {
    effective.set_default("connect_timeout", std::to_string(connect_timeout));
  }
  effective.set_default("application_name", "agentpg");
  switch (PQping(effective.conninfo().c_str())) {
  case PQPING_OK:
    return ServerState::accepting;
  case PQPING_REJECT:
    return ServerState::rejecting;
  case PQPING_NO_ATTEMPT:
    return ServerState::no_attempt;
  default:
    return ServerState::no_response;
  }
}

Connection::Connection(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Connection::~Connection() = default;

std::unique_ptr<Connection> Connection::open(const pg::ConnParams& params, int connect_timeout) {
  pg::ConnParams effective = params;
  if (connect_timeout > 0) {
    // libpq treats 1 as 2 seconds; anything is better than waiting for TCP's minutes.
    effective.set_default("connect_timeout", std::to_string(connect_timeout));
  }
  effective.set_default("application_name", "agentpg");
  try {
    return std::unique_ptr<Connection>(
        new Connection(std::make_unique<Impl>(effective.conninfo())));
  } catch (const pqxx::broken_connection& e) {
    std::string libpq_message = pg::mask_secrets(util::trim(e.what()));
    ConnectFailure failure = classify_connect_failure(libpq_message);
    throw Error(static_cast<ExitCode>(failure.exit_code),
                fmt::format("cannot connect to {}: {}\n  {}", params.display(), failure.reason,
                            util::join(util::split(libpq_message, '\n'), "\n  ")),
                failure.hint);
  }
}

Rows Connection::query(const std::string& sql, const std::vector<Value>& params) {
  std::vector<const char*> values;
  for (const auto& p : params) {
    values.push_back(p ? p->c_str() : nullptr);
  }
  Result result(PQexecParams(m_impl->raw(), sql.c_str(), static_cast<int>(values.size()), nullptr,
                             values.data(), nullptr, nullptr, 0));
  if (!succeeded(result.get())) {
    ServerError error = server_error(result.get(), m_impl->raw());
    throw Error(ExitCode::sql,
                fmt::format("query failed: {} (SQLSTATE {})", error.message, error.sqlstate),
                error.hint);
  }
  Rows rows;
  rows.reset(result.release());
  return rows;
}

std::optional<ServerError> Connection::try_query(const Query& query, Rows& rows) {
  std::vector<const char*> values = param_values(query);
  Result result(PQexecParams(m_impl->raw(), query.text.c_str(), static_cast<int>(values.size()),
                             nullptr, values.data(), nullptr, nullptr, 0));
  if (!succeeded(result.get())) {
    return server_error(result.get(), m_impl->raw());
  }
  rows.reset(result.release());
  return std::nullopt;
}

std::optional<ServerError> Connection::try_execute(const Query& query) {
  std::vector<const char*> values = param_values(query);
  Result result(query.params.empty() ? PQexec(m_impl->raw(), query.text.c_str())
                                     : PQexecParams(m_impl->raw(), query.text.c_str(),
                                                    static_cast<int>(values.size()), nullptr,
                                                    values.data(), nullptr, nullptr, 0));
  if (settle_copy(m_impl->raw(), result.get())) {
    // The COPY's own outcome follows (an error for a COPY in), then the rest of the text's.
    std::optional<ServerError> error;
    while (PGresult* raw = PQgetResult(m_impl->raw())) {
      Result next(raw);
      if (settle_copy(m_impl->raw(), raw)) {
        continue;
      }
      if (!succeeded(raw) && !error) {
        error = server_error(raw, m_impl->raw());
      }
    }
    return error;
  }
  if (succeeded(result.get())) {
    return wrong_row_count(query, result.get());
  }
  return server_error(result.get(), m_impl->raw());
}

std::optional<BatchFailure> Connection::try_execute_batch(const std::vector<Query>& statements) {
  PGconn* conn = m_impl->raw();
  if (PQenterPipelineMode(conn) != 1) {
    for (size_t i = 0; i < statements.size(); ++i) {
      if (auto error = try_execute(statements[i])) {
        return BatchFailure{i, *error};
      }
    }
    return std::nullopt;
  }
  std::optional<BatchFailure> failure;
  size_t sent = 0;
  for (; sent < statements.size(); ++sent) {
    std::vector<const char*> values = param_values(statements[sent]);
    if (PQsendQueryParams(conn, statements[sent].text.c_str(), static_cast<int>(values.size()),
                          nullptr, values.data(), nullptr, nullptr, 0) != 1) {
      failure = BatchFailure{sent, server_error(nullptr, conn)};
      break;
    }
  }
  PQpipelineSync(conn);
  // One result (then a NULL) per statement sent, then the sync's own result.
  for (size_t i = 0; i < sent; ++i) {
    while (PGresult* raw = PQgetResult(conn)) {
      Result result(raw);
      if (settle_copy(conn, raw)) {
        continue;
      }
      if (PQresultStatus(raw) == PGRES_FATAL_ERROR && !failure) {
        failure = BatchFailure{i, server_error(raw, conn)};
      } else if (!failure) {
        if (std::optional<ServerError> wrong = wrong_row_count(statements[i], raw)) {
          failure = BatchFailure{i, *wrong};
        }
      }
    }
  }
  while (PGresult* raw = PQgetResult(conn)) {
    Result result(raw);
    if (PQresultStatus(raw) == PGRES_PIPELINE_SYNC) {
      break;
    }
  }
  PQexitPipelineMode(conn);
  return failure;
}

namespace {

// Ends a COPY FROM STDIN (with FAILURE as the reason to abort it, when not empty) and reads
// its results: the rows it stored, or the first error.
std::optional<ServerError> finish_copy(PGconn* conn, const std::string& failure,
                                       unsigned long long& rows) {
  PQputCopyEnd(conn, failure.empty() ? nullptr : failure.c_str());
  std::optional<ServerError> error;
  while (PGresult* raw = PQgetResult(conn)) {
    Result result(raw);
    if (PQresultStatus(raw) == PGRES_COMMAND_OK) {
      rows = std::strtoull(PQcmdTuples(raw), nullptr, 10);
    } else if (!error) {
      error = server_error(raw, conn);
    }
  }
  return error;
}

} // namespace

std::optional<ServerError>
Connection::copy_from_file(const std::string& copy_sql, const std::string& path,
                           unsigned long long& rows,
                           const std::function<void(std::string_view)>& on_sent) {
  if (auto error = copy_begin(copy_sql)) {
    return error;
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  std::string failure = fd < 0 ? "cannot open " + path : "";
  static thread_local char buffer[1 << 16];
  while (fd >= 0) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) {
      failure = n < 0 ? "cannot read " + path : "";
      break;
    }
    if (!copy_put(std::string_view(buffer, static_cast<size_t>(n)))) {
      break;
    }
    if (on_sent) {
      on_sent(std::string_view(buffer, static_cast<size_t>(n)));
    }
  }
  if (fd >= 0) {
    ::close(fd);
  }
  return finish_copy(m_impl->raw(), failure, rows);
}

std::optional<ServerError> Connection::copy_begin(const std::string& copy_sql) {
  PGconn* conn = m_impl->raw();
  Result start(PQexec(conn, copy_sql.c_str()));
  if (PQresultStatus(start.get()) != PGRES_COPY_IN) {
    return server_error(start.get(), conn);
  }
  return std::nullopt;
}

bool Connection::copy_put(std::string_view data) {
  return PQputCopyData(m_impl->raw(), data.data(), static_cast<int>(data.size())) == 1;
}

std::optional<ServerError> Connection::copy_end(unsigned long long& rows) {
  return finish_copy(m_impl->raw(), "", rows);
}

std::string Connection::quote_identifier(const std::string& name) const {
  std::string out = "\"";
  for (char c : name) {
    out += c == '"' ? "\"\"" : std::string(1, c);
  }
  return out + "\"";
}

int Connection::server_version_num() const {
  return PQserverVersion(m_impl->raw());
}

std::string Connection::server_version() const {
  return parameter("server_version");
}

std::string Connection::parameter(const char* name) const {
  const char* value = PQparameterStatus(m_impl->raw(), name);
  return value ? value : "";
}

int Connection::backend_pid() const {
  return PQbackendPID(m_impl->raw());
}
std::string Connection::database() const {
  return PQdb(m_impl->raw());
}
std::string Connection::user() const {
  return PQuser(m_impl->raw());
}
std::string Connection::host() const {
  const char* host = PQhost(m_impl->raw());
  return host == nullptr ? "" : host;
}
std::string Connection::port() const {
  const char* port = PQport(m_impl->raw());
  return port == nullptr ? "" : port;
}

ConnParams as_connected(ConnParams params, const Connection& conn) {
  // A URL with several hosts names them all; the one connected to is then not a default.
  if (!params.has("host") && !params.has("hostaddr")) {
    params.set_default("host", conn.host());
    params.set_default("port", conn.port());
  }
  params.set_default("user", conn.user());
  params.set_default("dbname", conn.database());
  return params;
}

TlsStatus Connection::tls_status() const {
  PGconn* conn = m_impl->raw();
  TlsStatus status;
  status.in_use = PQsslInUse(conn) == 1;
  // PQhost names the socket's folder for a unix-socket connection (libpq's own test), but
  // it does so also when hostaddr= sends the connection over TCP: PQhostaddr, the address
  // actually connected to, is empty only on a socket.
  const char* host = PQhost(conn);
  const char* address = PQhostaddr(conn);
  status.unix_socket = host != nullptr && (host[0] == '/' || host[0] == '@') &&
                       (address == nullptr || address[0] == '\0');
  if (status.in_use) {
    const char* protocol = PQsslAttribute(conn, "protocol");
    const char* cipher = PQsslAttribute(conn, "cipher");
    status.protocol = protocol != nullptr ? protocol : "";
    status.cipher = cipher != nullptr ? cipher : "";
  }
  return status;
}

} // namespace agentpg::pg
