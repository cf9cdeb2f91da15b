#include "migrate/variables.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/error.hpp"
#include "core/utf8.hpp"
#include "pg/query.hpp"
#include "sql/variables.hpp"
#include "util/strings.hpp"

namespace agentpg::migrate {

namespace {

using core::Error;
using core::ExitCode;
using sql::VariableKind;

int line_at(const Section& section, size_t offset) {
  return section.first_line +
         static_cast<int>(std::count(
             section.sql.begin(), section.sql.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

std::string written_as(const sql::VariableRef& ref) {
  return ref.kind == VariableKind::literal      ? ":'" + ref.name + "'"
         : ref.kind == VariableKind::identifier ? ":\"" + ref.name + "\""
                                                : ":" + ref.name;
}

// A value that can be put in SQL text at all: the server reads C strings (a NUL would cut
// the statement short) in UTF-8.
void check_value(const std::string& where, const std::string& name, const VariableValue& v) {
  if (v.value.find('\0') != std::string::npos) {
    throw Error(ExitCode::usage,
                fmt::format("{}: variable '{}' (from {}) holds a NUL byte, which SQL text cannot",
                            where, name, v.origin));
  }
  if (core::first_invalid_utf8(v.value) != std::string::npos) {
    throw Error(ExitCode::usage, fmt::format("{}: variable '{}' (from {}) is not UTF-8 text", where,
                                             name, v.origin));
  }
}

// The text that replaces one reference.
std::string replacement(const std::string& where, const sql::VariableRef& ref,
                        const VariableValue& v, bool masked) {
  check_value(where, ref.name, v);
  const std::string& value = masked && v.secret ? std::string("****") : v.value;
  switch (ref.kind) {
  case VariableKind::literal: {
    std::string literal = pg::sql_literal(value);
    // E'...' right after a name would read as part of it (xE'...'): a blank first, as
    // PQescapeLiteral writes it.
    return literal[0] == 'E' ? " " + literal : literal;
  }
  case VariableKind::identifier:
    if (value.empty()) {
      throw Error(ExitCode::usage,
                  fmt::format("{}: variable '{}' (from {}) is empty, and an identifier cannot be",
                              where, ref.name, v.origin));
    }
    return pg::quote_identifier(value);
  case VariableKind::raw:
    return value;
  }
  return value;
}

} // namespace

bool secret_name(const std::string& name) {
  std::string lower = util::to_lower(name);
  for (const char* word : {"password", "passwd", "secret", "token", "key"}) {
    if (lower.find(word) != std::string::npos) {
      return true;
    }
  }
  return false;
}

VarsDirective directive_for(const MigrationFile& m, const Variables& vars) {
  return vars.everywhere ? std::max(m.vars, VarsDirective::quoted) : m.vars;
}

std::string substitute(const Section& section, VarsDirective directive, const Variables& vars,
                       bool masked) {
  if (directive == VarsDirective::none || section.sql.find(':') == std::string::npos) {
    return section.sql;
  }
  sql::VariableScan scan = sql::find_variables(section.sql);
  if (!scan.scanned) {
    throw Error(ExitCode::validation,
                fmt::format("{}:{}: cannot find its variables: {}", section.path,
                            line_at(section, std::min(scan.error_offset, section.sql.size())),
                            scan.error),
                "a quote or a comment that never ends?");
  }
  std::string out;
  size_t copied = 0;
  for (const sql::VariableRef& ref : scan.refs) {
    std::string where = fmt::format("{}:{}", section.path, line_at(section, ref.offset));
    std::string written = written_as(ref);
    if (ref.kind == VariableKind::raw && directive != VarsDirective::raw) {
      throw Error(ExitCode::usage,
                  fmt::format("{}: {} would put the value in as it is (raw SQL)", where, written),
                  "write :'" + ref.name + "' for a string or :\"" + ref.name +
                      "\" for a name; if raw SQL is meant, say '-- agentpg: vars raw' above "
                      "'-- migrate:up'");
    }
    auto found = vars.values.find(ref.name);
    if (found == vars.values.end()) {
      throw Error(ExitCode::usage, fmt::format("{}: variable '{}' is not set", where, ref.name),
                  fmt::format("set it with --var {}=VALUE, AGENTPG_VAR_{}=VALUE or under vars: in "
                              "agentpg.yaml",
                              ref.name, ref.name));
    }
    out.append(section.sql, copied, ref.offset - copied);
    out += replacement(where, ref, found->second, masked);
    copied = ref.offset + ref.length;
  }
  out.append(section.sql, copied, std::string::npos);
  return out;
}

} // namespace agentpg::migrate
