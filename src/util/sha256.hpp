#pragma once
#include <string>
#include <string_view>

namespace agentpg::util {

// Lower-case hex SHA-256 of the bytes.
std::string sha256_hex(std::string_view data);
// Of a file's bytes, read in chunks; "" when it cannot be read.
std::string sha256_file(const std::string& path);

} // namespace agentpg::util
