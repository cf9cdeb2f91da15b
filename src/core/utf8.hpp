#pragma once
// Well-formed UTF-8 as RFC 3629 and the Unicode Standard (Table 3-7) define it: no
// overlong forms, no UTF-16 surrogates (U+D800..U+DFFF), nothing above U+10FFFF. Text
// that leaves agentpg as JSON, or is stored as a migration's name, is held to this.
#include <cstddef>
#include <string>
#include <string_view>

namespace agentpg::core {

// The length (1 to 4) of the well-formed sequence that starts at text[at], or 0 when the
// bytes there do not start one.
size_t utf8_sequence_length(std::string_view text, size_t at);

// How many bytes at text[at] an invalid sequence spans: its "maximal subpart" (the longest
// prefix of a well-formed sequence, at least one byte), which Unicode's "U+FFFD
// substitution of maximal subparts" replaces with one U+FFFD, as Python, WHATWG and ICU do.
size_t utf8_invalid_length(std::string_view text, size_t at);

// The offset of the first byte that is not part of a well-formed sequence, or npos.
size_t first_invalid_utf8(std::string_view text);

// `text` with every byte that is not printable UTF-8 text (an invalid byte, a control
// character, DEL) written as \xHH (upper-case hex): for naming a file in a message.
std::string escape_bytes(std::string_view text);

} // namespace agentpg::core
