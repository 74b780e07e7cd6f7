#pragma once

// Customer access to an order without an account: checkout's final answers
// (201, 402, and the 409/422 that record the order) carry an order access token (32 random bytes, base64url without
// padding: 43 characters) that the customer presents in `X-Order-Token`
// (never a query parameter). The service keeps only its SHA-256
// (orders.access_token_sha256), so neither the database nor the answer
// stored for Idempotency-Key replays holds a usable token. A replay of the
// checkout issues a fresh token and replaces the hash: the latest answer's
// token is the one that works.

#include <optional>
#include <string>
#include <string_view>

namespace orders {

// A new token from the system's CSPRNG.
std::string new_access_token();

// Lowercase hex SHA-256 of the token, as stored.
std::string access_token_digest(std::string_view token);

// 43 characters of the base64url alphabet.
bool plausible_access_token(std::string_view token) noexcept;

// Whether `presented` is the token whose digest is `stored_hex`; false when
// the order has no token. Compared in constant time.
bool access_token_matches(const std::optional<std::string>& stored_hex, std::string_view presented);

// `body` (a JSON object) with "access_token" as its first member.
std::string with_access_token(std::string_view body, std::string_view token);

}  // namespace orders
