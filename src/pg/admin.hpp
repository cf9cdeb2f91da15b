#pragma once
// Creating and dropping databases (identifiers always quoted).
#include <string>
#include <vector>

#include "pg/conn_params.hpp"

namespace agentpg::pg {

// Creates the database that `target` names when it does not exist, connecting to the
// same server's maintenance database. Returns true when it created it. Safe when several
// processes race to create it.
bool create_database_if_missing(const pg::ConnParams& target, int connect_timeout);

// Whether the database `target` names exists (asked of the maintenance database).
bool database_exists_on_server(const pg::ConnParams& target, int connect_timeout);

// Whether the database `target` names is a template (template0, template1, or one made
// so): CREATE DATABASE copies it, so it is never replaced by a restore.
bool is_template_database_on_server(const pg::ConnParams& target, int connect_timeout);

// Drops the database `target` names; `force` terminates other sessions first.
// Returns false when it did not exist.
bool drop_database(const pg::ConnParams& target, int connect_timeout, bool force);

// Renames database `from` to `to` on the server `server` points at. Throws core::Error
// (exit 4, the server's words) when it cannot: `to` exists, `from` is in use, no privilege.
void rename_database(const pg::ConnParams& server, const std::string& from, const std::string& to,
                     int connect_timeout);

// The databases named `prefix` followed by 8 hex digits (what a restore names the databases
// it makes beside a target), by name.
std::vector<std::string> databases_with_prefix(const pg::ConnParams& server,
                                               const std::string& prefix, int connect_timeout);

// Puts database `replacement` in the place of `target`: ends the other sessions connected to
// `target`, then renames `target` to `aside` and `replacement` to `target` in one
// transaction, so that either both renames happen or neither does (a crash in between
// leaves the two databases as they were). Tries again a few times when new sessions come in
// between; throws core::Error (exit 4) when it cannot, with nothing renamed.
void swap_databases(const pg::ConnParams& server, const std::string& target,
                    const std::string& replacement, const std::string& aside, int connect_timeout);

} // namespace agentpg::pg
