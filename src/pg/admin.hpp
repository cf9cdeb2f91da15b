#pragma once
// Creating and dropping databases (identifiers always quoted).
#include <string>

#include "pg/conn_params.hpp"

namespace agentpg::pg {

// Creates the database that `target` names when it does not exist, connecting to the
// same server's maintenance database. Returns true when it created it. Safe when several
// processes race to create it.
bool create_database_if_missing(const pg::ConnParams& target, int connect_timeout);

// Whether the database `target` names exists (asked of the maintenance database).
bool database_exists_on_server(const pg::ConnParams& target, int connect_timeout);

// Drops the database `target` names; `force` terminates other sessions first.
// Returns false when it did not exist.
bool drop_database(const pg::ConnParams& target, int connect_timeout, bool force);

} // namespace agentpg::pg
