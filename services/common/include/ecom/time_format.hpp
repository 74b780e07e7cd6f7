#pragma once

// RFC 3339 timestamps in UTC with milliseconds: 2026-11-27T07:47:10.123Z.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ecom {

// From milliseconds since the Unix epoch (negative values are before 1970).
inline constexpr std::size_t rfc3339_millis_size = 24;
// Writes exactly rfc3339_millis_size characters at `out` (no terminator).
void write_rfc3339_millis(char* out, std::int64_t epoch_millis);
void append_rfc3339_millis(std::string& out, std::int64_t epoch_millis);
std::string rfc3339_millis(std::int64_t epoch_millis);
// An RFC 3339 date-time (2026-11-27T07:47:10Z, 2026-11-27T08:47:10.5+01:00;
// 'T' and 'Z' in either case) as milliseconds since the epoch, digits past
// the millisecond dropped; nothing when it is not one (a date alone, an
// hour 24, February 30, an offset past 23:59). A leap second reads as :59.999.
std::optional<std::int64_t> parse_rfc3339_millis(std::string_view text);
// The current time.
std::string rfc3339_now();

}  // namespace ecom
