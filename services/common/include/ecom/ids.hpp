#pragma once

// Identifiers: request ids (fast, non-secret), UUIDs from the kernel's
// CSPRNG (order ids double as capabilities, so they must be unguessable).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace ecom {

// Fills `out` from getrandom(2). Throws std::system_error on failure.
void secure_random_bytes(std::span<std::uint8_t> out);

// A fast per-thread pseudo-random generator (xoshiro256**), seeded from
// the kernel; for sampling and non-secret ids only.
std::uint64_t fast_random() noexcept;
// Uniform in [0, 1).
double fast_random_unit() noexcept;

// Lowercase hex of `bytes` pseudo-random bytes.
std::string random_hex(std::size_t bytes);

// A random (version 4) UUID in canonical lowercase form.
std::string new_uuid();
// True for the canonical 8-4-4-4-12 form, any version, either case.
bool is_uuid(std::string_view text) noexcept;

// A request id: 32 lowercase hex digits.
std::string new_request_id();
// Client-supplied X-Request-Id values are kept when 1..128 characters of
// [A-Za-z0-9._:/+=-] (no spaces, no CR/LF); otherwise a new id is made.
bool is_valid_request_id(std::string_view id) noexcept;

}  // namespace ecom
