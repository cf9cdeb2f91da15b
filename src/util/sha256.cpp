#include "util/sha256.hpp"

// OpenSSL 3 marks the low-level digest functions deprecated in favour of EVP, but EVP's
// first use initialises the provider machinery: measured at ~5 million instructions
// (~1.5 ms), more than hashing every migration of a 200-file project. The low-level
// functions are the same code without that start-up, so agentpg uses them.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <fcntl.h>
#include <openssl/sha.h>
#include <unistd.h>

namespace agentpg::util {

namespace {

std::string to_hex(const unsigned char* digest) {
  static const char k_hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * SHA256_DIGEST_LENGTH);
  for (int i = 0; i < SHA256_DIGEST_LENGTH; ++i) {
    out += k_hex[digest[i] >> 4];
    out += k_hex[digest[i] & 0xf];
  }
  return out;
}

} // namespace

std::string sha256_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return "";
  }
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  static thread_local char buffer[1 << 16];
  ssize_t n = 0;
  while ((n = ::read(fd, buffer, sizeof buffer)) > 0) {
    SHA256_Update(&ctx, buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  if (n < 0) {
    return "";
  }
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256_Final(digest, &ctx);
  return to_hex(digest);
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, data.data(), data.size());
  SHA256_Final(digest, &ctx);
  return to_hex(digest);
}

struct Sha256::State {
  SHA256_CTX ctx;
};

Sha256::Sha256() : m_state(std::make_unique<State>()) {
  SHA256_Init(&m_state->ctx);
}
Sha256::~Sha256() = default;

void Sha256::update(std::string_view data) {
  SHA256_Update(&m_state->ctx, data.data(), data.size());
}

std::string Sha256::hex() const {
  SHA256_CTX copy = m_state->ctx;
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256_Final(digest, &copy);
  return to_hex(digest);
}

} // namespace agentpg::util
