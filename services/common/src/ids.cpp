#include "ecom/ids.hpp"

#include <sys/random.h>

#include <array>
#include <cerrno>
#include <system_error>

namespace ecom {
namespace {

constexpr char hex_digits[] = "0123456789abcdef";

struct Xoshiro256 {
    std::array<std::uint64_t, 4> s{};

    Xoshiro256() {
        std::array<std::uint8_t, 32> seed{};
        secure_random_bytes(seed);
        for (std::size_t i = 0; i < 4; ++i) {
            std::uint64_t v = 0;
            for (std::size_t b = 0; b < 8; ++b) {
                v = (v << 8) | seed[i * 8 + b];
            }
            s[i] = v != 0 ? v : 0x9E3779B97F4A7C15ULL + i;
        }
    }

    static std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }

    std::uint64_t next() noexcept {
        const std::uint64_t result = rotl(s[1] * 5, 7) * 9;
        const std::uint64_t t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = rotl(s[3], 45);
        return result;
    }
};

Xoshiro256& generator() {
    thread_local Xoshiro256 g;
    return g;
}

void append_hex(std::string& out, std::uint8_t byte) {
    out += hex_digits[byte >> 4];
    out += hex_digits[byte & 0xf];
}

bool is_hex(char c) noexcept {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

}  // namespace

void secure_random_bytes(std::span<std::uint8_t> out) {
    std::size_t filled = 0;
    while (filled < out.size()) {
        const ssize_t n = ::getrandom(out.data() + filled, out.size() - filled, 0);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw std::system_error(errno, std::generic_category(), "getrandom");
        }
        filled += static_cast<std::size_t>(n);
    }
}

std::uint64_t fast_random() noexcept {
    return generator().next();
}

double fast_random_unit() noexcept {
    return static_cast<double>(fast_random() >> 11) * 0x1.0p-53;
}

std::string random_hex(std::size_t bytes) {
    // Two digits per byte written in place (request and trace ids on every
    // request): the same digits, in the same order, as appending each byte.
    std::string out(bytes * 2, '0');
    std::uint64_t bits = 0;
    for (std::size_t i = 0; i < bytes; ++i) {
        if (i % 8 == 0) {
            bits = fast_random();
        }
        out[2 * i] = hex_digits[(bits >> 4) & 0xf];
        out[2 * i + 1] = hex_digits[bits & 0xf];
        bits >>= 8;
    }
    return out;
}

std::string new_uuid() {
    std::array<std::uint8_t, 16> b{};
    secure_random_bytes(b);
    b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | 0x40);  // version 4
    b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
    std::string out;
    out.reserve(36);
    for (std::size_t i = 0; i < b.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) {
            out += '-';
        }
        append_hex(out, b[i]);
    }
    return out;
}

bool is_uuid(std::string_view text) noexcept {
    if (text.size() != 36) {
        return false;
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? text[i] != '-' : !is_hex(text[i])) {
            return false;
        }
    }
    return true;
}

std::string new_request_id() {
    return random_hex(16);
}

bool is_valid_request_id(std::string_view id) noexcept {
    if (id.empty() || id.size() > 128) {
        return false;
    }
    for (const char c : id) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
            c == '_' || c == ':' || c == '/' || c == '+' || c == '=' || c == '-';
        if (!ok) {
            return false;
        }
    }
    return true;
}

}  // namespace ecom
