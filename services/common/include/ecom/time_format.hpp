#pragma once

// RFC 3339 timestamps in UTC with milliseconds: 2026-11-27T07:47:10.123Z.

#include <cstddef>
#include <cstdint>
#include <string>

namespace ecom {

// From milliseconds since the Unix epoch (negative values are before 1970).
inline constexpr std::size_t rfc3339_millis_size = 24;
// Writes exactly rfc3339_millis_size characters at `out` (no terminator).
void write_rfc3339_millis(char* out, std::int64_t epoch_millis);
void append_rfc3339_millis(std::string& out, std::int64_t epoch_millis);
std::string rfc3339_millis(std::int64_t epoch_millis);
// The current time.
std::string rfc3339_now();

}  // namespace ecom
