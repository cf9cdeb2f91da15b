#pragma once
// Whether a connection keeps one server session for its whole life, as a session-level
// advisory lock (the migration lock) needs. A connection pooler in transaction or
// statement mode (PgBouncer's pool_mode=transaction, and the poolers that work like it)
// hands the server session to other clients between transactions: a lock taken there
// stays on a session that others then use, and is released on another one or never.
#include "pg/conn_params.hpp"

namespace agentpg::pg {

class Connection;

enum class Session {
  own,        // nothing in between: the server itself
  own_pooled, // the same, through a pooler (session mode)
  shared,     // the server session changes hands between transactions: a transaction pooler
};

// Probes `conn`, opened from `params`; see pooler.cpp for how. A shared session is never
// reported for a connection that has its own, whatever the load. Costs one round trip on
// a direct connection; through a pooler, a second connection and two more round trips.
Session probe_session(Connection& conn, const ConnParams& params, int connect_timeout);

} // namespace agentpg::pg
