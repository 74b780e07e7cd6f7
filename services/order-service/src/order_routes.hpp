#pragma once

// The public order API:
//   POST /api/orders          Idempotency-Key (scoped to the customer) required; runs the checkout saga
//   GET  /api/orders/{id}     the order, to the holder of its access token (X-Order-Token) or an admin;
//                             404 to anyone else
//   GET  /api/orders          admin only: the order desk (status, email, created_from/to, keyset cursor)
//   POST /api/orders/{id}/cancel        the token holder or an admin: CONFIRMED -> CANCELLING -> CANCELLED
//   POST /api/orders/{id}/fulfil        admin only: CONFIRMED -> FULFILLED
//   POST /api/orders/{id}/refund        admin only: FULFILLED -> REFUNDING -> REFUNDED (optional restock)
//   POST /api/orders/{id}/retry-refund  admin only: *_REFUND_FAILED -> CANCELLING / REFUNDING -> ...
// A move answers 200 when done, 202 while under way or waiting for staff,
// 409 illegal_transition (with current_status) from any other status.

#include "ecom/http/admin_auth.hpp"
#include "ecom/http/router.hpp"
#include "ecom/metrics.hpp"
#include "idempotent_checkout.hpp"
#include "inventory_client.hpp"
#include "order_moves.hpp"
#include "order_store.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace orders {

class OrderRoutes {
public:
    // `inventory`: for the Retry-After of a 503 while its circuit is open.
    OrderRoutes(OrderStore& store, IdempotentCheckout& checkout, OrderMoves& moves, InventoryClient& inventory,
                const ecom::http::AdminAuth& admin, ecom::metrics::Registry& registry);

    void register_on(ecom::http::Router& router);

private:
    boost::asio::awaitable<ecom::http::Response> create(ecom::http::Request& request);
    boost::asio::awaitable<ecom::http::Response> get(ecom::http::Request& request);
    boost::asio::awaitable<ecom::http::Response> list(ecom::http::Request& request);
    boost::asio::awaitable<ecom::http::Response> cancel(ecom::http::Request& request);
    // fulfil, refund, retry_refund
    boost::asio::awaitable<ecom::http::Response> admin_move(ecom::http::Request& request, OrderAction action);
    boost::asio::awaitable<ecom::http::Response> carry_out(const std::string& id, const MoveRequest& move,
                                                           ecom::http::Request& request);
    boost::asio::awaitable<std::optional<std::string>> issue_access_token(const CheckoutResult& result,
                                                                          const ecom::http::RequestContext* ctx);
    // The order page, for an admin or the holder of the order's token.
    struct Authorized {
        OrderPage page;
        Actor actor = Actor::customer;
    };
    boost::asio::awaitable<std::optional<Authorized>> authorized_order(ecom::http::Request& request);
    ecom::http::Response respond(const CheckoutResult& result, const std::optional<std::string>& access_token);
    ecom::http::Response unavailable(std::string_view message);
    void count(std::string_view outcome);

    OrderStore& store_;
    IdempotentCheckout& checkout_;
    OrderMoves& moves_;
    InventoryClient& inventory_;
    const ecom::http::AdminAuth& admin_;
    ecom::metrics::Registry& registry_;
};

}  // namespace orders
