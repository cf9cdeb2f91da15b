#include "migrate/schema_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "core/error.hpp"
#include "util/strings.hpp"

namespace agentpg::migrate {

namespace {

using core::Error;
using core::ExitCode;

constexpr std::string_view k_header =
    "-- The database schema, as pg_dump --schema-only prints it without owners, privileges and\n"
    "-- agentpg's own schema, then the migrations applied to it. Written by agentpg (migrate,\n"
    "-- rollback, dump); 'agentpg load' builds a database from it; 'agentpg check --schema'\n"
    "-- compares a database with it. Do not edit: it is rewritten.\n\n";
constexpr std::string_view k_applied_start =
    "-- agentpg: applied migrations (read by 'agentpg load')";
constexpr std::string_view k_migration_prefix = "-- migration ";

// Module and name may hold anything a file name can: blanks, '%' and line breaks are
// percent-encoded so that each field is one word.
std::string encode(std::string_view field) {
  std::string out;
  for (char c : field) {
    if (c == '%' || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  return out.empty() ? "-" : out;
}

bool decode(std::string_view word, std::string& out) {
  out.clear();
  if (word == "-") {
    return true;
  }
  for (size_t i = 0; i < word.size(); ++i) {
    if (word[i] != '%') {
      out += word[i];
      continue;
    }
    if (i + 2 >= word.size()) {
      return false;
    }
    std::string hex(word.substr(i + 1, 2));
    if (!std::all_of(hex.begin(), hex.end(), [](char c) { return std::isxdigit(c) != 0; })) {
      return false;
    }
    out += static_cast<char>(std::stoi(hex, nullptr, 16));
    i += 2;
  }
  return true;
}

// "-- migration VERSION MODULE NAME CHECKSUM"
bool parse_entry(std::string_view line, SchemaEntry& entry) {
  std::vector<std::string> words = util::split(line.substr(k_migration_prefix.size()), ' ');
  return words.size() == 4 && util::is_all_digits(words[0]) && !words[0].empty() &&
         (entry.version = words[0], true) && decode(words[1], entry.module) &&
         decode(words[2], entry.name) && !words[3].empty() && (entry.checksum = words[3], true);
}

} // namespace

std::vector<SchemaEntry> applied_entries(const std::vector<AppliedMigration>& history) {
  std::vector<const AppliedMigration*> applied;
  for (const AppliedMigration& a : history) {
    if (a.status == HistoryStatus::applied) {
      applied.push_back(&a);
    }
  }
  std::sort(applied.begin(), applied.end(),
            [](const auto* a, const auto* b) { return version_less(a->version, b->version); });
  std::vector<SchemaEntry> entries;
  for (const AppliedMigration* a : applied) {
    entries.push_back(SchemaEntry{a->version, a->module, a->name, a->checksum});
  }
  return entries;
}

std::string compose_schema_file(std::string_view dump, const std::vector<SchemaEntry>& applied) {
  std::string text(k_header);
  text += dump;
  text += "\n\n--\n";
  text += k_applied_start;
  text += "\n-- (version, module, name, SHA-256 of the file)\n--\n";
  for (const SchemaEntry& e : applied) {
    text += fmt::format("{}{} {} {} {}\n", k_migration_prefix, e.version, encode(e.module),
                        encode(e.name), e.checksum);
  }
  return text;
}

SchemaFile parse_schema_file(std::string_view text, const std::string& path) {
  std::vector<std::string> lines = util::split(text, '\n');
  auto start = std::find(lines.begin(), lines.end(), k_applied_start);
  if (start == lines.end()) {
    throw Error(ExitCode::validation,
                fmt::format("{} is not a schema file written by agentpg: it lacks the line '{}'",
                            path, k_applied_start),
                "write one with 'agentpg dump' (from a database built by migrate)");
  }
  SchemaFile file;
  size_t sql_end = static_cast<size_t>(start - lines.begin());
  for (size_t i = 0; i + 1 < sql_end; ++i) { // the "--" line above the start is not SQL
    file.sql += lines[i] + "\n";
  }
  for (size_t i = sql_end + 1; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (!util::starts_with(line, k_migration_prefix)) {
      continue; // the comments of the list, and blank lines
    }
    SchemaEntry entry;
    if (!parse_entry(line, entry)) {
      throw Error(ExitCode::validation,
                  fmt::format("{}:{}: a malformed migration line: '{}'", path, i + 1, line),
                  "expected '-- migration VERSION MODULE NAME SHA256' ('-' for no module); "
                  "write the file again with 'agentpg dump'");
    }
    file.applied.push_back(std::move(entry));
  }
  return file;
}

std::vector<std::string> kept_by_down(const MigrationFile& m) {
  constexpr std::string_view k_keeps = "-- verify: keeps ";
  std::vector<std::string> kept;
  for (const std::string& line : util::split(m.down.sql, '\n')) {
    std::string text = util::trim(line);
    if (util::starts_with(text, k_keeps) && text.size() > k_keeps.size()) {
      kept.push_back(util::trim(text.substr(k_keeps.size())));
    }
  }
  return kept;
}

} // namespace agentpg::migrate
