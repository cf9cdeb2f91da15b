// libFuzzer target for the .env reader (parse_dotenv). A core::Error is the expected
// answer to a malformed file; any other exception or a crash is a finding. Invariants:
// every key is a variable name, and every entry's line is a line of the file.
#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "config/dotenv.hpp"
#include "core/error.hpp"
#include "fuzz_check.hpp"

namespace {

using agentpg::fuzz::check;

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.';
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::map<std::string, agentpg::config::DotenvEntry> entries;
  try {
    entries = agentpg::config::parse_dotenv(text, ".env");
  } catch (const agentpg::core::Error&) {
    return 0;
  }
  // Lines as a reader counts them: "\n", "\r\n" and a lone "\r" each end one.
  int lines = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n') +
                                   std::count(text.begin(), text.end(), '\r'));
  for (const auto& [key, entry] : entries) {
    check(!key.empty() && !(key[0] >= '0' && key[0] <= '9'), "a key is a variable name");
    check(std::all_of(key.begin(), key.end(), is_name_char), "a key holds name characters only");
    check(entry.line >= 1 && entry.line <= lines, "an entry's line is a line of the file");
  }
  return 0;
}
