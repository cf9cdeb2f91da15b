// libFuzzer target for the SQL splitter: it must never crash, and its pieces must
// cover the input exactly, in order, without gaps or overlaps.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sql/splitter.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view sql(reinterpret_cast<const char*>(data), size);
  size_t expected_offset = 0;
  for (const auto& statement : agentpg::sql::split_statements(sql)) {
    if (statement.offset != expected_offset || statement.length == 0) {
      std::abort();
    }
    expected_offset += statement.length;
  }
  if (expected_offset != size) {
    std::abort();
  }
  return 0;
}
