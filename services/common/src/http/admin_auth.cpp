#include "ecom/http/admin_auth.hpp"

#include "ecom/ascii.hpp"
#include "ecom/http/error.hpp"

#include <cctype>
#include <string>

namespace ecom::http {

bool constant_time_equals(std::string_view a, std::string_view b) noexcept {
    const std::size_t n = a.size() > b.size() ? a.size() : b.size();
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    for (std::size_t i = 0; i < n; ++i) {
        const auto x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
        const auto y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
        diff = static_cast<unsigned char>(diff | (x ^ y));
    }
    return diff == 0;
}

AdminAuth::AdminAuth(std::string key, std::string previous_key)
    : key_(std::move(key)), previous_key_(std::move(previous_key)) {}

bool AdminAuth::allows(std::string_view presented) const noexcept {
    // Both comparisons always run, so the time does not tell which key matched.
    const bool current = constant_time_equals(presented, key_);
    const bool previous = constant_time_equals(presented, previous_key_);
    return !key_.empty() && (current || (!previous_key_.empty() && previous));
}

void AdminAuth::require(const Request& request) const {
    // credentials = auth-scheme 1*SP token68; the scheme is case-insensitive.
    const auto header = request.header("Authorization");
    std::string_view presented;
    if (header) {
        std::string_view value = *header;
        const auto space = value.find(' ');
        if (space != std::string_view::npos) {
            if (ascii::iequals(value.substr(0, space), "bearer")) {
                presented = value.substr(space);
                while (!presented.empty() && presented.front() == ' ') {
                    presented.remove_prefix(1);
                }
                while (!presented.empty() && (presented.back() == ' ' || presented.back() == '\t')) {
                    presented.remove_suffix(1);
                }
            }
        }
    }
    if (presented.empty()) {
        throw HttpError(401, "unauthorized", "this operation needs an admin key: Authorization: Bearer <key>")
            .with_header("WWW-Authenticate", "Bearer realm=\"admin\"");
    }
    if (!allows(presented)) {
        throw HttpError(403, "forbidden", "the admin key is not valid");
    }
}

}  // namespace ecom::http
