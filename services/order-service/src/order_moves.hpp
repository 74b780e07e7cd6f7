#pragma once

// The order's lifecycle after checkout, carried out (order_lifecycle.hpp
// says which moves exist): a person asks for a move (cancel, fulfil,
// refund, retry_refund), and a cancel or a return runs its compensation:
//   1. the guarded move into CANCELLING / REFUNDING, with its history row;
//   2. the sold stock back to the catalog (a cancel; a return with restock);
//   3. the refund through the payment gateway;
//   4. the guarded move to CANCELLED / REFUNDED, or to *_REFUND_FAILED when
//      the payment side refused the refund.
// Every step is idempotent at its destination (product-service returns an
// order's stock once, the gateway refunds a charge once, a guarded move
// happens once), so a repeat, a concurrent cancel or the reconciler after a
// crash can all run it again and nothing happens twice. When product-service
// or the payment gateway does not answer, the order stays CANCELLING /
// REFUNDING and the reconciler finishes it (finish()).

#include "ecom/metrics.hpp"
#include "inventory.hpp"
#include "order_lifecycle.hpp"
#include "order_store.hpp"
#include "payment.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

namespace orders {

struct MoveRequest {
    OrderAction action = OrderAction::cancel;
    Actor actor = Actor::customer;
    std::optional<std::string> reason{};
    std::optional<bool> restock{};  // refund only
};

struct MoveAnswer {
    enum class Kind {
        done,       // the order is where the move leads (CANCELLED, REFUNDED, FULFILLED)
        accepted,   // under way or waiting for staff (CANCELLING, REFUNDING, *_REFUND_FAILED)
        illegal,    // not from this status: `page` shows the status it is in
        not_found,  // no such order
    } kind = Kind::not_found;
    std::optional<OrderPage> page{};
};

// The moves `actor` may ask for an order in `status` now (the order page's "actions").
std::vector<OrderAction> available_actions(Actor actor, OrderStatus status);

class OrderMoves {
public:
    OrderMoves(OrderStore& store, Inventory& inventory, PaymentGateway& payments, ecom::metrics::Registry& registry);

    // A move asked by a customer or an admin. A cancel, refund or retry
    // asked again once it is under way or done answers the order's state
    // (and drives a compensation still under way); a fulfil is not repeated.
    boost::asio::awaitable<MoveAnswer> ask(const std::string& id, const MoveRequest& request,
                                           const ecom::http::RequestContext* ctx);

    // Runs the compensation of a CANCELLING / REFUNDING order (steps 2 to 4)
    // as far as the dependencies allow; the status it leaves the order in.
    boost::asio::awaitable<OrderStatus> finish(const OrderPage& page, const ecom::http::RequestContext* ctx);

private:
    boost::asio::awaitable<MoveAnswer> answer(const std::string& id, const ecom::http::RequestContext* ctx);
    boost::asio::awaitable<bool> give_stock_back(const OrderPage& page, const ecom::http::RequestContext* ctx);
    void count_move(OrderStatus from, OrderStatus to);
    // order_refunds_total{outcome}: refunded, refused or unavailable.
    ecom::metrics::Counter& refunds(const char* outcome);

    OrderStore& store_;
    Inventory& inventory_;
    PaymentGateway& payments_;
    ecom::metrics::Registry& registry_;
};

}  // namespace orders
