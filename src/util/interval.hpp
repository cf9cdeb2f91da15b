#pragma once
// Reading a length of time written the way PostgreSQL's interval input reads it: one or
// more "<whole number> <unit>" parts ("90 days", "1 year 6 months", "48 hours", "48h"),
// checked here rather than by sending the text to a server, and written back in a form
// any PostgreSQL reads as the same interval.
#include <string>
#include <string_view>

namespace agentpg::util {

struct Interval {
  long long months = 0;
  long long days = 0;
  long long microseconds = 0;
  std::string text; // the canonical form, e.g. "1 year 6 months", "48 hours"

  // Its length in seconds as PostgreSQL compares intervals: a month is 30 days, a day
  // 24 hours.
  double seconds() const;
};

// The units, as PostgreSQL spells them (upper or lower case): microsecond(s) usec(s) us,
// millisecond(s) msec(s) ms, second(s) sec(s) s, minute(s) min(s) m, hour(s) hr(s) h,
// day(s) d, week(s) w, month(s) mon(s), year(s) yr(s) y, decade(s), century/centuries,
// millennium/millennia.
extern const char* const k_interval_units;

struct IntervalParse {
  bool ok = false;
  Interval value;
  std::string problem; // when !ok: what is wrong, e.g. "has no unit", "is negative"
};

// Parses `text`. Refused: no unit ("1", "365"), an unknown unit, a sign or "ago" (a
// negative window), fractions, a unit named twice, a total of zero, and anything past what
// a PostgreSQL interval holds.
IntervalParse parse_interval(std::string_view text);

} // namespace agentpg::util
