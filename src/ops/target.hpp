#pragma once
// Which database this run talks to.
#include <memory>

#include "ops/context.hpp"
#include "pg/conn_params.hpp"

namespace agentpg::pg {
class Connection;
}

namespace agentpg::ops {

// Which of the two configured URLs a connection uses. The database URL may point at a
// connection pooler (the application's); direct_url, when set, at the database itself.
enum class Route {
  // Everything that holds the migration lock, changes the schema or the data, or needs
  // one session for its whole run (pg_dump, pg_restore): direct_url when set, else the
  // database URL.
  direct,
  // Read-only looks (status, check, wait): the database URL, else direct_url.
  pooled,
};

// --local's cluster (started when needed), else the configured URL, else libpq's own
// environment (PGHOST, PGDATABASE, service files). Throws core::Error (usage) when
// nothing says where the database is. In production it first checks, with a connection
// of its own, that the server is reached over TLS or a unix socket (check_transport).
// With --wait, it first waits for the server (wait_for_server).
pg::ConnParams target_params(const ops::Context& ctx, Route route = Route::direct);
// The same without that check and without waiting, for a caller that checks its own
// connection (check, which waits its own way).
pg::ConnParams resolve_target_params(const ops::Context& ctx, Route route = Route::direct);

// Connects to the target (exit 3 on failure; with --wait, after wait_for_server), then
// applies check_transport.
std::unique_ptr<pg::Connection> connect_target(const ops::Context& ctx,
                                               Route route = Route::direct);

// For the commands that take the migration lock (a session-level advisory lock): refuses
// (exit 2, a configuration error), before anything is changed, a connection that goes
// through a pooler in transaction or statement mode (pg::probe_session), saying to give
// the direct URL. Nothing is probed for --local's cluster.
void require_own_session(const ops::Context& ctx, const pg::ConnParams& params,
                         pg::Connection& conn);
// connect_target(ctx, Route::direct), then require_own_session.
std::unique_ptr<pg::Connection> connect_for_lock(const ops::Context& ctx);
// For a command that creates the database when it is missing (init, bundled install), so
// that a transaction pooler is refused before anything is created: a connection to
// `params`, checked with require_own_session, or nullptr when none can be made (the
// database may not exist yet; creating it then reports anything else).
std::unique_ptr<pg::Connection> open_existing_for_lock(const ops::Context& ctx,
                                                       const pg::ConnParams& params);

// The direct URL, masked, for status and check to say where migrations go: "" when none
// is set, or with --local.
std::string direct_url_display(const ops::Context& ctx);

// Production's rule for plain text, applied once per run: a connection over the network
// without TLS is refused (exit 2) unless the user chose it, by an explicit sslmode
// (disable, allow or prefer, in the URL or PGSSLMODE) or allow_plaintext; then it is a
// warning. A unix socket is local: never refused. Other environments: nothing.
void check_transport(const ops::Context& ctx, const pg::ConnParams& params,
                     const pg::Connection& conn);

// --wait SECONDS: retries, at most that long, until the server accepts connections; exit 3
// when it still does not. "Accepts" is pg_isready's meaning: a server that answers that the
// database does not exist (init, create-db) or the password is wrong is up, and the
// command's own connection reports the rest. Nothing with --local (its cluster is started
// and waited for) or without --wait; once the server is up, a call costs one quick ping.
void wait_for_server(const ops::Context& ctx, const pg::ConnParams& params);

// Refuses (exit 2) a database name PostgreSQL would cut: names are at most 63 bytes, and
// the server silently shortens a longer one, which then names another database.
void check_database_name(const std::string& name);

// The same server's maintenance database ("postgres"), for CREATE/DROP DATABASE.
pg::ConnParams maintenance_params(const pg::ConnParams& target);

} // namespace agentpg::ops
