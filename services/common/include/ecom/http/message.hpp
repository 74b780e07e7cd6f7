#pragma once

// The request and response types handlers see. They carry no Boost.Beast
// types, so handler code and its tests stay light to compile.

#include "ecom/trace_context.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ecom::http {

enum class Method : std::uint8_t { get, head, post, put, patch, delete_, options, unknown };

inline constexpr std::size_t method_count = 8;

std::string_view to_string(Method method) noexcept;
Method method_from_string(std::string_view name) noexcept;

// An ordered list of header fields with case-insensitive lookup. Requests
// carry a handful of fields, so a vector beats a map.
class Headers {
public:
    void add(std::string name, std::string value);
    // Replaces every field of that name with one field.
    void set(std::string_view name, std::string value);
    void erase(std::string_view name);
    [[nodiscard]] std::optional<std::string_view> get(std::string_view name) const;
    [[nodiscard]] bool contains(std::string_view name) const { return get(name).has_value(); }
    [[nodiscard]] std::size_t size() const noexcept { return fields_.size(); }
    [[nodiscard]] auto begin() const noexcept { return fields_.begin(); }
    [[nodiscard]] auto end() const noexcept { return fields_.end(); }

private:
    std::vector<std::pair<std::string, std::string>> fields_;
};

// What the server knows about a request beyond its bytes.
struct RequestContext {
    std::string request_id;
    trace::SpanContext trace;  // what the request's spans and calls carry
    std::chrono::steady_clock::time_point start{};
};

// The trace of a request's context; nothing without one (a background job).
inline const trace::SpanContext* trace_of(const RequestContext* context) noexcept {
    return context != nullptr ? &context->trace : nullptr;
}

struct Request {
    Method method = Method::unknown;
    unsigned version = 11;  // 10 or 11
    std::string target;     // the raw request-target
    std::string path;       // the path of the target, still percent-encoded
    std::string query;      // the query of the target without '?', still encoded
    Headers headers;
    std::string body;
    std::vector<std::pair<std::string_view, std::string>> path_params;  // decoded
    std::string_view route;  // the template of the matched route, e.g. /api/products/{id}
    RequestContext context;

    [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const { return headers.get(name); }
    // The decoded value of a path parameter declared by the route, or "".
    [[nodiscard]] std::string_view param(std::string_view name) const;
    // The decoded value of the first query parameter of that name. Throws
    // HttpError 400 when the query string has a malformed percent escape.
    [[nodiscard]] std::optional<std::string> query_param(std::string_view name) const;
    // An integer query parameter from min to max, or fallback when absent.
    // Throws HttpError 400 invalid_parameter ("limit must be an integer
    // from 1 to 100") for anything else, an empty value included.
    [[nodiscard]] std::int64_t int_query_param(std::string_view name, std::int64_t fallback, std::int64_t min,
                                               std::int64_t max) const;
};

struct Response {
    unsigned status = 200;
    Headers headers;
    std::string body;
    // Bytes shared with their owner and written without a copy (an asset
    // held in memory); when set, it is the body and `body` is ignored.
    std::shared_ptr<const std::string> shared_body;
    // A 5xx that is an expected state, not a failure (a readiness probe
    // answering 503 while starting or draining): logged as a warning.
    bool expected_unavailable = false;

    static Response json(unsigned status, std::string body);
    static Response no_content();
};

}  // namespace ecom::http
