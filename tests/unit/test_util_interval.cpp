#include <doctest/doctest.h>

#include "util/interval.hpp"

using agentpg::util::parse_interval;

TEST_SUITE("util::interval") {
  TEST_CASE("reads whole numbers with PostgreSQL's units, in canonical form") {
    CHECK(parse_interval("90 days").value.text == "90 days");
    CHECK(parse_interval(" 1 Year ").value.text == "1 year");
    CHECK(parse_interval("12 months").value.text == "12 months");
    CHECK(parse_interval("2 weeks").value.days == 14);
    CHECK(parse_interval("48h").value.text == "48 hours");
    CHECK(parse_interval("1 year 6 mons").value.months == 18);
    CHECK(parse_interval("1h30m").value.text == "1 hour 30 minutes");
    CHECK(parse_interval("1 second").value.seconds() == 1);
    CHECK(parse_interval("1 month").value.seconds() == 30 * 86400);
  }

  TEST_CASE("refuses what is not a positive length of time, saying why") {
    CHECK(parse_interval("1").problem == "has no unit after 1 (e.g. '1 day')");
    CHECK(parse_interval("365").problem == "has no unit after 365 (e.g. '365 days')");
    CHECK(parse_interval("-1 year").problem == "is negative");
    CHECK(parse_interval("1 year -1 day").problem == "is negative");
    CHECK(parse_interval("1 year ago").problem == "is negative ('ago')");
    CHECK(parse_interval("0 days").problem == "is zero");
    CHECK(parse_interval("").problem == "is empty");
    CHECK(parse_interval("a while").problem == "does not start with a number ('a')");
    CHECK(parse_interval("3 fortnights").problem == "has an unknown unit 'fortnights'");
    CHECK(parse_interval("1.5 days").problem ==
          "has a fraction: use whole numbers of a smaller unit (e.g. '36 hours')");
    CHECK(parse_interval("1 day 2 days").problem == "names days twice");
    CHECK(parse_interval("1 day; drop table x").problem == "has ';' where a number belongs");
    CHECK(parse_interval("999999999 millennia").problem ==
          "is longer than a PostgreSQL interval holds");
    CHECK(parse_interval("99999999999 days").problem == "has a number too large (99999999999)");
    CHECK_FALSE(parse_interval("P90D").ok);
    CHECK_FALSE(parse_interval("01:00:00").ok);
  }
}
