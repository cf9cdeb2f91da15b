#pragma once
#include <chrono>
#include <ctime>
#include <string>
#include <string_view>

namespace agentpg::util {

using Clock = std::chrono::steady_clock;

// UTC time as YYYYMMDDHHMMSS (migration versions, backup names).
std::string utc_compact_timestamp();

// UTC time as 2024-01-31T12:00:00Z (manifests) and 20240131T120000Z (file names).
std::string utc_iso_timestamp();
std::string utc_iso_timestamp(std::time_t time);
std::string utc_file_timestamp();

// "YYYY-MM-DD HH:MM:SS" in UTC from a time with its UTC offset, as PostgreSQL prints a
// timestamptz in DateStyle ISO ("2026-11-23 20:22:56.1+01"); other text is returned as it is.
std::string utc_timestamp(std::string_view text);

// Milliseconds since `start`, as a double.
double elapsed_ms(Clock::time_point start);

// "12 ms", "1.4 s", "2 min 5 s": for people.
std::string format_duration_ms(double ms);

} // namespace agentpg::util
