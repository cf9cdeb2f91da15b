#include "util/interval.hpp"

#include <fmt/format.h>

#include <cctype>
#include <limits>
#include <vector>

#include "util/strings.hpp"

namespace agentpg::util {

const char* const k_interval_units =
    "microseconds, milliseconds, seconds, minutes, hours, days, weeks, months, years, decades, "
    "centuries, millennia";

namespace {

enum class Field { months, days, microseconds };

struct Unit {
  std::vector<const char*> names;
  const char* singular;
  const char* plural;
  Field field;
  long long factor; // in the field's own unit
};

const std::vector<Unit>& units() {
  static const std::vector<Unit> k_units = {
      {{"microsecond", "microseconds", "usec", "usecs", "us"},
       "microsecond",
       "microseconds",
       Field::microseconds,
       1},
      {{"millisecond", "milliseconds", "msec", "msecs", "ms"},
       "millisecond",
       "milliseconds",
       Field::microseconds,
       1000},
      {{"second", "seconds", "sec", "secs", "s"},
       "second",
       "seconds",
       Field::microseconds,
       1000000},
      {{"minute", "minutes", "min", "mins", "m"},
       "minute",
       "minutes",
       Field::microseconds,
       60LL * 1000000},
      {{"hour", "hours", "hr", "hrs", "h"}, "hour", "hours", Field::microseconds, 3600LL * 1000000},
      {{"day", "days", "d"}, "day", "days", Field::days, 1},
      {{"week", "weeks", "w"}, "week", "weeks", Field::days, 7},
      {{"month", "months", "mon", "mons"}, "month", "months", Field::months, 1},
      {{"year", "years", "yr", "yrs", "y"}, "year", "years", Field::months, 12},
      {{"decade", "decades", "dec", "decs"}, "decade", "decades", Field::months, 120},
      {{"century", "centuries", "cent"}, "century", "centuries", Field::months, 1200},
      {{"millennium", "millennia", "millenniums", "mil", "mils"},
       "millennium",
       "millennia",
       Field::months,
       12000},
  };
  return k_units;
}

const Unit* find_unit(const std::string& word) {
  for (const Unit& unit : units()) {
    for (const char* name : unit.names) {
      if (word == name) {
        return &unit;
      }
    }
  }
  return nullptr;
}

IntervalParse refuse(std::string problem) {
  IntervalParse result;
  result.problem = std::move(problem);
  return result;
}

// The next token: a run of digits, a run of letters, or one other character; blanks skipped.
std::string next_token(std::string_view text, size_t& at) {
  while (at < text.size() && std::isspace(static_cast<unsigned char>(text[at]))) {
    ++at;
  }
  size_t start = at;
  if (at >= text.size()) {
    return "";
  }
  auto kind = [](char c) {
    auto u = static_cast<unsigned char>(c);
    return std::isdigit(u) ? 1 : std::isalpha(u) ? 2 : 3;
  };
  int first = kind(text[at]);
  ++at;
  while (first != 3 && at < text.size() && kind(text[at]) == first) {
    ++at;
  }
  return std::string(text.substr(start, at - start));
}

} // namespace

double Interval::seconds() const {
  return static_cast<double>(months) * 30 * 86400 + static_cast<double>(days) * 86400 +
         static_cast<double>(microseconds) / 1e6;
}

IntervalParse parse_interval(std::string_view text) {
  // What a PostgreSQL interval holds: months and days are 32-bit, microseconds 64-bit.
  constexpr long long k_max_days = std::numeric_limits<int>::max();
  constexpr long long k_max_microseconds = std::numeric_limits<long long>::max() / 2;
  Interval interval;
  std::vector<std::string> parts;
  std::vector<const Unit*> seen;
  size_t at = 0;
  for (std::string token = next_token(text, at); !token.empty(); token = next_token(text, at)) {
    if (token == "-" || token == "+") {
      return refuse(token == "-" ? "is negative" : "has a sign: write the number alone");
    }
    if (!std::isdigit(static_cast<unsigned char>(token[0]))) {
      std::string word = to_lower(token);
      if (word == "ago") {
        return refuse("is negative ('ago')");
      }
      return refuse(parts.empty() && find_unit(word) == nullptr
                        ? fmt::format("does not start with a number ('{}')", token)
                        : fmt::format("has '{}' where a number belongs", token));
    }
    unsigned long long number = 0;
    if (!parse_uint(token, number) || number > 1000000000ULL) {
      return refuse(fmt::format("has a number too large ({})", token));
    }
    std::string unit_token = next_token(text, at);
    if (unit_token == "." || unit_token == ",") {
      return refuse("has a fraction: use whole numbers of a smaller unit (e.g. '36 hours')");
    }
    if (unit_token.empty() || !std::isalpha(static_cast<unsigned char>(unit_token[0]))) {
      return refuse(fmt::format("has no unit after {} (e.g. '{} {}')", token, token,
                                number == 1 ? "day" : "days"));
    }
    const Unit* unit = find_unit(to_lower(unit_token));
    if (unit == nullptr) {
      return refuse(fmt::format("has an unknown unit '{}'", unit_token));
    }
    for (const Unit* other : seen) {
      if (other == unit) {
        return refuse(fmt::format("names {} twice", unit->plural));
      }
    }
    seen.push_back(unit);
    auto n = static_cast<long long>(number);
    long long& field = unit->field == Field::months ? interval.months
                       : unit->field == Field::days ? interval.days
                                                    : interval.microseconds;
    long long limit = unit->field == Field::microseconds ? k_max_microseconds : k_max_days;
    if (n > (limit - field) / unit->factor) {
      return refuse("is longer than a PostgreSQL interval holds");
    }
    field += n * unit->factor;
    parts.push_back(fmt::format("{} {}", token, number == 1 ? unit->singular : unit->plural));
  }
  if (parts.empty()) {
    return refuse("is empty");
  }
  if (interval.months == 0 && interval.days == 0 && interval.microseconds == 0) {
    return refuse("is zero");
  }
  interval.text = join(parts, " ");
  IntervalParse result;
  result.ok = true;
  result.value = std::move(interval);
  return result;
}

} // namespace agentpg::util
