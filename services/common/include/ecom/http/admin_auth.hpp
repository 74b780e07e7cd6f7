#pragma once

// Guards admin routes with a shared key: `Authorization: Bearer <key>`.
// Missing credentials: 401 with WWW-Authenticate; a wrong key: 403. The key
// is compared in constant time. During a rotation's grace window the
// previous key (scripts/rotate-secret.sh keeps it as AWSPREVIOUS) is
// accepted too, so clients that still hold it are not cut off.

#include "ecom/http/message.hpp"

#include <string>
#include <string_view>

namespace ecom::http {

class AdminAuth {
public:
    explicit AdminAuth(std::string key, std::string previous_key = {});

    // Throws HttpError 401 or 403 unless the request carries the key.
    void require(const Request& request) const;
    [[nodiscard]] bool allows(std::string_view presented) const noexcept;

private:
    std::string key_;
    std::string previous_key_;  // empty: no rotation in progress
};

// Equal contents, in time that depends only on the lengths.
bool constant_time_equals(std::string_view a, std::string_view b) noexcept;

}  // namespace ecom::http
