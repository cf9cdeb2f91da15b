#include "util/sha256.hpp"

// OpenSSL 3 marks the low-level digest functions deprecated in favour of EVP, but EVP's
// first use initialises the provider machinery: measured at ~5 million instructions
// (~1.5 ms), more than hashing every migration of a 200-file project. The low-level
// functions are the same code without that start-up, so agentpg uses them.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

namespace agentpg::util {

std::string sha256_hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, data.data(), data.size());
  SHA256_Final(digest, &ctx);
  static const char k_hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * SHA256_DIGEST_LENGTH);
  for (unsigned char byte : digest) {
    out += k_hex[byte >> 4];
    out += k_hex[byte & 0xf];
  }
  return out;
}

} // namespace agentpg::util
