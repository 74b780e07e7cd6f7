#pragma once

// The public order API:
//   POST /api/orders          Idempotency-Key (scoped to the customer) required; runs the checkout saga
//   GET  /api/orders/{id}     the order, to the holder of its access token (X-Order-Token) or an admin;
//                             404 to anyone else
//   GET  /api/orders?email=   admin only: a customer's orders, newest first
//   POST /api/orders/{id}/fulfil  admin only: CONFIRMED -> FULFILLED (409 with the current status otherwise)

#include "ecom/http/admin_auth.hpp"
#include "ecom/http/router.hpp"
#include "ecom/metrics.hpp"
#include "idempotent_checkout.hpp"
#include "inventory_client.hpp"
#include "order_store.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace orders {

class OrderRoutes {
public:
    // `inventory`: for the Retry-After of a 503 while its circuit is open.
    OrderRoutes(OrderStore& store, IdempotentCheckout& checkout, InventoryClient& inventory,
                const ecom::http::AdminAuth& admin, ecom::metrics::Registry& registry);

    void register_on(ecom::http::Router& router);

private:
    boost::asio::awaitable<ecom::http::Response> create(ecom::http::Request& request);
    boost::asio::awaitable<ecom::http::Response> get(ecom::http::Request& request);
    boost::asio::awaitable<ecom::http::Response> list(ecom::http::Request& request);
    boost::asio::awaitable<ecom::http::Response> fulfil(ecom::http::Request& request);
    boost::asio::awaitable<std::optional<std::string>> issue_access_token(const CheckoutResult& result,
                                                                          const ecom::http::RequestContext* ctx);
    boost::asio::awaitable<std::optional<OrderRecord>> authorized_order(ecom::http::Request& request);
    ecom::http::Response respond(const CheckoutResult& result, const std::optional<std::string>& access_token);
    ecom::http::Response unavailable(std::string_view message);
    void count(std::string_view outcome);

    OrderStore& store_;
    IdempotentCheckout& checkout_;
    InventoryClient& inventory_;
    const ecom::http::AdminAuth& admin_;
    ecom::metrics::Registry& registry_;
};

}  // namespace orders
