#include <doctest/doctest.h>

#include <cstdint>
#include <string>

#include "core/json.hpp"
#include "core/utf8.hpp"

using agentpg::core::Json;
using agentpg::core::json_quote;

namespace {

// An independent strict check (decode, then reject overlong forms, surrogates and code
// points above U+10FFFF), so the test does not trust the validator it tests.
bool strictly_utf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80             ? 1
               : (c & 0xE0) == 0xC0 ? 2
               : (c & 0xF0) == 0xE0 ? 3
               : (c & 0xF8) == 0xF0 ? 4
                                    : 0;
    if (n == 0 || i + n > s.size()) {
      return false;
    }
    std::uint32_t cp = n == 1 ? c : c & (0xFF >> (n + 1));
    for (size_t k = 1; k < n; ++k) {
      auto next = static_cast<unsigned char>(s[i + k]);
      if ((next & 0xC0) != 0x80) {
        return false;
      }
      cp = (cp << 6) | (next & 0x3F);
    }
    std::uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < smallest[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n;
  }
  return true;
}

// Whether `s` is one JSON string literal: quotes, then no raw control character, and every
// backslash one of the escapes RFC 8259 allows.
bool json_string_literal(const std::string& s) {
  if (s.size() < 2 || s.front() != '"' || s.back() != '"') {
    return false;
  }
  for (size_t i = 1; i + 1 < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c < 0x20) {
      return false;
    }
    if (c == '\\') {
      char e = s[++i];
      if (e == 'u') {
        if (s.substr(i + 1, 4).find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
          return false;
        }
        i += 4;
      } else if (std::string("\"\\/bfnrt").find(e) == std::string::npos) {
        return false;
      }
    }
  }
  return strictly_utf8(s);
}

} // namespace

TEST_SUITE("core::json") {
  TEST_CASE("well-formed UTF-8 is copied as it is") {
    CHECK(json_quote("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80") ==
          "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"");
    CHECK(json_quote("\xEF\xBF\xBF\xF4\x8F\xBF\xBF") == "\"\xEF\xBF\xBF\xF4\x8F\xBF\xBF\"");
  }

  TEST_CASE("every invalid sequence becomes U+FFFD, one per maximal subpart as Python reads it") {
    struct Case {
      const char* bytes;
      const char* quoted;
    };
    const Case cases[] = {
        {"caf\xE9.sql", "\"caf\\ufffd.sql\""},                    // Latin-1
        {"\x80", "\"\\ufffd\""},                                  // lone continuation byte
        {"a\x80\xBF", "\"a\\ufffd\\ufffd\""},                     // two of them
        {"caf\xC3", "\"caf\\ufffd\""},                            // truncated 2-byte at the end
        {"\xE2\x82x", "\"\\ufffdx\""},                            // truncated 3-byte, then ASCII
        {"\xF0\x9F\x98", "\"\\ufffd\""},                          // truncated 4-byte
        {"\xC0\xAF", "\"\\ufffd\\ufffd\""},                       // overlong '/'
        {"\xE0\x80\xAF", "\"\\ufffd\\ufffd\\ufffd\""},            // overlong '/', 3 bytes
        {"\xED\xA0\x80", "\"\\ufffd\\ufffd\\ufffd\""},            // surrogate U+D800
        {"\xED\xBF\xBF", "\"\\ufffd\\ufffd\\ufffd\""},            // surrogate U+DFFF
        {"\xF4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""}, // above U+10FFFF
        {"\xFF\xFE", "\"\\ufffd\\ufffd\""},                       // never in UTF-8
        {"\xC3\"", "\"\\ufffd\\\"\""}, // a cut-off sequence before a quote
        {"\xE2\\", "\"\\ufffd\\\\\""}, // ... and before a backslash
    };
    for (const Case& c : cases) {
      CAPTURE(c.bytes);
      CHECK(json_quote(c.bytes) == c.quoted);
      CHECK(json_string_literal(json_quote(c.bytes)));
    }
  }

  TEST_CASE("control characters are escaped") {
    CHECK(json_quote(std::string("a\nb\tc\x01\x1F", 7)) == "\"a\\nb\\tc\\u0001\\u001f\"");
    CHECK(json_quote(std::string("nul\0here", 8)) == "\"nul\\u0000here\"");
  }

  TEST_CASE("any byte string makes a valid document, keys included") {
    for (int first = 0; first < 256; ++first) {
      for (int second : {0x00, 0x22, 0x41, 0x80, 0x9F, 0xA0, 0xBF, 0xC0, 0xE0, 0xFF}) {
        std::string bytes{static_cast<char>(first), static_cast<char>(second), '\x80'};
        CAPTURE(first);
        CAPTURE(second);
        REQUIRE(json_string_literal(json_quote(bytes)));
        std::string doc = Json::object().set(bytes, Json(bytes)).dump(0);
        REQUIRE(strictly_utf8(doc));
      }
    }
  }

  TEST_CASE("a file name is shown with its bad bytes as \\xHH") {
    CHECK(agentpg::core::escape_bytes("20240101000000_caf\xE9.sql") ==
          "20240101000000_caf\\xE9.sql");
    CHECK(agentpg::core::escape_bytes("a\nb\xC0\xAF \xC3\xA9") == "a\\x0Ab\\xC0\\xAF \xC3\xA9");
    CHECK(agentpg::core::first_invalid_utf8("ok \xC3\xA9") == std::string::npos);
    CHECK(agentpg::core::first_invalid_utf8("ok \xED\xA0\x80") == 3);
  }

  TEST_CASE("with_first puts the key first and lets the object's own value win") {
    Json doc = Json::object().set("a", 1).set("b", 2);
    CHECK(doc.with_first("command", "status").dump(0) == R"({"command":"status","a":1,"b":2})");
    Json named = Json::object().set("x", true).set("command", "seed");
    CHECK(named.with_first("command", "init").dump(0) == R"({"command":"seed","x":true})");
  }
}
