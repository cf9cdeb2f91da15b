#pragma once
// The bundled systems' files, compiled into the binary: every file of the repository's
// migrations/ and seeds/ folders with its path relative to the repository
// ("migrations/core/20240101000000_core_helpers.sql", "seeds/demo/10_...yaml"), sorted by
// path. The table is generated at build time by cmake/embed_bundled.cmake.
#include <cstddef>
#include <string_view>

namespace agentpg::ops {

struct BundledFile {
  const char* path;
  const unsigned char* bytes; // followed by a 0 byte that `size` does not count
  std::size_t size;
  std::string_view content() const {
    return std::string_view(reinterpret_cast<const char*>(bytes), size);
  }
};

extern const BundledFile k_bundled_files[];
extern const std::size_t k_bundled_file_count;

} // namespace agentpg::ops
