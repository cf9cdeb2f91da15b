#include "core/utf8.hpp"

#include <fmt/format.h>

namespace agentpg::core {

namespace {

struct Range {
  unsigned char low;
  unsigned char high;
};

// The bytes allowed after a lead byte: the second byte's range (which is what rules out
// overlong forms, surrogates and code points above U+10FFFF), and how many bytes in all.
struct Lead {
  size_t length = 0; // 0: not a lead byte
  Range second{0x80, 0xBF};
};

Lead lead_of(unsigned char c) {
  if (c >= 0xC2 && c <= 0xDF) {
    return {2, {0x80, 0xBF}};
  }
  if (c == 0xE0) {
    return {3, {0xA0, 0xBF}}; // below A0: overlong
  }
  if (c == 0xED) {
    return {3, {0x80, 0x9F}}; // above 9F: a surrogate
  }
  if (c >= 0xE1 && c <= 0xEF) {
    return {3, {0x80, 0xBF}};
  }
  if (c == 0xF0) {
    return {4, {0x90, 0xBF}}; // below 90: overlong
  }
  if (c >= 0xF1 && c <= 0xF3) {
    return {4, {0x80, 0xBF}};
  }
  if (c == 0xF4) {
    return {4, {0x80, 0x8F}}; // above 8F: beyond U+10FFFF
  }
  return {}; // 80..C1 (continuation bytes, overlong leads), F5..FF
}

bool in(Range r, unsigned char c) {
  return c >= r.low && c <= r.high;
}

// How many bytes at `at` follow the rules of a sequence: the whole sequence when it is
// well-formed, else the maximal subpart (at least 1). `complete` says which.
size_t scan(std::string_view text, size_t at, bool& complete) {
  auto c = static_cast<unsigned char>(text[at]);
  complete = c < 0x80;
  if (complete) {
    return 1;
  }
  Lead lead = lead_of(c);
  if (lead.length == 0) {
    return 1;
  }
  size_t n = 1;
  for (; n < lead.length && at + n < text.size(); ++n) {
    auto next = static_cast<unsigned char>(text[at + n]);
    if (!in(n == 1 ? lead.second : Range{0x80, 0xBF}, next)) {
      return n;
    }
  }
  complete = n == lead.length;
  return n;
}

} // namespace

size_t utf8_sequence_length(std::string_view text, size_t at) {
  bool complete = false;
  size_t n = scan(text, at, complete);
  return complete ? n : 0;
}

size_t utf8_invalid_length(std::string_view text, size_t at) {
  bool complete = false;
  return scan(text, at, complete);
}

size_t first_invalid_utf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    if (static_cast<unsigned char>(text[i]) < 0x80) { // ASCII, the common case
      ++i;
      continue;
    }
    size_t n = utf8_sequence_length(text, i);
    if (n == 0) {
      return i;
    }
    i += n;
  }
  return std::string_view::npos;
}

std::string escape_bytes(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    size_t n = utf8_sequence_length(text, i);
    if (n == 0 || c < 0x20 || c == 0x7F) {
      out += fmt::format("\\x{:02X}", c);
      ++i;
      continue;
    }
    out.append(text.substr(i, n));
    i += n;
  }
  return out;
}

} // namespace agentpg::core
