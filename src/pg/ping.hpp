#pragma once
// Whether a server is up, as pg_isready asks it. (Apart from connection.hpp, which most of
// agentpg includes, so that this small addition does not rebuild all of it.)
#include "pg/conn_params.hpp"

namespace agentpg::pg {

// What a server says to a connection attempt, as pg_isready asks it (libpq's PQping):
// `accepting` also when the attempt itself would fail for a reason that only a running
// server gives (no such database, bad password).
enum class ServerState {
  accepting,   // the server is up and accepts connections
  rejecting,   // it answers but refuses connections for now (starting up, shutting down)
  no_response, // nothing answers (not running, refused, unknown host, timed out)
  no_attempt,  // the connection settings are invalid: no attempt was made
};
ServerState ping_server(const pg::ConnParams& params, int connect_timeout);

} // namespace agentpg::pg
