#include "cursor.hpp"

#include <array>
#include <charconv>

namespace catalog {
namespace {

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::string_view prefix = "p1:";

std::string base64url(std::string_view in) {
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        const auto n = (static_cast<unsigned>(static_cast<unsigned char>(in[i])) << 16) |
            (static_cast<unsigned>(static_cast<unsigned char>(in[i + 1])) << 8) |
            static_cast<unsigned>(static_cast<unsigned char>(in[i + 2]));
        out += alphabet[(n >> 18) & 63];
        out += alphabet[(n >> 12) & 63];
        out += alphabet[(n >> 6) & 63];
        out += alphabet[n & 63];
    }
    if (i + 1 == in.size()) {
        const auto n = static_cast<unsigned>(static_cast<unsigned char>(in[i])) << 16;
        out += alphabet[(n >> 18) & 63];
        out += alphabet[(n >> 12) & 63];
    } else if (i + 2 == in.size()) {
        const auto n = (static_cast<unsigned>(static_cast<unsigned char>(in[i])) << 16) |
            (static_cast<unsigned>(static_cast<unsigned char>(in[i + 1])) << 8);
        out += alphabet[(n >> 18) & 63];
        out += alphabet[(n >> 12) & 63];
        out += alphabet[(n >> 6) & 63];
    }
    return out;
}

std::optional<std::string> unbase64url(std::string_view in) {
    if (in.size() % 4 == 1 || in.size() > 64) {
        return std::nullopt;
    }
    std::array<int, 256> value{};
    value.fill(-1);
    for (int i = 0; i < 64; ++i) {
        value[static_cast<unsigned char>(alphabet[i])] = i;
    }
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (const char c : in) {
        const int v = value[static_cast<unsigned char>(c)];
        if (v < 0) {
            return std::nullopt;
        }
        buffer = (buffer << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buffer >> bits) & 0xff);
        }
    }
    // Leftover bits must be zero, so each cursor has one spelling.
    if ((buffer & ((1u << bits) - 1)) != 0) {
        return std::nullopt;
    }
    return out;
}

}  // namespace

std::string encode_cursor(std::int64_t last_id) {
    return base64url(std::string(prefix) + std::to_string(last_id));
}

std::optional<std::int64_t> decode_cursor(std::string_view cursor) {
    const auto raw = unbase64url(cursor);
    if (!raw || !raw->starts_with(prefix)) {
        return std::nullopt;
    }
    const std::string_view digits = std::string_view(*raw).substr(prefix.size());
    if (digits.empty() || digits.size() > 18 || digits.front() == '0') {
        return std::nullopt;
    }
    std::int64_t id = 0;
    const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), id);
    if (r.ec != std::errc{} || r.ptr != digits.data() + digits.size() || id <= 0) {
        return std::nullopt;
    }
    return id;
}

}  // namespace catalog
