#include "ecom/pg/http_errors.hpp"

#include "ecom/http/error.hpp"
#include "ecom/log.hpp"
#include "ecom/pg/result.hpp"

namespace ecom::pg {

http::Handler with_database_errors(http::Handler handler) {
    return [handler = std::move(handler)](http::Request& request) -> boost::asio::awaitable<http::Response> {
        std::optional<Error> failure;
        try {
            co_return co_await handler(request);
        } catch (const Error& e) {
            failure = e;
        }
        if (failure->transient()) {
            log::warn("database unavailable",
                      {{"request_id", request.context.request_id},
                       {"route", request.route},
                       {"sqlstate", failure->sqlstate()},
                       {"error", failure->what()}});
            throw http::HttpError(503, "database_unavailable", "the database is unavailable; retry shortly")
                .with_header("Retry-After", "1");
        }
        log::error("database error",
                   {{"request_id", request.context.request_id},
                    {"route", request.route},
                    {"sqlstate", failure->sqlstate()},
                    {"error", failure->what()}});
        throw http::HttpError(500, "internal", "the server failed to handle the request");
    };
}

}  // namespace ecom::pg
