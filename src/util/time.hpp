#pragma once
#include <chrono>
#include <string>

namespace agentpg::util {

using Clock = std::chrono::steady_clock;

// UTC time as YYYYMMDDHHMMSS (migration versions, backup names).
std::string utc_compact_timestamp();

// UTC time as 2024-01-31T12:00:00Z (manifests) and 20240131T120000Z (file names).
std::string utc_iso_timestamp();
std::string utc_file_timestamp();

// Milliseconds since `start`, as a double.
double elapsed_ms(Clock::time_point start);

// "12 ms", "1.4 s", "2 min 5 s": for people.
std::string format_duration_ms(double ms);

} // namespace agentpg::util
