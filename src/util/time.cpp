#include "util/time.hpp"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <ctime>

namespace agentpg::util {

std::string utc_compact_timestamp() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y%m%d%H%M%S", &tm);
  return buffer;
}

namespace {

std::string utc_format(const char* format, std::time_t now = std::time(nullptr)) {
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, format, &tm);
  return buffer;
}

} // namespace

std::string utc_iso_timestamp() {
  return utc_format("%Y-%m-%dT%H:%M:%SZ");
}
std::string utc_iso_timestamp(std::time_t time) {
  return utc_format("%Y-%m-%dT%H:%M:%SZ", time);
}
std::string utc_file_timestamp() {
  return utc_format("%Y%m%dT%H%M%SZ");
}

double elapsed_ms(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::string format_duration_ms(double ms) {
  if (ms < 1000) {
    // std::to_chars rounds as fmt's {:.0f} does, without its formatting machinery
    // (status prints a duration per migration).
    char digits[32];
    auto [end, error] =
        std::to_chars(digits, digits + sizeof digits, ms, std::chars_format::fixed, 0);
    return error == std::errc() ? std::string(digits, end) + " ms" : fmt::format("{:.0f} ms", ms);
  }
  if (ms < 60000) {
    return fmt::format("{:.1f} s", ms / 1000);
  }
  auto seconds = static_cast<long>(ms / 1000);
  return fmt::format("{} min {} s", seconds / 60, seconds % 60);
}

namespace {

// Days since 1970-01-01 of a civil date, and back (H. Hinnant's algorithms): plain
// arithmetic, where sscanf + timegm + gmtime_r cost ~9,000 instructions a row.
long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  long long era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = static_cast<unsigned>(y - era * 400);
  unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

void civil_from_days(long long z, long long& y, unsigned& m, unsigned& d) {
  z += 719468;
  long long era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = static_cast<unsigned>(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<long long>(yoe) + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

// Reads `width` digits at `at`; false if any is not a digit.
bool digits(std::string_view text, size_t at, size_t width, int& out) {
  if (at + width > text.size()) {
    return false;
  }
  out = 0;
  for (size_t i = at; i < at + width; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) {
      return false;
    }
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

} // namespace

std::string utc_timestamp(std::string_view text) {
  // "2026-11-23 19:22:56.123456+05:30": date, time, optional fraction, offset.
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  bool shaped = text.size() >= 19 && text[4] == '-' && text[7] == '-' && text[10] == ' ' &&
                text[13] == ':' && text[16] == ':' && digits(text, 0, 4, year) &&
                digits(text, 5, 2, month) && digits(text, 8, 2, day) && digits(text, 11, 2, hour) &&
                digits(text, 14, 2, minute) && digits(text, 17, 2, second);
  if (!shaped) {
    return std::string(text); // a form not known here: shown as it is
  }
  size_t i = 19;
  while (i < text.size() && (text[i] == '.' || std::isdigit(static_cast<unsigned char>(text[i])))) {
    ++i;
  }
  if (i == text.size()) {
    return std::string(text.substr(0, 19)); // no offset: already UTC (to_char)
  }
  if (text[i] != '+' && text[i] != '-') {
    return std::string(text);
  }
  int sign = text[i] == '-' ? -1 : 1;
  int parts[3] = {0, 0, 0};
  size_t at = i + 1;
  for (int p = 0; p < 3 && digits(text, at, 2, parts[p]); ++p) {
    at += 3; // two digits and a ':'
  }
  long long offset = sign * (parts[0] * 3600LL + parts[1] * 60LL + parts[2]);
  if (offset == 0) {
    return std::string(text.substr(0, 19));
  }
  long long seconds =
      days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
      hour * 3600LL + minute * 60LL + second - offset;
  long long days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
  long long rest = seconds - days * 86400;
  long long y = 0;
  unsigned m = 0, d = 0;
  civil_from_days(days, y, m, d);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", y, m, d, rest / 3600, rest % 3600 / 60,
                     rest % 60);
}

} // namespace agentpg::util
