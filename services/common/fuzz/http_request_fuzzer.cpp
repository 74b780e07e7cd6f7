// libFuzzer target: arbitrary bytes as an HTTP/1.1 request, through the
// parser, the head checks, routing and query decoding the server uses.

#include "ecom/http/error.hpp"
#include "ecom/http/router.hpp"
#include "ecom/json.hpp"
#include "http/request_head.hpp"

#include <boost/asio/buffer.hpp>

#include <cstddef>
#include <cstdint>

namespace {

using namespace ecom::http;

const Router& router() {
    static const Router r = [] {
        Router built;
        Handler none = [](Request&) -> boost::asio::awaitable<Response> { co_return Response{}; };
        built.add({Method::get, Method::post}, "/api/products", none, {.json_body = true});
        built.add({Method::get, Method::put, Method::patch, Method::delete_}, "/api/products/{id}", none,
                  {.json_body = true});
        built.add({Method::post}, "/internal/reservations/{order_id}/commit", none);
        built.add({Method::get}, "/health", none);
        return built;
    }();
    return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    RequestParser parser;
    parser.header_limit(8 * 1024);
    parser.body_limit(64 * 1024);
    boost::system::error_code ec;
    std::size_t offset = 0;
    // Feed in two pieces to exercise incremental parsing.
    const std::size_t split = size / 2;
    for (std::size_t end : {split, size}) {
        while (offset < end && !parser.is_done()) {
            const auto used = parser.put(boost::asio::buffer(data + offset, end - offset), ec);
            if (ec == boost::beast::http::error::need_more) {
                ec = {};
                break;
            }
            if (ec || used == 0) {
                break;
            }
            offset += used;
        }
        if (ec) {
            break;
        }
    }
    if (ec) {
        (void)parse_failure(ec, ServerLimits{});
        return 0;
    }
    if (!parser.is_header_done()) {
        return 0;
    }
    Request request;
    copy_head(parser, request);
    assign_ids(request);
    if (check_head(parser, request)) {
        return 0;
    }
    auto match = router().match(request.method, request.path, request.path_params);
    (void)check_route(parser, request, match);
    bool wants_continue = false;
    (void)check_expect(request, wants_continue);
    try {
        (void)request.query_param("q");
        (void)request.query_param("limit");
    } catch (const HttpError&) {
    }
    if (parser.is_done()) {
        try {
            (void)ecom::json::parse_strict(parser.get().body());
        } catch (const HttpError&) {
        }
    }
    return 0;
}
