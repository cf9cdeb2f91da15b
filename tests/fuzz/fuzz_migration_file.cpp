// libFuzzer target for the migration file reader (parse_native, parse_plain_section).
// A core::Error is the expected answer to bad input; any other exception, a crash, a
// hang or a broken invariant is a finding. Invariants of a parsed file: each section's
// SQL is the input's text from the line after its marker (so it is a substring of the
// input), the up section comes first, and the version is normalised.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "fuzz_check.hpp"
#include "migrate/files.hpp"

namespace {

using agentpg::fuzz::check;
using agentpg::migrate::MigrationFile;
using agentpg::migrate::Section;

std::string_view without_bom(std::string_view text) {
  return text.substr(0, 3) == "\xEF\xBB\xBF" ? text.substr(3) : text;
}

// The offset where line `line` (1-based) of `text` starts; npos past the last line.
size_t line_offset(std::string_view text, int line) {
  size_t offset = 0;
  for (int i = 1; i < line; ++i) {
    offset = text.find('\n', offset);
    if (offset == std::string_view::npos) {
      return offset;
    }
    ++offset;
  }
  return offset;
}

void check_section(std::string_view text, const Section& section, const std::string& path) {
  if (!section.present) {
    check(section.sql.empty(), "an absent section has no SQL");
    return;
  }
  check(section.path == path, "a section names its file");
  check(section.first_line >= 2, "a section begins after its marker line");
  size_t offset = line_offset(text, section.first_line);
  if (offset == std::string_view::npos || offset == text.size()) {
    check(section.sql.empty(), "a section that starts at the end of the file is empty");
    return;
  }
  check(text.substr(offset, section.sql.size()) == section.sql,
        "a section's SQL is the input's text from its first line");
}

void check_version(const std::string& version) {
  for (char c : version) {
    check(c >= '0' && c <= '9', "a version is digits only");
  }
  check(version.size() <= 1 || version[0] != '0', "a version has no leading zeros");
}

void fuzz_native(const std::string& path, std::string_view input) {
  MigrationFile m;
  try {
    m = agentpg::migrate::parse_native(path, input);
  } catch (const agentpg::core::Error&) {
    return;
  }
  std::string_view text = without_bom(input);
  check(m.up.present, "a parsed file has an up section");
  check(m.path == path, "a parsed file keeps its path");
  check(m.checksum.size() == 64, "the checksum is a SHA-256 in hex");
  check(m.checksum == agentpg::migrate::content_checksum(input), "the checksum is the content's");
  check_version(m.version);
  check_section(text, m.up, path);
  check_section(text, m.down, path);
  check(!m.down.present || m.up.first_line < m.down.first_line, "the up section comes first");
  check(m.up.sql.size() + m.down.sql.size() <= text.size(), "the sections do not overlap");
}

void fuzz_plain(std::string_view input) {
  const std::string path = "migrations/000001_fuzz.up.sql";
  Section section;
  try {
    section = agentpg::migrate::parse_plain_section(path, input);
  } catch (const agentpg::core::Error&) {
    return;
  }
  check(section.present && section.first_line == 1, "a plain section starts at line 1");
  check(section.sql == without_bom(input), "a plain section is the whole file without its BOM");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  fuzz_native("migrations/20240101120000_fuzz.sql", input);
  // The file name is user input too: the input's first line stands in for it.
  std::string_view first_line = input.substr(0, std::min(input.find('\n'), size_t{64}));
  fuzz_native("migrations/" + std::string(first_line), input);
  fuzz_plain(input);
  return 0;
}
