#include "migrate/files.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "core/error.hpp"
#include "core/utf8.hpp"
#include "migrate/history.hpp"
#include "sql/splitter.hpp"
#include "util/files.hpp"
#include "util/sha256.hpp"
#include "util/strings.hpp"

namespace agentpg::migrate {

using sql::has_transaction_control;

namespace {

using core::Error;
using core::ExitCode;

[[noreturn]] void malformed(const std::string& path, int line, const std::string& what,
                            const std::string& hint = {}) {
  throw Error(ExitCode::validation, fmt::format("{}:{}: {}", path, line, what),
              hint.empty() ? "a migration holds '-- migrate:up' then, optionally, '-- migrate:down'"
                           : hint);
}

// The line of the first byte that is not well-formed UTF-8 (core/utf8.hpp: no overlong
// forms or surrogates, which the server refuses too), or 0 when it all is.
int invalid_utf8_line(std::string_view text) {
  size_t bad = core::first_invalid_utf8(text);
  if (bad == std::string_view::npos) {
    return 0;
  }
  return 1 + static_cast<int>(
                 std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(bad), '\n'));
}

std::string_view strip_bom(std::string_view text) {
  return util::starts_with(text, "\xEF\xBB\xBF") ? text.substr(3) : text;
}

int line_of(std::string_view text, size_t offset) {
  return 1 + static_cast<int>(std::count(text.begin(),
                                         text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

// SQL text is UTF-8 without NUL bytes: the server and psql stop reading at a NUL, so
// whatever follows one would silently never run.
void require_utf8(const std::string& path, std::string_view text) {
  if (size_t nul = text.find('\0'); nul != std::string_view::npos) {
    malformed(path, line_of(text, nul),
              "the file contains a NUL byte (SQL after it would never run)",
              "remove the NUL byte; is this a binary file, or saved as UTF-16?");
  }
  if (int line = invalid_utf8_line(text)) {
    malformed(path, line, "the file is not valid UTF-8", "save the file as UTF-8");
  }
}

// A marker line: "-- migrate:up" or "-- migrate:down", with options after it.
struct Marker {
  bool is_marker = false;
  bool up = false;
  std::vector<std::string> options;
};

std::string_view trim_view(std::string_view s) {
  size_t begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) {
    return {};
  }
  return s.substr(begin, s.find_last_not_of(" \t\r\n") - begin + 1);
}

Marker read_marker(std::string_view line) {
  Marker marker;
  std::string_view trimmed = trim_view(line);
  if (trimmed.size() < 12 || trimmed.compare(0, 2, "--") != 0) {
    return marker;
  }
  std::string_view rest = trim_view(trimmed.substr(2));
  for (std::string_view word : {std::string_view("migrate:up"), std::string_view("migrate:down")}) {
    if (rest.compare(0, word.size(), word) == 0 &&
        (rest.size() == word.size() ||
         std::isspace(static_cast<unsigned char>(rest[word.size()])))) {
      marker.is_marker = true;
      marker.up = word == "migrate:up";
      for (const auto& option : util::split(trim_view(rest.substr(word.size())), ' ')) {
        if (!option.empty()) {
          marker.options.push_back(option);
        }
      }
    }
  }
  return marker;
}

void apply_options(const std::string& path, int line, const Marker& marker, Section& section) {
  for (const auto& option : marker.options) {
    if (option == "transaction:false") {
      section.transactional = false;
    } else if (option == "transaction:true") {
      section.transactional = true;
    } else {
      malformed(path, line, fmt::format("unknown option '{}' on the marker line", option),
                "the options are transaction:false and transaction:true");
    }
  }
}

bool is_blank_or_comment(std::string_view line) {
  std::string_view trimmed = trim_view(line);
  return trimmed.empty() || trimmed.compare(0, 2, "--") == 0;
}

// "-- agentpg: vars" or "-- agentpg: vars raw" (blanks between the words as you like);
// any other line is no directive (a comment that merely starts so stays a comment).
VarsDirective read_directive(std::string_view line) {
  std::string_view trimmed = trim_view(line);
  if (trimmed.compare(0, 2, "--") != 0) {
    return VarsDirective::none;
  }
  std::vector<std::string> words;
  for (const auto& w : util::split(std::string(trim_view(trimmed.substr(2))), ' ')) {
    if (!w.empty()) {
      words.push_back(w);
    }
  }
  if (words.size() < 2 || words[0] != "agentpg:" || words[1] != "vars" || words.size() > 3) {
    return VarsDirective::none;
  }
  if (words.size() == 3) {
    return words[2] == "raw" ? VarsDirective::raw : VarsDirective::none;
  }
  return VarsDirective::quoted;
}

// The directive among the leading blank and comment lines of a file of its own.
VarsDirective header_directive(std::string_view text) {
  VarsDirective found = VarsDirective::none;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    std::string_view line = text.substr(pos, end == std::string_view::npos ? text.npos : end - pos);
    if (!is_blank_or_comment(line)) {
      break;
    }
    found = std::max(found, read_directive(line));
    pos = end == std::string_view::npos ? text.size() : end + 1;
  }
  return found;
}

// A migration's name is shown, stored and written in JSON: it must be UTF-8 text without
// control characters.
void check_file_name(const std::string& dir, const std::string& name) {
  bool control = std::any_of(name.begin(), name.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
  if (!control && core::first_invalid_utf8(name) == std::string::npos) {
    return;
  }
  throw Error(ExitCode::validation,
              fmt::format("{}/{}: the file name is not UTF-8 text without control characters",
                          core::escape_bytes(dir), core::escape_bytes(name)),
              "rename it (each \\xHH is one byte): its name is shown, stored in the history and "
              "written in JSON");
}

struct FileName {
  std::string version; // normalised; "" when the name does not fit
  std::string written; // the digits as written
  std::string name;
};

// The leading digits of a file name, as written.
std::string leading_digits(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) {
    ++digits;
  }
  return std::string(text.substr(0, digits));
}

// "<digits>_<name><suffix>" -> its version and name.
FileName split_file_name(const std::string& file, const std::string& suffix) {
  std::string stem = file.substr(0, file.size() - suffix.size());
  std::string written = leading_digits(stem);
  if (written.empty()) {
    return {};
  }
  size_t digits = written.size();
  std::string name =
      digits < stem.size() && stem[digits] == '_' ? stem.substr(digits + 1) : stem.substr(digits);
  return {normalise_version(stem), std::move(written), std::move(name)};
}

bool is_diesel_folder(const std::string& path) {
  return util::path_exists(path + "/up.sql");
}

// Diesel reads the version as the folder name up to the first '_', without its dashes.
MigrationFile load_diesel(const std::string& path, const std::string& folder,
                          const std::string& module) {
  size_t underscore = folder.find('_');
  std::string raw = folder.substr(0, underscore);
  raw.erase(std::remove(raw.begin(), raw.end(), '-'), raw.end());
  if (!util::is_all_digits(raw)) {
    malformed(path + "/up.sql", 1,
              "a diesel folder's name must start with its version (YYYY-MM-DD-HHMMSS_name)");
  }
  MigrationFile m;
  m.version = normalise_version(raw);
  m.written_version = raw;
  m.name = underscore == std::string::npos ? "" : folder.substr(underscore + 1);
  m.module = module;
  m.path = path;
  m.layout = Layout::diesel;
  std::string up_text = util::read_file(path + "/up.sql", ExitCode::validation);
  m.up = parse_plain_section(path + "/up.sql", up_text);
  m.vars = header_directive(up_text);
  std::string checksum_input = up_text;
  if (util::path_exists(path + "/down.sql")) {
    std::string down_text = util::read_file(path + "/down.sql", ExitCode::validation);
    m.down = parse_plain_section(path + "/down.sql", down_text);
    checksum_input += '\0' + down_text;
  }
  if (std::string meta = path + "/metadata.toml"; util::path_exists(meta)) {
    for (const auto& line : util::split(util::read_file(meta, ExitCode::validation), '\n')) {
      std::string compact;
      for (char c : line) {
        compact += std::isspace(static_cast<unsigned char>(c)) ? "" : std::string(1, c);
      }
      if (compact == "run_in_transaction=false") {
        m.up.transactional = false;
        m.down.transactional = false;
      }
    }
  }
  m.checksum = content_checksum(checksum_input);
  return m;
}

// The migrations of one folder (a module, or the root): native files, golang-migrate
// pairs and diesel folders. Sub-folders that are not diesel migrations are returned in
// `subfolders` (the root's modules).
std::vector<MigrationFile> load_folder(const std::string& dir, const std::string& module,
                                       std::vector<std::string>* subfolders) {
  std::vector<MigrationFile> found;
  std::vector<std::string> native;
  std::map<std::string, MigrationFile> pairs;                       // golang-migrate, by file stem
  std::map<std::string, std::pair<std::string, std::string>> texts; // their up and down texts
  for (auto& dir_entry : util::list_directory(dir)) {
    std::string& entry = dir_entry.name;
    // Only what may be a migration or a module is held to the rule: a stray README is not.
    if (dir_entry.directory || util::ends_with(entry, ".sql")) {
      check_file_name(dir, entry);
    }
    if (dir_entry.directory) {
      std::string path = dir + "/" + entry;
      if (is_diesel_folder(path)) {
        found.push_back(load_diesel(path, entry, module));
      } else if (subfolders != nullptr && entry[0] != '.') {
        subfolders->push_back(entry);
      }
      continue;
    }
    bool up_file = util::ends_with(entry, ".up.sql");
    bool down_file = util::ends_with(entry, ".down.sql");
    if (up_file || down_file) {
      std::string suffix = up_file ? ".up.sql" : ".down.sql";
      FileName parts = split_file_name(entry, suffix);
      if (parts.version.empty()) {
        continue;
      }
      std::string stem = entry.substr(0, entry.size() - suffix.size());
      std::string path = dir + "/" + entry;
      MigrationFile& pair = pairs[stem];
      std::string text = util::read_file(path, ExitCode::validation);
      (up_file ? pair.up : pair.down) = parse_plain_section(path, text);
      (up_file ? texts[stem].first : texts[stem].second) = text;
      pair.version = parts.version;
      pair.written_version = parts.written;
      pair.name = parts.name;
      pair.module = module;
      pair.layout = Layout::golang_migrate;
      pair.path = up_file ? path : pair.path;
      continue;
    }
    if (util::ends_with(entry, ".sql") && std::isdigit(static_cast<unsigned char>(entry[0]))) {
      native.push_back(std::move(entry));
    }
  }
  for (const auto& name : native) {
    std::string path = dir + "/" + name;
    found.push_back(parse_native(path, util::read_file(path, ExitCode::validation)));
    found.back().module = module;
  }
  for (auto& [stem, pair] : pairs) {
    if (!pair.up.present) {
      malformed(pair.down.path, 1,
                fmt::format("'{}.down.sql' has no '{}.up.sql' beside it", stem, stem),
                "add the up file, or delete the lone down file");
    }
    const auto& [up_text, down_text] = texts[stem];
    pair.checksum = content_checksum(pair.down.present ? up_text + '\0' + down_text : up_text);
    pair.vars = header_directive(up_text);
    found.push_back(std::move(pair));
  }
  return found;
}

} // namespace

std::string normalise_version(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) {
    ++digits;
  }
  if (digits == 0) {
    return "";
  }
  size_t first = text.find_first_not_of('0');
  if (first == std::string_view::npos || first >= digits) {
    return "0";
  }
  return std::string(text.substr(first, digits - first));
}

bool version_less(const std::string& a, const std::string& b) {
  bool a_timestamp = a.size() >= k_timestamp_digits;
  bool b_timestamp = b.size() >= k_timestamp_digits;
  if (a_timestamp != b_timestamp) {
    return b_timestamp; // sequence numbers first
  }
  if (a_timestamp) {
    return a < b; // digit by digit, as text
  }
  return a.size() != b.size() ? a.size() < b.size() : a < b; // as numbers (no leading zeros)
}

std::string shown_version(const std::vector<MigrationFile>& files, const std::string& version) {
  for (const auto& f : files) {
    if (f.version == version) {
      return shown_version(f);
    }
  }
  return version;
}

std::string content_checksum(std::string_view text) {
  std::string_view body = strip_bom(text);
  if (body.find('\r') == std::string_view::npos) {
    return util::sha256_hex(body);
  }
  std::string normalised;
  normalised.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] != '\r' || i + 1 >= body.size() || body[i + 1] != '\n') {
      normalised += body[i];
    }
  }
  return util::sha256_hex(normalised);
}

namespace {

// Whether SQL controls transactions itself: the parser's answer, asked only of text that
// holds BEGIN or START at all.
bool controls_transactions(std::string_view sql) {
  std::string lower = util::to_lower(std::string(sql));
  bool maybe = false;
  for (const char* word : {"begin", "start", "commit", "end", "rollback", "abort", "prepare"}) {
    maybe = maybe || lower.find(word) != std::string::npos;
  }
  if (!maybe) {
    return false;
  }
  return has_transaction_control(sql);
}

} // namespace

bool has_sql(const Section& section) {
  std::vector<sql::Statement> statements = sql::split_statements(section.sql);
  return std::any_of(statements.begin(), statements.end(),
                     [](const sql::Statement& st) { return st.has_sql; });
}

Section parse_plain_section(const std::string& path, std::string_view text) {
  require_utf8(path, text);
  Section section;
  section.present = true;
  section.sql = std::string(strip_bom(text));
  section.path = path;
  section.first_line = 1;
  section.own_transactions = controls_transactions(section.sql);
  return section;
}

MigrationFile parse_native(const std::string& path, std::string_view raw) {
  require_utf8(path, raw);
  std::string_view text = strip_bom(raw);
  std::string file_name = path.substr(path.find_last_of('/') + 1);
  FileName parts = split_file_name(file_name, ".sql");
  MigrationFile m;
  m.version = std::move(parts.version);
  m.written_version = std::move(parts.written);
  m.name = std::move(parts.name);
  m.path = path;
  m.layout = Layout::native;
  m.checksum = content_checksum(raw);
  m.up.path = m.down.path = path;

  Section* current = nullptr;
  size_t section_start = 0;
  int line_number = 0;
  size_t pos = 0;
  auto close_section = [&](size_t end) {
    if (current != nullptr) {
      current->sql = std::string(text.substr(section_start, end - section_start));
    }
  };
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    size_t next = end == std::string_view::npos ? text.size() : end + 1;
    std::string_view line = text.substr(pos, next - pos);
    ++line_number;
    Marker marker = read_marker(line);
    if (marker.is_marker) {
      Section& target = marker.up ? m.up : m.down;
      if (target.present) {
        malformed(path, line_number,
                  fmt::format("a second '-- migrate:{}' marker", marker.up ? "up" : "down"));
      }
      if (marker.up && m.down.present) {
        malformed(path, line_number, "'-- migrate:up' comes after '-- migrate:down'",
                  "put the up section first, then the down section");
      }
      close_section(pos);
      apply_options(path, line_number, marker, target);
      target.present = true;
      target.first_line = line_number + 1;
      current = &target;
      section_start = next;
    } else if (current == nullptr && read_directive(line) != VarsDirective::none) {
      m.vars = std::max(m.vars, read_directive(line));
    } else if (current == nullptr && trim_view(line).compare(0, 11, "-- alembic:") == 0) {
      m.alembic_revision = std::string(trim_view(trim_view(line).substr(11)));
      m.header += line;
    } else if (current == nullptr && !is_blank_or_comment(line)) {
      malformed(path, line_number, "SQL before '-- migrate:up'",
                "statements belong in the up or down section; move it below '-- migrate:up'");
    } else if (current == nullptr) {
      m.header += line;
    }
    pos = next;
  }
  close_section(text.size());
  m.up.own_transactions = controls_transactions(m.up.sql);
  m.down.own_transactions = controls_transactions(m.down.sql);
  if (!m.up.present) {
    malformed(path, 1,
              text.empty() ? "the file is empty: no '-- migrate:up' section"
                           : "no '-- migrate:up' section");
  }
  return m;
}

std::vector<const MigrationFile*> in_version_order(const std::vector<MigrationFile>& files) {
  std::vector<const MigrationFile*> order;
  order.reserve(files.size());
  for (const auto& m : files) {
    order.push_back(&m);
  }
  std::stable_sort(order.begin(), order.end(), [](const MigrationFile* a, const MigrationFile* b) {
    return version_less(a->version, b->version);
  });
  return order;
}

void check_unique_versions(const std::vector<MigrationFile>& migrations) {
  std::vector<const MigrationFile*> order = in_version_order(migrations);
  for (size_t i = 1; i < order.size(); ++i) {
    if (order[i]->version == order[i - 1]->version) {
      throw Error(ExitCode::validation,
                  fmt::format("{}:1: version {} is also used by {}", order[i]->path,
                              shown_version(*order[i]), order[i - 1]->path),
                  "every migration needs its own version; rename one of them ('agentpg new' makes "
                  "unique ones)");
    }
  }
}

std::vector<MigrationFile> load_migrations(const std::string& dir,
                                           const std::vector<std::string>& modules) {
  if (!util::is_directory(dir)) {
    throw Error(ExitCode::usage, fmt::format("the migrations folder {} does not exist", dir),
                "create it with 'agentpg new NAME', or point --migrations-dir at your migrations");
  }
  std::vector<std::string> folders;
  std::vector<MigrationFile> all = load_folder(dir, "", &folders);
  for (const auto& module : modules) {
    if (std::find(folders.begin(), folders.end(), module) == folders.end()) {
      throw Error(ExitCode::usage, fmt::format("module '{}' has no folder in {}", module, dir),
                  fmt::format("the modules there are: {}",
                              folders.empty() ? "(none)" : util::join(folders, ", ")));
    }
  }
  for (const auto& module : modules.empty() ? folders : modules) {
    std::vector<MigrationFile> found = load_folder(dir + "/" + module, module, nullptr);
    all.insert(all.end(), std::make_move_iterator(found.begin()),
               std::make_move_iterator(found.end()));
  }
  check_unique_versions(all);
  // Name order is nearly always version order already.
  auto by_version = [](const MigrationFile& a, const MigrationFile& b) {
    return version_less(a.version, b.version);
  };
  if (!std::is_sorted(all.begin(), all.end(), by_version)) {
    std::sort(all.begin(), all.end(), by_version);
  }
  return all;
}

pg::MigrationRow history_row(const MigrationFile& m) {
  // The text as written: values of variables (secrets among them) never reach the history.
  pg::MigrationRow row{m.version,         m.name,
                       m.module,          m.checksum,
                       written_sql(m.up), m.up.transactional,
                       std::nullopt,      m.down.transactional};
  if (m.down.present) {
    row.down_sql = written_sql(m.down);
  }
  return row;
}

std::vector<std::string> module_folders(const std::string& dir) {
  std::vector<std::string> folders;
  if (!util::is_directory(dir)) {
    return folders;
  }
  for (const auto& entry : util::list_directory(dir)) {
    std::string path = dir + "/" + entry.name;
    if (entry.directory && entry.name[0] != '.' && !is_diesel_folder(path)) {
      folders.push_back(entry.name);
    }
  }
  return folders;
}

} // namespace agentpg::migrate
