#pragma once

// The internal inventory API that order-service calls. Never routed by the
// load balancer; optionally guarded by INTERNAL_API_KEY.
//   POST   /internal/reservations                    {"order_id","items":[{"product_id","quantity"}]}
//          200 the reservation; products are named by id in the refusals:
//          409 insufficient_stock, "shortages":[{"product_id","name","requested","available"}]
//          422 unknown_product, "product_ids":[...] (and a detail per line of the request)
//          409 reservation_released: the order was given up; use a new order id
//   POST   /internal/reservations/{order_id}/commit
//   POST   /internal/reservations/{order_id}/return  a sold order's stock back (cancel, restocked
//          return): 200 returned (also again), 409 reservation_not_committed, 404
//   DELETE /internal/reservations/{order_id}          release
//   GET    /internal/reservations/{order_id}
//   GET    /internal/reservations?state=held&older_than_seconds=30&limit=100  (or committed, released, returned)

#include "ecom/http/admin_auth.hpp"
#include "ecom/http/router.hpp"
#include "ecom/pg/database.hpp"
#include "product_cache.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace catalog {

struct ReservationLine {
    std::int64_t product_id = 0;
    std::int64_t quantity = 0;
};

struct ReservationRequest {
    std::string order_id;
    std::vector<ReservationLine> items;
};

// Validates a reservation body; throws HttpError 400/422.
ReservationRequest parse_reservation_request(std::string_view body);

class InventoryRoutes {
public:
    // `internal_key` empty: no key required (the network keeps the routes private).
    InventoryRoutes(ecom::pg::Database& db, ProductCache& cache, std::string internal_key,
                    std::string previous_internal_key = {});

    void register_on(ecom::http::Router& router);

private:
    boost::asio::awaitable<ecom::http::Response> reserve(ecom::http::Request& request);
    boost::asio::awaitable<ecom::http::Response> commit(ecom::http::Request& request);
    boost::asio::awaitable<ecom::http::Response> release(ecom::http::Request& request);
    boost::asio::awaitable<ecom::http::Response> give_back(ecom::http::Request& request);
    boost::asio::awaitable<ecom::http::Response> get(ecom::http::Request& request);
    boost::asio::awaitable<ecom::http::Response> list(ecom::http::Request& request);
    void authorize(const ecom::http::Request& request) const;
    void stock_changed(const std::vector<std::int64_t>& product_ids);
    // stock_changed() for the products of the order's reservation.
    boost::asio::awaitable<void> forget_cached_stock(const std::string& order_id, const ecom::trace::SpanContext* ctx);

    ecom::pg::Database& db_;
    ProductCache& cache_;
    std::optional<ecom::http::AdminAuth> key_;
};

}  // namespace catalog
