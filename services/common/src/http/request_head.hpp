#pragma once

// Turning a parsed HTTP request header into a Request, and the checks that
// must pass before a body is read. Pure functions of the parser's state, so
// the fuzzer drives them without sockets.

#include "ecom/http/message.hpp"
#include "ecom/http/router.hpp"
#include "ecom/http/server.hpp"

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace ecom::http {

using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

// An error found before the request reached a handler.
struct EarlyError {
    unsigned status;
    std::string_view code;
    std::string message;
};

// The answer to a parser error from reading the header or the body, or
// nullopt when the client simply went away (nothing to answer).
std::optional<EarlyError> parse_failure(const boost::system::error_code& ec, const ServerLimits& limits);

// A size as a person reads it in an error: "8 KiB", "1 MiB", "1500 bytes".
std::string size_text(std::size_t bytes);

// Copies method, version, target and header fields into `request`.
void copy_head(const RequestParser& parser, Request& request);

// Keeps a well-formed X-Request-Id or makes one; takes the trace context
// from traceparent or X-Amzn-Trace-Id, or starts a trace.
void assign_ids(Request& request);

// Framing and target checks: CL with TE, transfer codings, Host, target
// form and length, method. On success, fills request.path and request.query.
std::optional<EarlyError> check_head(const RequestParser& parser, Request& request);

// Checks that depend on the matched route: a JSON route's body must be
// declared application/json.
std::optional<EarlyError> check_route(const RequestParser& parser, const Request& request, const Router::Match& match);

// "Expect: 100-continue" present: true; other expectations: 417.
std::optional<EarlyError> check_expect(const Request& request, bool& wants_continue);

std::string_view trim_spaces(std::string_view s) noexcept;

}  // namespace ecom::http
