#pragma once
// Variables in migration files, in psql's syntax: `:'name'` becomes the value as a string
// literal, `:"name"` as a quoted identifier, `:name` (only where the file's header says
// `-- agentpg: vars raw`) the value as it is. Quoting is PostgreSQL's, so a value can
// never end the literal or identifier it is in: quotes are doubled, and a value with a
// backslash becomes an E'' literal with the backslashes doubled, which reads the same
// whatever standard_conforming_strings says (libpq's PQescapeLiteral does the same).
//
// A file uses variables only when its header says so or the configuration turns them on
// for all files (vars_enabled), so existing files holding `:x` are never touched.
// The checksum and the history's kept text are the file as written, not the substituted
// text: a file is the same migration whatever values it is run with (a schema name per
// environment, a password), so changing a value is not drift, and no value (secrets
// among them) is ever stored in the history.
#include <map>
#include <string>
#include <vector>

#include "migrate/files.hpp"

namespace agentpg::migrate {

struct VariableValue {
  std::string value;
  std::string origin;  // where it was set, for errors
  bool secret = false; // shown as **** by --dry-run
};

struct Variables {
  bool everywhere = false; // vars_enabled: every file, as if its header said `-- agentpg: vars`
  std::map<std::string, VariableValue> values;
};

// Whether a variable's name says it holds a secret (password, passwd, secret, token, key;
// any case): --dry-run shows its value as ****.
bool secret_name(const std::string& name);

// Which substitution a file gets: its header's, or quoted ones when `everywhere`.
VarsDirective directive_for(const MigrationFile& m, const Variables& vars);

// The section's SQL with its references replaced. `masked`: secrets as '****' (for
// --dry-run). Throws core::Error, exit 2: an unset variable, `:name` without `vars raw`, a
// value holding a NUL byte or not UTF-8, or an empty identifier, each naming file and line;
// exit 5 when the scanner cannot read the text (an unterminated quote), naming the line.
std::string substitute(const Section& section, VarsDirective directive, const Variables& vars,
                       bool masked);

} // namespace agentpg::migrate
