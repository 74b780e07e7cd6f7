#pragma once

// Client errors are thrown as HttpError and become the one error envelope
// {"error":{"code":"...","message":"...","details":[...]}}.

#include "ecom/http/message.hpp"

#include <stdexcept>
#include <string>
#include <vector>

namespace ecom::http {

struct ErrorDetail {
    std::string field;
    std::string message;
};

class HttpError : public std::runtime_error {
public:
    HttpError(unsigned status, std::string code, std::string message, std::vector<ErrorDetail> details = {});

    [[nodiscard]] unsigned status() const noexcept { return status_; }
    [[nodiscard]] const std::string& code() const noexcept { return code_; }
    [[nodiscard]] const std::vector<ErrorDetail>& details() const noexcept { return details_; }
    // Extra response headers, e.g. Allow on 405 or Retry-After on 503.
    HttpError& with_header(std::string name, std::string value);
    [[nodiscard]] const Headers& headers() const noexcept { return headers_; }
    // An extra member of the "error" object, as serialised JSON, e.g.
    // "shortages": [{"product_id":1,"requested":3,"available":1}].
    HttpError& with_member(std::string name, std::string json);
    [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& members() const noexcept { return members_; }

private:
    unsigned status_;
    std::string code_;
    std::vector<ErrorDetail> details_;
    Headers headers_;
    std::vector<std::pair<std::string, std::string>> members_;
};

// The JSON body of an error response.
std::string error_body(std::string_view code, std::string_view message, const std::vector<ErrorDetail>& details = {},
                       const std::vector<std::pair<std::string, std::string>>& members = {});

Response error_response(unsigned status, std::string_view code, std::string_view message);
Response error_response(const HttpError& error);

// The standard reason phrase for a status code ("Not Found"), or "Unknown".
std::string_view reason_phrase(unsigned status) noexcept;

}  // namespace ecom::http
