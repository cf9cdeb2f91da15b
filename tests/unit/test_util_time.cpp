#include <doctest/doctest.h>

#include <fmt/format.h>

#include "util/time.hpp"

using agentpg::util::format_duration_ms;

TEST_SUITE("util::time") {
  TEST_CASE("durations under a second round as {:.0f} does") {
    CHECK(format_duration_ms(0) == "0 ms");
    CHECK(format_duration_ms(4.6) == "5 ms");
    CHECK(format_duration_ms(2.5) == fmt::format("{:.0f} ms", 2.5));
    CHECK(format_duration_ms(999.4) == "999 ms");
    for (double ms = 0; ms < 1000; ms += 0.125) {
      REQUIRE(format_duration_ms(ms) == fmt::format("{:.0f} ms", ms));
    }
  }

  TEST_CASE("longer durations in seconds, then minutes") {
    CHECK(format_duration_ms(1500) == "1.5 s");
    CHECK(format_duration_ms(125000) == "2 min 5 s");
  }
}
