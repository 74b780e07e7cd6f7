#include "http/request_head.hpp"

#include "ecom/ascii.hpp"
#include "ecom/ids.hpp"
#include "ecom/trace_context.hpp"

#include <boost/asio/error.hpp>
#include <boost/beast/http/error.hpp>

namespace ecom::http {
namespace {

namespace bhttp = boost::beast::http;

bool is_json_media_type(std::string_view content_type) noexcept {
    const auto semi = content_type.find(';');
    return ascii::iequals(trim_spaces(content_type.substr(0, semi)), "application/json");
}

}  // namespace

std::string_view trim_spaces(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

std::string size_text(std::size_t bytes) {
    if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0) {
        return std::to_string(bytes / (1024 * 1024)) + " MiB";
    }
    if (bytes >= 1024 && bytes % 1024 == 0) {
        return std::to_string(bytes / 1024) + " KiB";
    }
    return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
}

std::optional<EarlyError> parse_failure(const boost::system::error_code& ec, const ServerLimits& limits) {
    namespace aerr = boost::asio::error;
    if (ec == bhttp::error::end_of_stream || ec == aerr::eof || ec == aerr::connection_reset ||
        ec == aerr::operation_aborted || ec == bhttp::error::partial_message || ec == aerr::broken_pipe) {
        return std::nullopt;
    }
    if (ec == bhttp::error::header_limit) {
        return EarlyError{431, "header_too_large", "the request header exceeds " + size_text(limits.max_header_bytes)};
    }
    if (ec == bhttp::error::body_limit) {
        return EarlyError{413, "payload_too_large", "the request body exceeds " + size_text(limits.max_body_bytes)};
    }
    if (ec == bhttp::error::bad_version) {
        return EarlyError{505, "http_version_not_supported", "only HTTP/1.0 and HTTP/1.1 are supported"};
    }
    return EarlyError{400, "bad_request", "the request is not valid HTTP/1.1"};
}

void copy_head(const RequestParser& parser, Request& request) {
    const auto& message = parser.get();
    request.version = message.version() == 10 ? 10u : 11u;
    const auto method = message.method_string();
    request.method = method_from_string(std::string_view(method.data(), method.size()));
    const auto target = message.target();
    request.target.assign(target.data(), target.size());
    for (const auto& field : message) {
        const auto name = field.name_string();
        const auto value = field.value();
        request.headers.add(std::string(name.data(), name.size()), std::string(value.data(), value.size()));
    }
}

void assign_ids(Request& request) {
    if (auto id = request.headers.get("X-Request-Id"); id && is_valid_request_id(*id)) {
        request.context.request_id = std::string(*id);
    } else {
        request.context.request_id = new_request_id();
    }
    std::optional<trace::SpanContext> context;
    std::string tracestate;
    if (auto tp = request.headers.get("traceparent")) {
        context = trace::parse_traceparent(*tp);
        // tracestate means something only beside a valid traceparent.
        if (auto ts = request.headers.get("tracestate"); context && ts && trace::is_valid_tracestate(*ts)) {
            tracestate = std::string(*ts);
        }
    }
    if (!context) {
        if (auto amzn = request.headers.get("X-Amzn-Trace-Id")) {
            context = trace::parse_amzn_trace_id(*amzn);
        }
    }
    if (context) {
        request.context.trace = std::move(*context);
        request.context.trace.tracestate = std::move(tracestate);
    } else {
        request.context.trace = {};
        request.context.trace.trace_id = trace::new_trace_id();
    }
}

std::optional<EarlyError> check_head(const RequestParser& parser, Request& request) {
    const auto& message = parser.get();
    const auto transfer_encoding = request.headers.get("Transfer-Encoding");
    const bool has_cl = message.count(bhttp::field::content_length) > 0;
    if (transfer_encoding && has_cl) {
        return EarlyError{400, "bad_request", "Content-Length and Transfer-Encoding must not both be sent"};
    }
    if (transfer_encoding &&
        (request.version == 10 || message.count(bhttp::field::transfer_encoding) > 1 ||
         !ascii::iequals(trim_spaces(*transfer_encoding), "chunked"))) {
        return EarlyError{501, "not_implemented", "only the chunked transfer coding is supported"};
    }
    if (request.version == 11 && message.count(bhttp::field::host) != 1) {
        return EarlyError{400, "bad_request", "HTTP/1.1 requests need exactly one Host header"};
    }
    std::string_view target = request.target;
    if (target.size() > 4096) {
        return EarlyError{414, "uri_too_long", "the request target exceeds 4096 bytes"};
    }
    if (target.empty() || target.front() != '/') {
        // Absolute-form targets are accepted; their path is routed.
        const bool absolute = target.starts_with("http://") || target.starts_with("https://");
        if (!absolute) {
            return EarlyError{400, "bad_request", "the request target must be an absolute path"};
        }
        const auto path_start = target.find('/', target.find("//") + 2);
        target = path_start == std::string_view::npos ? std::string_view("/") : target.substr(path_start);
    }
    const auto q = target.find('?');
    request.path = std::string(target.substr(0, q));
    if (q != std::string_view::npos) {
        request.query = std::string(target.substr(q + 1));
    }
    if (const auto hash = request.path.find('#'); hash != std::string::npos) {
        request.path.resize(hash);
    }
    if (request.method == Method::unknown) {
        return EarlyError{501, "not_implemented", "the request method is not supported"};
    }
    return std::nullopt;
}

std::optional<EarlyError> check_route(const RequestParser& parser, const Request& request, const Router::Match& match) {
    const bool has_body = request.headers.contains("Transfer-Encoding") || parser.content_length().value_or(0) > 0;
    if (match.kind == Router::Match::Kind::found && match.route->options_for(request.method).json_body && has_body) {
        const auto content_type = request.headers.get("Content-Type");
        if (!content_type || !is_json_media_type(*content_type)) {
            return EarlyError{415, "unsupported_media_type", "the request body must be application/json"};
        }
    }
    return std::nullopt;
}

std::optional<EarlyError> check_expect(const Request& request, bool& wants_continue) {
    wants_continue = false;
    if (auto expect = request.headers.get("Expect")) {
        if (!ascii::iequals(trim_spaces(*expect), "100-continue")) {
            return EarlyError{417, "expectation_failed", "only Expect: 100-continue is supported"};
        }
        wants_continue = true;
    }
    return std::nullopt;
}

}  // namespace ecom::http
