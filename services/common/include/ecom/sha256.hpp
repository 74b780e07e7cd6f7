#pragma once

// SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), for request fingerprints.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace ecom {

class Sha256 {
public:
    Sha256();
    Sha256& update(std::string_view data);
    std::array<std::uint8_t, 32> digest();
    // Lowercase hex of the digest of everything updated so far.
    std::string hex_digest();

private:
    void block(const std::uint8_t* p);

    std::array<std::uint32_t, 8> h_;
    std::array<std::uint8_t, 64> buffer_{};
    std::size_t buffered_ = 0;
    std::uint64_t length_ = 0;
};

std::string sha256_hex(std::string_view data);

// HMAC-SHA256 of `message` under `key` (any length), as lowercase hex.
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

}  // namespace ecom
