// libFuzzer target for the YAML seed reader (parse_yaml_seed, over util::YamlStream: libyaml).
// A core::Error is the expected answer to a malformed seed; any other exception, a
// crash, a hang or memory beyond run.sh's limit (an alias bomb) is a finding.
// Invariants of a parsed seed: its table names a schema, every row has a line of the
// file and a value for each key column.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "fuzz_check.hpp"
#include "seed/files.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using agentpg::fuzz::check;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  agentpg::seed::SeedFile seed;
  try {
    seed = agentpg::seed::parse_yaml_seed("seeds/development/10_public.fuzz.yaml", text);
  } catch (const agentpg::core::Error&) {
    return 0;
  }
  check(seed.kind == agentpg::seed::SeedKind::yaml, "a YAML seed is of kind yaml");
  check(seed.table.find('.') != std::string::npos, "the table names its schema");
  int lines = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  for (const auto& row : seed.rows) {
    check(row.line >= 1 && row.line <= lines, "a row's line is a line of the file");
    for (const auto& key : seed.key) {
      check(std::any_of(row.values.begin(), row.values.end(),
                        [&](const auto& v) { return v.first == key; }),
            "a row has a value for each key column");
    }
  }
  return 0;
}
