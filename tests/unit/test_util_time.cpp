#include <doctest/doctest.h>
#include <fmt/format.h>

#include "util/time.hpp"

using agentpg::util::format_duration_ms;
using agentpg::util::utc_timestamp;

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

  TEST_CASE("a timestamptz in DateStyle ISO becomes UTC text") {
    CHECK(utc_timestamp("2026-11-23 19:22:56.123456+00") == "2026-11-23 19:22:56");
    CHECK(utc_timestamp("2026-11-24 00:52:56.5+05:30") == "2026-11-23 19:22:56");
    CHECK(utc_timestamp("2026-11-23 16:00:00-08") == "2026-11-24 00:00:00");
    CHECK(utc_timestamp("2026-01-01 00:10:00+14") == "2025-12-31 10:10:00");
    CHECK(utc_timestamp("2024-02-29 23:30:00-01") == "2024-03-01 00:30:00");
    CHECK(utc_timestamp("2023-03-01 00:30:00+01") == "2023-02-28 23:30:00");
    CHECK(utc_timestamp("1900-03-01 00:00:00+00:00:36") == "1900-02-28 23:59:24");
  }

  TEST_CASE("text of another shape is shown as it is") {
    CHECK(utc_timestamp("2026-11-23 19:22:56") == "2026-11-23 19:22:56"); // to_char's, already UTC
    CHECK(utc_timestamp("Mon 23 Nov 19:22:56 2026 UTC") == "Mon 23 Nov 19:22:56 2026 UTC");
    CHECK(utc_timestamp("") == "");
    CHECK(utc_timestamp("2026-11-23 19:22:56 BC") == "2026-11-23 19:22:56 BC");
  }
}
