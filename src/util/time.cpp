#include "util/time.hpp"

#include <charconv>
#include <ctime>

#include <fmt/format.h>

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

std::string utc_format(const char* format) {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, format, &tm);
  return buffer;
}

} // namespace

std::string utc_iso_timestamp() { return utc_format("%Y-%m-%dT%H:%M:%SZ"); }
std::string utc_file_timestamp() { return utc_format("%Y%m%dT%H%M%SZ"); }

double elapsed_ms(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::string format_duration_ms(double ms) {
  if (ms < 1000) {
    // std::to_chars rounds as fmt's {:.0f} does, without its formatting machinery
    // (status prints a duration per migration).
    char digits[32];
    auto [end, error] = std::to_chars(digits, digits + sizeof digits, ms, std::chars_format::fixed, 0);
    return error == std::errc() ? std::string(digits, end) + " ms" : fmt::format("{:.0f} ms", ms);
  }
  if (ms < 60000) {
    return fmt::format("{:.1f} s", ms / 1000);
  }
  auto seconds = static_cast<long>(ms / 1000);
  return fmt::format("{} min {} s", seconds / 60, seconds % 60);
}

} // namespace agentpg::util
