#pragma once
// Small string helpers with nothing agentpg-specific in them.
#include <string>
#include <string_view>
#include <vector>

namespace agentpg::util {

std::string trim(std::string_view s);
std::vector<std::string> split(std::string_view s, char sep);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
std::string to_lower(std::string_view s);
std::string to_upper(std::string_view s);
bool starts_with(std::string_view s, std::string_view prefix);
bool ends_with(std::string_view s, std::string_view suffix);
bool is_all_digits(std::string_view s);

// Optimal string alignment distance (Levenshtein plus transpositions).
size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` when it is close enough to be a likely typo, else "".
// A candidate also matches on its prefix of the word's length, so a truncated or
// misspelt stem ("migratons") still finds "migrations_dir".
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

// Parses a whole non-negative integer; false on anything else (sign, blanks, overflow).
bool parse_uint(std::string_view s, unsigned long long& out);

// "138.1 KiB": a byte count for people (powers of 1024).
std::string format_bytes(unsigned long long bytes);

// true, false, yes, no, on, off, 1, 0 (any case); false when it is none of them.
bool parse_bool(std::string_view s, bool& out);

} // namespace agentpg::util
