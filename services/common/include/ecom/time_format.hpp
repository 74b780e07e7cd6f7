#pragma once

// RFC 3339 timestamps in UTC with milliseconds: 2026-11-27T07:47:10.123Z.

#include <cstdint>
#include <string>

namespace ecom {

// From milliseconds since the Unix epoch (negative values are before 1970).
void append_rfc3339_millis(std::string& out, std::int64_t epoch_millis);
std::string rfc3339_millis(std::int64_t epoch_millis);
// The current time.
std::string rfc3339_now();

}  // namespace ecom
