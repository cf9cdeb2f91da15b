#include "seed/files.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <regex>

#include "core/error.hpp"
#include "core/json.hpp"
#include "core/utf8.hpp"
#include "util/files.hpp"
#include "util/sha256.hpp"
#include "util/strings.hpp"
#include "util/yaml_stream.hpp"

namespace agentpg::seed {

namespace {

using core::Error;
using core::ExitCode;
using util::YamlMark;
using util::YamlNode;
using util::YamlStream;

[[noreturn]] void malformed(const std::string& path, const YamlMark& mark,
                            const std::string& what) {
  throw Error(
      ExitCode::validation, fmt::format("{}:{}:{}: {}", path, mark.line + 1, mark.column + 1, what),
      "a YAML seed holds 'table: schema.table', 'key: [columns]' and 'rows:' (a list of maps)");
}

bool plain_scalar_is(const YamlNode& node, std::initializer_list<const char*> words) {
  return !node.quoted &&
         std::any_of(words.begin(), words.end(), [&](const char* w) { return node.value == w; });
}

// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?, read without std::regex (which recurses
// once a character and overflows the stack on a long number).
bool plain_number(const YamlNode& node) {
  if (node.quoted) {
    return false;
  }
  const std::string& v = node.value;
  size_t i = 0;
  auto digits = [&] {
    size_t start = i;
    while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) {
      ++i;
    }
    return i - start;
  };
  i += i < v.size() && v[i] == '-' ? 1 : 0;
  size_t integer_start = i;
  size_t integer = digits();
  if (integer == 0 || (integer > 1 && v[integer_start] == '0')) {
    return false;
  }
  if (i < v.size() && v[i] == '.') {
    ++i;
    if (digits() == 0) {
      return false;
    }
  }
  if (i < v.size() && (v[i] == 'e' || v[i] == 'E')) {
    ++i;
    i += i < v.size() && (v[i] == '-' || v[i] == '+') ? 1 : 0;
    if (digits() == 0) {
      return false;
    }
  }
  return i == v.size();
}

// A map key's text: keys are single values.
const std::string& key_text(const std::string& path, const YamlNode& key) {
  if (key.type != YamlNode::Type::scalar) {
    malformed(path, key.mark, "a key must be a single value");
  }
  return key.value;
}

std::string to_json(const std::string& path, const YamlNode& node) {
  switch (node.type) {
  case YamlNode::Type::null:
    return "null";
  case YamlNode::Type::scalar:
    if (plain_scalar_is(node, {"true", "false"})) {
      return node.value;
    }
    if (plain_scalar_is(node, {"null", "~"})) {
      return "null";
    }
    return plain_number(node) ? node.value : core::json_quote(node.value);
  case YamlNode::Type::sequence: {
    std::string out;
    for (const auto& item : node.items) {
      out += (out.empty() ? "" : ",") + to_json(path, item);
    }
    return "[" + out + "]";
  }
  case YamlNode::Type::map:
    break;
  }
  std::string out;
  for (size_t i = 0; i + 1 < node.items.size(); i += 2) {
    out += (out.empty() ? "" : ",") + core::json_quote(key_text(path, node.items[i])) + ":" +
           to_json(path, node.items[i + 1]);
  }
  return "{" + out + "}";
}

SeedValue reference(const std::string& path, const YamlNode& node) {
  SeedValue v;
  v.kind = SeedValue::Kind::reference;
  for (size_t i = 0; i + 1 < node.items.size(); i += 2) {
    const std::string& key = key_text(path, node.items[i]);
    const YamlNode& value = node.items[i + 1];
    if (value.type != YamlNode::Type::scalar) {
      malformed(path, value.mark, fmt::format("'{}' of a $ref must be a single value", key));
    }
    if (key == "$ref") {
      v.ref_table = value.value;
    } else if (key == "$column") {
      v.ref_column = value.value;
    } else {
      v.ref_key.emplace_back(key, value.value);
    }
  }
  if (v.ref_key.empty()) {
    malformed(path, node.mark, "a $ref needs at least one column to find the row by");
  }
  return v;
}

// `node`'s scalar text is moved into the value: a row is read once.
SeedValue to_value(const std::string& path, YamlNode& node) {
  SeedValue v;
  if (node.type == YamlNode::Type::null || plain_scalar_is(node, {"null", "~"})) {
    return v;
  }
  if (node.type == YamlNode::Type::scalar) {
    v.kind = SeedValue::Kind::scalar;
    v.text = std::move(node.value);
    return v;
  }
  if (node.get("$ref") != nullptr) {
    return reference(path, node);
  }
  v.kind = SeedValue::Kind::structured;
  v.text = to_json(path, node);
  v.is_list = node.type == YamlNode::Type::sequence;
  if (v.is_list) {
    for (const auto& item : node.items) {
      v.items.push_back(item.type == YamlNode::Type::scalar ? item.value : to_json(path, item));
    }
  }
  return v;
}

using RowSink = std::function<void(SeedRow&&)>;

// A row of the file; `key`: the key columns it must hold, when they are known.
SeedRow to_row(const std::string& path, YamlNode& row, const std::vector<std::string>* key) {
  if (row.type != YamlNode::Type::map) {
    malformed(path, row.mark, "each row must be a map of column: value");
  }
  SeedRow r;
  r.line = row.mark.line + 1;
  r.values.reserve(row.items.size() / 2);
  for (size_t i = 0; i + 1 < row.items.size(); i += 2) {
    key_text(path, row.items[i]);
    r.values.emplace_back(std::move(row.items[i].value), to_value(path, row.items[i + 1]));
  }
  for (const auto& k : key != nullptr ? *key : std::vector<std::string>{}) {
    if (std::none_of(r.values.begin(), r.values.end(),
                     [&](const auto& v) { return v.first == k; })) {
      malformed(path, row.mark, fmt::format("this row has no value for the key column '{}'", k));
    }
  }
  return r;
}

// The names of a `key:` value, as far as they are names (key_columns checks it whole).
std::vector<std::string> key_names(const YamlNode& key) {
  std::vector<std::string> names;
  if (key.type == YamlNode::Type::scalar) {
    names.push_back(key.value);
  }
  for (const auto& k : key.items) {
    names.push_back(k.value);
  }
  return names;
}

std::vector<std::string> key_columns(const std::string& path, const YamlNode* key) {
  std::vector<std::string> columns;
  if (key != nullptr && key->type == YamlNode::Type::scalar) {
    columns.push_back(key->value);
  } else if (key != nullptr) {
    for (const auto& k : key->items) {
      columns.push_back(key_text(path, k));
    }
  }
  return columns;
}

// One reading of a YAML seed document.
// - Mode::whole hands every row on and finds the errors, in the order, of reading the
//   whole document first: YAML that cannot be read (or is refused: aliases past the bounds,
//   a repeated key) at once, wherever it is; then the document's shape (table, key, rows);
//   then the first bad row.
// - Mode::header reads the table and key, up to where the rows start when both come before
//   them (the usual layout), else to the end; rows are not looked at.
// - Mode::rows hands every row on, the table and key known (from Mode::header), and stops
//   at the first bad row.
class SeedReader {
public:
  enum class Mode { whole, header, rows };

  SeedReader(const std::string& path, YamlStream& stream, Mode mode, const RowSink& on_row)
      : m_path(path), m_stream(stream), m_mode(mode), m_on_row(on_row) {}

  // Reads the document into `f` (table, key) and its rows to on_row. `known_key`: the key
  // columns, when an earlier reading found them. Returns false when rows came before the
  // `key:` they must be checked against (then they were not: read the file again).
  bool read(SeedFile& f, const std::vector<std::string>* known_key) {
    if (known_key != nullptr) {
      m_key_names = *known_key;
      m_key_known = true;
    }
    if (m_stream.start_document()) {
      read_document();
    }
    return finish(f);
  }

private:
  const std::string& m_path;
  YamlStream& m_stream;
  Mode m_mode;
  const RowSink& m_on_row;
  YamlMark m_root_mark;
  std::optional<YamlNode> m_table, m_key, m_rows;
  bool m_rows_seen = false;
  bool m_rows_listed = false;
  bool m_stopped = false; // Mode::header: stopped where the rows start
  std::vector<std::string> m_key_names;
  bool m_key_known = false;
  bool m_unchecked = false; // rows read before their key was known
  std::optional<Error> m_row_error;

  void read_document() {
    m_root_mark = m_stream.peek_mark();
    if (m_stream.peek() != YamlStream::Event::map_start) {
      YamlNode root = m_stream.node(); // read whole: its YAML errors come first
      malformed(m_path, root.mark, "expected 'table:' and 'rows:'");
    }
    m_stream.skip();
    std::vector<YamlNode> key_nodes; // the document's scalar keys, for repeats
    while (m_stream.peek() != YamlStream::Event::map_end) {
      YamlNode key = m_stream.node();
      if (key.type == YamlNode::Type::scalar) {
        for (const auto& earlier : key_nodes) {
          if (earlier.value == key.value) {
            throw util::YamlError(key.mark,
                                  fmt::format("duplicate key '{}' (first at line {}): a key may "
                                              "appear once in a map; remove one of them",
                                              key.value, earlier.mark.line + 1));
          }
        }
        key_nodes.push_back(key);
      }
      bool scalar = key.type == YamlNode::Type::scalar;
      if (scalar && key.value == "rows" && m_stream.peek() == YamlStream::Event::sequence_start) {
        if (m_mode == Mode::header && m_table && m_key) {
          m_rows_seen = m_rows_listed = m_stopped = true;
          return;
        }
        stream_rows();
        continue;
      }
      YamlNode value = m_stream.node();
      if (scalar && key.value == "table") {
        m_table = std::move(value);
      } else if (scalar && key.value == "key") {
        if (!m_key_known) {
          m_key_names = key_names(value);
          m_key_known = true;
        }
        m_key = std::move(value);
      } else if (scalar && key.value == "rows") {
        m_rows_seen = true;
        if (value.type == YamlNode::Type::sequence) { // an alias of a list
          m_rows_listed = true;
          for (const auto& row : value.items) {
            take_row(YamlNode(row));
          }
        }
        m_rows = std::move(value);
      }
    }
    m_stream.skip();
  }

  // rows: a list, read one row at a time.
  void stream_rows() {
    m_rows_seen = true;
    m_rows_listed = true;
    m_stream.skip();
    while (m_stream.peek() != YamlStream::Event::sequence_end) {
      take_row(m_stream.node());
    }
    m_stream.skip();
  }

  // After the first bad row, the others are only read (for YAML errors further on).
  void take_row(YamlNode row) {
    if (m_row_error || m_mode == Mode::header) {
      return;
    }
    m_unchecked = m_unchecked || !m_key_known;
    std::optional<SeedRow> r;
    try {
      r = to_row(m_path, row, m_key_known ? &m_key_names : nullptr);
    } catch (const Error& e) {
      if (m_mode == Mode::rows) {
        throw;
      }
      m_row_error = e;
      return;
    }
    m_on_row(std::move(*r)); // what the receiver throws is not the file's error: it stops here
  }

  bool finish(SeedFile& f) {
    if (m_mode == Mode::rows) {
      return true; // the header was read and checked before
    }
    if (!m_table || !m_rows_seen) {
      malformed(m_path, m_root_mark, "expected 'table:' and 'rows:'");
    }
    if (m_table->type != YamlNode::Type::scalar) {
      malformed(m_path, m_table->mark, "'table' must be a single value: schema.table");
    }
    if (m_table->value.find('.') == std::string::npos) {
      malformed(m_path, m_table->mark,
                fmt::format("table '{}' needs its schema (schema.table)", m_table->value));
    }
    f.table = m_table->value;
    f.key = key_columns(m_path, m_key ? &*m_key : nullptr);
    if (!m_rows_listed) {
      malformed(m_path, m_rows->mark, "'rows' must be a list of maps");
    }
    if (m_row_error) {
      throw *m_row_error;
    }
    return !(m_unchecked && !f.key.empty());
  }
};

// A YAML or syntax refusal as the seed's error, with file:line:column.
[[noreturn]] void yaml_error(const std::string& path, const util::YamlError& e) {
  throw Error(ExitCode::validation,
              fmt::format("{}:{}:{}: {}", path, e.mark.line + 1, e.mark.column + 1, e.msg),
              e.syntax ? "fix the YAML syntax" : "");
}

// Reads a seed from the streams `open` makes (twice when rows come before their key).
void read_yaml_seed(const std::string& path,
                    const std::function<std::unique_ptr<YamlStream>()>& open, SeedFile& f,
                    const RowSink& on_row, const std::function<void()>& restart) {
  try {
    std::unique_ptr<YamlStream> stream = open();
    if (SeedReader(path, *stream, SeedReader::Mode::whole, on_row).read(f, nullptr)) {
      return;
    }
    restart();
    std::vector<std::string> key = f.key;
    stream = open();
    SeedReader(path, *stream, SeedReader::Mode::whole, on_row).read(f, &key);
  } catch (const util::YamlError& e) {
    yaml_error(path, e);
  }
}

// `text` must be UTF-8: a byte that is not would otherwise reach a JSON column as U+FFFD,
// changed without a word. `line` and `column` (from 0) are where `text` starts.
void check_utf8(const std::string& path, std::string_view text, long long line, size_t column) {
  size_t bad = core::first_invalid_utf8(text);
  if (bad == std::string_view::npos) {
    return;
  }
  std::string_view before = text.substr(0, bad);
  size_t line_start = before.rfind('\n');
  throw Error(
      ExitCode::validation,
      fmt::format("{}:{}:{}: the file is not UTF-8 (the byte {})", path,
                  1 + line + std::count(before.begin(), before.end(), '\n'),
                  (line_start == std::string_view::npos ? column + bad : bad - line_start - 1) + 1,
                  core::escape_bytes(text.substr(bad, 1))),
      "save the file as UTF-8");
}

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

File open_file(const std::string& path) {
  File file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    throw Error(ExitCode::validation,
                fmt::format("cannot read {}: {}", path, std::strerror(errno)));
  }
  return file;
}

// The checksum of a file that must be UTF-8, read in chunks. A chunk is checked up to its
// last ASCII byte, which no UTF-8 sequence contains, so no sequence is cut in two.
std::string utf8_checksum(const std::string& path) {
  File file = open_file(path);
  util::Sha256 sha;
  std::string pending;
  long long line = 0;
  size_t column = 0;
  auto check = [&](size_t length) {
    std::string_view part(pending.data(), length);
    check_utf8(path, part, line, column);
    size_t last_newline = part.rfind('\n');
    line += std::count(part.begin(), part.end(), '\n');
    column = last_newline == std::string_view::npos ? column + length : length - last_newline - 1;
    pending.erase(0, length);
  };
  char buffer[1 << 16];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) {
    sha.update(std::string_view(buffer, n));
    pending.append(buffer, n);
    size_t ascii = pending.size();
    while (ascii > 0 && static_cast<unsigned char>(pending[ascii - 1]) >= 0x80) {
      --ascii;
    }
    check(ascii);
  }
  if (std::ferror(file.get())) {
    throw Error(ExitCode::validation, fmt::format("cannot read {}", path));
  }
  check(pending.size());
  return sha.hex();
}

std::vector<std::string> sorted_files(const std::string& dir) {
  std::vector<std::string> names;
  for (const util::DirEntry& entry : util::list_directory(dir)) {
    const std::string& name = entry.name;
    if (name[0] != '.' && (util::ends_with(name, ".sql") || util::ends_with(name, ".yaml") ||
                           util::ends_with(name, ".yml") || util::ends_with(name, ".csv"))) {
      names.push_back(name);
    }
  }
  return names;
}

// The comma-separated names of a "-- <header>:" line of an SQL seed.
std::vector<std::string> sql_header(const std::string& text, const std::string& header) {
  std::vector<std::string> names;
  std::string prefix = "-- " + header + ":";
  for (const auto& line : util::split(text, '\n')) {
    std::string trimmed = util::trim(line);
    if (util::starts_with(trimmed, prefix)) {
      for (const auto& s : util::split(trimmed.substr(prefix.size()), ',')) {
        if (!util::trim(s).empty()) {
          names.push_back(util::trim(s));
        }
      }
    }
  }
  return names;
}

} // namespace

SeedFile parse_yaml_seed(const std::string& path, std::string_view text) {
  SeedFile f;
  f.path = path;
  f.name = path.substr(path.find_last_of('/') + 1);
  f.kind = SeedKind::yaml;
  f.checksum = util::sha256_hex(text);
  check_utf8(path, text, 0, 0);
  read_yaml_seed(
      path, [&] { return std::make_unique<YamlStream>(text); }, f,
      [&](SeedRow&& row) { f.rows.push_back(std::move(row)); }, [&] { f.rows.clear(); });
  return f;
}

std::vector<SeedFile> load_seed_files(const std::string& dir) {
  if (!util::is_directory(dir)) {
    throw Error(ExitCode::usage, fmt::format("there are no seeds at {}", dir),
                "seeds live in seeds/<environment>/ (or --seeds-dir)");
  }
  static const std::regex k_csv_name(
      R"(^(?:[0-9]+_)?([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)\.csv$)");
  std::vector<SeedFile> files;
  for (const auto& name : sorted_files(dir)) {
    std::string path = dir + "/" + name;
    SeedFile f;
    f.path = path;
    f.name = name;
    std::smatch match;
    if (util::ends_with(name, ".csv")) {
      // Streamed, never read whole: CSV seeds can be large.
      if (!std::regex_match(name, match, k_csv_name)) {
        throw Error(ExitCode::validation,
                    fmt::format("{}:1: a CSV seed is named [NN_]<schema>.<table>.csv", path));
      }
      f.kind = SeedKind::csv;
      f.table = match[1].str() + "." + match[2].str();
      f.checksum = util::sha256_file(path);
      files.push_back(std::move(f));
      continue;
    }
    if (util::ends_with(name, ".yaml") || util::ends_with(name, ".yml")) {
      // The table and key now (what --reset and the schema check need); the rows are
      // read as they are loaded (stream_yaml_rows), once.
      f.kind = SeedKind::yaml;
      f.streamed = true;
      f.checksum = utf8_checksum(path);
      File file = open_file(path);
      try {
        YamlStream stream(file.get(), nullptr);
        SeedReader(path, stream, SeedReader::Mode::header, [](SeedRow&&) {}).read(f, nullptr);
      } catch (const util::YamlError& e) {
        yaml_error(path, e);
      }
      files.push_back(std::move(f));
      continue;
    }
    std::string text = util::read_file(path, ExitCode::validation);
    f.checksum = util::sha256_hex(text);
    if (size_t nul = text.find('\0'); nul != std::string::npos) {
      throw Error(
          ExitCode::validation,
          fmt::format(
              "{}:{}: the file contains a NUL byte (SQL after it would never run)", path,
              1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(nul), '\n')),
          "remove the NUL byte; is this a binary file, or saved as UTF-16?");
    }
    {
      f.kind = SeedKind::sql;
      f.sql = text;
      f.requires_schemas = sql_header(text, "requires");
      f.fills = sql_header(text, "fills");
    }
    files.push_back(std::move(f));
  }
  return files;
}

void stream_yaml_rows(const SeedFile& f, const std::function<void(SeedRow&&)>& on_row) {
  if (!f.streamed) {
    for (const SeedRow& row : f.rows) {
      on_row(SeedRow(row));
    }
    return;
  }
  File file = open_file(f.path);
  util::Sha256 sha;
  SeedFile again;
  try {
    YamlStream stream(file.get(), [&](std::string_view chunk) { sha.update(chunk); });
    SeedReader(f.path, stream, SeedReader::Mode::rows, on_row).read(again, &f.key);
  } catch (const util::YamlError& e) {
    yaml_error(f.path, e);
  }
  // The rest of the file (after the document), for the checksum.
  char buffer[1 << 16];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) {
    sha.update(std::string_view(buffer, n));
  }
  if (sha.hex() != f.checksum) {
    throw Error(ExitCode::validation,
                fmt::format("{}: the file changed while it was being seeded", f.path),
                "nothing of this seed run was written; run it again");
  }
}

} // namespace agentpg::seed
