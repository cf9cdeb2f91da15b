#pragma once
// The harnesses' assertion: a broken invariant prints what broke and aborts, which
// libFuzzer reports as a crash and saves the input for.
//
// AGENTPG_FUZZ_SKIP="word,word" skips the invariants whose text contains one of the
// words: a known finding can then be set aside while fuzzing on for others.
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace agentpg::fuzz {

inline bool skipped(std::string_view invariant) {
  static const char* const k_skip = std::getenv("AGENTPG_FUZZ_SKIP");
  std::string_view words = k_skip != nullptr ? k_skip : "";
  while (!words.empty()) {
    size_t comma = words.find(',');
    std::string_view word = words.substr(0, comma);
    if (!word.empty() && invariant.find(word) != std::string_view::npos) {
      return true;
    }
    words = comma == std::string_view::npos ? std::string_view() : words.substr(comma + 1);
  }
  return false;
}

inline void check(bool holds, const char* invariant) {
  if (!holds && !skipped(invariant)) {
    std::fprintf(stderr, "invariant broken: %s\n", invariant);
    std::abort();
  }
}

} // namespace agentpg::fuzz
