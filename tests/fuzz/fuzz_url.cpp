// libFuzzer target for the database URL parser (ConnParams::parse) and the masking of
// secrets. A core::Error is the expected answer to a bad URL; any other exception or a
// crash is a finding. Invariants:
//  - display() does not depend on any secret's value (password, sslpassword);
//  - conninfo() parses back to the same parameters (when the keys are words);
//  - mask_secrets() of the input removes at least one occurrence of the password
//    whenever the password is written literally in it.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "fuzz_check.hpp"
#include "pg/conn_params.hpp"

namespace {

using agentpg::fuzz::check;
using agentpg::pg::ConnParams;

// Occurrences of `needle` in `haystack`, overlapping ones included.
size_t occurrences(std::string_view haystack, std::string_view needle) {
  size_t count = 0;
  for (size_t at = haystack.find(needle); at != std::string_view::npos;
       at = haystack.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

// The display must not depend on any secret's value: with every secret changed, it reads
// the same (a value's text may still appear by chance, as a key name or in the user).
void check_display(const ConnParams& params) {
  std::string display = params.display();
  ConnParams other = params;
  bool any = false;
  for (const auto& [key, value] : params.params()) {
    if (agentpg::pg::is_secret_option(key)) {
      other.set(key, value == "x" ? "y" : "x");
      any = true;
    }
  }
  if (any) {
    check(other.display() == display, "display() does not depend on any secret's value");
  }
}

bool is_word(const std::string& key) {
  return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// libpq keywords are words; a key that is not one cannot round-trip and libpq rejects it.
void check_conninfo(const ConnParams& params) {
  if (params.params().empty()) {
    return;
  }
  for (const auto& param : params.params()) {
    if (!is_word(param.first)) {
      return;
    }
  }
  ConnParams again;
  try {
    again = ConnParams::parse(params.conninfo());
  } catch (const agentpg::core::Error&) {
    check(false, "conninfo() parses back");
  }
  check(again.params() == params.params(), "conninfo() parses back to the same parameters");
}

void check_masking(std::string_view input, const ConnParams& params) {
  std::string password = params.get("password");
  // "***" in a password would be indistinguishable from the mask.
  if (password.empty() || password.find('*') != std::string::npos) {
    return;
  }
  // Written as the password, not percent-encoded: the user-info of the URL (up to the
  // last '@' before the query, as the parser reads it) ends with ":<password>", or a
  // key=value string holds "password=<password>" at a word's start.
  bool literal = false;
  size_t scheme = input.find("://");
  if (scheme != std::string_view::npos) {
    std::string_view rest = input.substr(scheme + 3);
    rest = rest.substr(0, rest.find('?'));
    size_t at = rest.rfind('@');
    size_t colon = rest.find(':');
    literal = at != std::string_view::npos && colon != std::string_view::npos && colon < at &&
              rest.substr(colon + 1, at - colon - 1) == password;
  }
  for (size_t key = input.find("password=" + password); key != std::string_view::npos && !literal;
       key = input.find("password=" + password, key + 1)) {
    literal = key == 0 || input[key - 1] == ' ' || input[key - 1] == '?' || input[key - 1] == '&';
  }
  size_t before = occurrences(input, password);
  if (literal && before > 0) {
    check(occurrences(agentpg::pg::mask_secrets(input), password) < before,
          "mask_secrets() masks a password written in the URL");
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  agentpg::pg::mask_secrets(input);
  ConnParams params;
  try {
    params = ConnParams::parse(input);
  } catch (const agentpg::core::Error&) {
    return 0;
  }
  check_display(params);
  check_conninfo(params);
  check_masking(input, params);
  return 0;
}
