#include "order_access.hpp"

#include "ecom/http/admin_auth.hpp"
#include "ecom/ids.hpp"
#include "ecom/sha256.hpp"

#include <array>
#include <cstdint>
#include <stdexcept>

namespace orders {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::size_t kTokenBytes = 32;
constexpr std::size_t kTokenChars = 43;  // ceil(32 * 8 / 6), no padding

std::string base64url(const std::uint8_t* data, std::size_t size) {
    std::string out;
    out.reserve((size * 4 + 2) / 3);
    std::size_t i = 0;
    for (; i + 3 <= size; i += 3) {
        const std::uint32_t n = (std::uint32_t{data[i]} << 16) | (std::uint32_t{data[i + 1]} << 8) | data[i + 2];
        out += kAlphabet[(n >> 18) & 63];
        out += kAlphabet[(n >> 12) & 63];
        out += kAlphabet[(n >> 6) & 63];
        out += kAlphabet[n & 63];
    }
    if (size - i == 1) {
        const std::uint32_t n = std::uint32_t{data[i]} << 16;
        out += kAlphabet[(n >> 18) & 63];
        out += kAlphabet[(n >> 12) & 63];
    } else if (size - i == 2) {
        const std::uint32_t n = (std::uint32_t{data[i]} << 16) | (std::uint32_t{data[i + 1]} << 8);
        out += kAlphabet[(n >> 18) & 63];
        out += kAlphabet[(n >> 12) & 63];
        out += kAlphabet[(n >> 6) & 63];
    }
    return out;
}

}  // namespace

std::string new_access_token() {
    std::array<std::uint8_t, kTokenBytes> bytes{};
    ecom::secure_random_bytes(bytes);
    return base64url(bytes.data(), bytes.size());
}

std::string access_token_digest(std::string_view token) {
    return ecom::sha256_hex(token);
}

bool plausible_access_token(std::string_view token) noexcept {
    if (token.size() != kTokenChars) {
        return false;
    }
    for (const char c : token) {
        if (kAlphabet.find(c) == std::string_view::npos) {
            return false;
        }
    }
    return true;
}

bool access_token_matches(const std::optional<std::string>& stored_hex, std::string_view presented) {
    if (!stored_hex || !plausible_access_token(presented)) {
        return false;
    }
    return ecom::http::constant_time_equals(*stored_hex, access_token_digest(presented));
}

std::string with_access_token(std::string_view body, std::string_view token) {
    if (body.empty() || body.front() != '{') {
        throw std::logic_error("with_access_token: the body is not a JSON object");
    }
    std::string out;
    out.reserve(body.size() + token.size() + 20);
    out += R"({"access_token":")";
    out += token;
    out += '"';
    const auto first = body.find_first_not_of(" \t\r\n", 1);
    if (first != std::string_view::npos && body[first] != '}') {
        out += ',';
    }
    out.append(body.substr(1));
    return out;
}

}  // namespace orders
