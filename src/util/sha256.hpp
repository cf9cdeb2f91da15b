#pragma once
#include <memory>
#include <string>
#include <string_view>

namespace agentpg::util {

// Lower-case hex SHA-256 of the bytes.
std::string sha256_hex(std::string_view data);
// Of a file's bytes, read in chunks; "" when it cannot be read.
std::string sha256_file(const std::string& path);

// A SHA-256 fed piece by piece (a file read as it streams by).
class Sha256 {
public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view data);
  // The lower-case hex digest of everything fed so far.
  std::string hex() const;

private:
  struct State;
  std::unique_ptr<State> m_state;
};

} // namespace agentpg::util
