#include "pg/pooler.hpp"

#include <memory>
#include <string>

#include "core/error.hpp"
#include "pg/connection.hpp"

namespace agentpg::pg {

namespace {

int server_pid(Connection& conn) {
  return std::stoi(conn.query("SELECT pg_catalog.pg_backend_pid()").text(0, 0));
}

} // namespace

// Two facts, neither of which depends on the pooler's settings or its load:
//
// 1. A server tells each client its process id when the connection starts (libpq's
//    PQbackendPID). A pooler cannot pass on a server's, since the client is not tied to
//    one server session: PgBouncer, pgcat and Odyssey make up their own. When the startup
//    id equals the pg_backend_pid() a query sees, nothing sits in between: done, in one
//    round trip.
// 2. Otherwise a pooler is in between, in some mode. Two connections that are open at the
//    same time never share a server session unless the pooler hands sessions around
//    between transactions, and one connection never changes its server session unless
//    that happens either. So: the pid of `conn` (idle between transactions now), then the
//    pid a second connection gets, then `conn`'s again. A transaction pooler gave `conn`'s
//    idle session to the second connection (PgBouncer reuses the most recently released
//    one), or gives `conn` another one the next time (a pooler that spreads its load):
//    either shows. In session mode the three pids are two, and `conn` keeps its own.
Session probe_session(Connection& conn, const ConnParams& params, int connect_timeout) {
  const int first = server_pid(conn);
  if (first == conn.backend_pid()) {
    return Session::own;
  }
  // 0 when the pooler takes no second client (max_client_conn reached): then the third
  // pid decides alone.
  int other = 0;
  try {
    std::unique_ptr<Connection> second = Connection::open(params, connect_timeout);
    other = server_pid(*second);
  } catch (const core::Error&) {
  }
  const int again = server_pid(conn);
  return other == first || again != first ? Session::shared : Session::own_pooled;
}

} // namespace agentpg::pg
