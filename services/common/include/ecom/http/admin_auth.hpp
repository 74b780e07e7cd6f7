#pragma once

// Guards admin routes with a shared key: `Authorization: Bearer <key>`.
// Missing credentials: 401 with WWW-Authenticate; a wrong key: 403. The key
// is compared in constant time.

#include "ecom/http/message.hpp"

#include <string>
#include <string_view>

namespace ecom::http {

class AdminAuth {
public:
    explicit AdminAuth(std::string key);

    // Throws HttpError 401 or 403 unless the request carries the key.
    void require(const Request& request) const;
    [[nodiscard]] bool allows(std::string_view presented) const noexcept;

private:
    std::string key_;
};

// Equal contents, in time that depends only on the lengths.
bool constant_time_equals(std::string_view a, std::string_view b) noexcept;

}  // namespace ecom::http
