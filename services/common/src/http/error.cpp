#include "ecom/http/error.hpp"

#include "ecom/json_writer.hpp"

namespace ecom::http {

HttpError::HttpError(unsigned status, std::string code, std::string message, std::vector<ErrorDetail> details)
    : std::runtime_error(message), status_(status), code_(std::move(code)), details_(std::move(details)) {}

HttpError& HttpError::with_header(std::string name, std::string value) {
    headers_.add(std::move(name), std::move(value));
    return *this;
}

HttpError& HttpError::with_member(std::string name, std::string json) {
    members_.emplace_back(std::move(name), std::move(json));
    return *this;
}

std::string error_body(std::string_view code, std::string_view message, const std::vector<ErrorDetail>& details,
                       const std::vector<std::pair<std::string, std::string>>& members) {
    std::string out;
    out.reserve(96 + message.size());
    JsonWriter w(out);
    w.begin_object().key("error").begin_object();
    w.field("code", code).field("message", message);
    if (!details.empty()) {
        w.key("details").begin_array();
        for (const auto& detail : details) {
            w.begin_object().field("field", detail.field).field("message", detail.message).end_object();
        }
        w.end_array();
    }
    for (const auto& [name, json] : members) {
        w.key(name).raw(json);
    }
    w.end_object().end_object();
    return out;
}

Response error_response(unsigned status, std::string_view code, std::string_view message) {
    auto response = Response::json(status, error_body(code, message));
    response.headers.add("Cache-Control", "no-store");
    return response;
}

Response error_response(const HttpError& error) {
    auto response =
        Response::json(error.status(), error_body(error.code(), error.what(), error.details(), error.members()));
    response.headers.add("Cache-Control", "no-store");
    for (const auto& [name, value] : error.headers()) {
        response.headers.add(name, value);
    }
    return response;
}

std::string_view reason_phrase(unsigned status) noexcept {
    switch (status) {
        case 100: return "Continue";
        case 200: return "OK";
        case 201: return "Created";
        case 202: return "Accepted";
        case 204: return "No Content";
        case 301: return "Moved Permanently";
        case 302: return "Found";
        case 304: return "Not Modified";
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 402: return "Payment Required";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 408: return "Request Timeout";
        case 409: return "Conflict";
        case 410: return "Gone";
        case 411: return "Length Required";
        case 412: return "Precondition Failed";
        case 413: return "Content Too Large";
        case 414: return "URI Too Long";
        case 415: return "Unsupported Media Type";
        case 417: return "Expectation Failed";
        case 422: return "Unprocessable Content";
        case 428: return "Precondition Required";
        case 429: return "Too Many Requests";
        case 431: return "Request Header Fields Too Large";
        case 500: return "Internal Server Error";
        case 501: return "Not Implemented";
        case 502: return "Bad Gateway";
        case 503: return "Service Unavailable";
        case 504: return "Gateway Timeout";
        case 505: return "HTTP Version Not Supported";
        default: return "Unknown";
    }
}

}  // namespace ecom::http
