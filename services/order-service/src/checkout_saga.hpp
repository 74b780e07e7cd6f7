#pragma once

// The checkout saga. An order moves through recorded steps:
//
//   PENDING, nothing reserved ──reserve──▶ held ──charge──▶ paid ──commit──▶ CONFIRMED (201)
//        │                                  │                └─declined──▶ release ──▶ PAYMENT_DECLINED (402)
//        ├─ short of stock ──▶ REJECTED (409, nothing held)
//        └─ unknown product ─▶ REJECTED (422)
//
// Whoever holds the order's lease drives it: the request that created it,
// a retry of that request (same Idempotency-Key), or the reconciler after a
// crash. Without the card (the reconciler never has it) an order that was
// not charged cannot be, so it is compensated: its stock is released and it
// ends CANCELLED. Every step is idempotent at its destination (reservations
// and charges are keyed by the order id), so resuming never repeats an
// effect.

#include "checkout_request.hpp"
#include "ecom/http/error.hpp"
#include "ecom/metrics.hpp"
#include "inventory_client.hpp"
#include "order_domain.hpp"
#include "order_store.hpp"
#include "payment.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>

namespace orders {

enum class SagaStep {
    reserve,          // take the stock
    charge,           // take the money (needs the card)
    find_payment,     // no card: ask the provider whether a charge happened
    commit,           // paid: keep the stock sold
    release,          // declined or abandoned: put the stock back
    refund,           // paid but the stock is gone (never expected)
    confirm,          // CONFIRMED
    decline,          // PAYMENT_DECLINED
    cancel,           // CANCELLED: nothing charged, nothing held
    done,             // not PENDING any more
};

struct SagaState {
    OrderStatus status = OrderStatus::pending;
    ReservationState reservation = ReservationState::none;
    std::optional<PaymentOutcome> payment;
    bool payment_looked_up = false;    // find_payment ran and found nothing
    bool refunded = false;
};

// The next step, from the recorded state alone. `have_card`: the caller can charge.
SagaStep next_step(const SagaState& state, bool have_card) noexcept;
std::string_view to_string(SagaStep step) noexcept;

struct SagaOutcome {
    enum class Kind {
        finished,   // `order` is final; `response` is what its key answers
        transient,  // a dependency failed; the order stays PENDING for a retry or the reconciler
        lease_lost, // someone else took the order over
    } kind = Kind::finished;
    OrderRecord order;
    int response_status = 0;
    std::string response_body;
    std::string reason;  // for transient failures
    bool circuit_open = false;
};

class CheckoutSaga {
public:
    // With a registry, declined charges are counted in payment_declines_total
    // by reason, once per order (when the decline is recorded).
    CheckoutSaga(OrderStore& store, InventoryClient& inventory, PaymentGateway& payments,
                 ecom::metrics::Registry* registry = nullptr);

    // Drives an order whose lease `owner` holds as far as it goes.
    boost::asio::awaitable<SagaOutcome> run(OrderRecord order, const std::string& owner, const Card* card,
                                            const ecom::http::RequestContext* context);

private:
    boost::asio::awaitable<SagaOutcome> finish(OrderRecord& order, const std::string& owner, FinalOutcome outcome,
                                               const ecom::http::RequestContext* context);
    boost::asio::awaitable<PaymentOutcome> charge_with_retries(const OrderRecord& order, const Card& card,
                                                               const ecom::http::RequestContext* context);

    OrderStore& store_;
    InventoryClient& inventory_;
    PaymentGateway& payments_;
    ecom::metrics::Registry* registry_;
};

// The final response bodies, exposed for unit tests.
std::string declined_body(const OrderRecord& order, PaymentOutcome outcome);
std::string insufficient_stock_body(const OrderRecord& order, const std::vector<Shortage>& shortages);
std::string cancelled_body(const OrderRecord& order, bool refunded);
std::string unknown_product_body(const OrderRecord& order, const std::vector<ecom::http::ErrorDetail>& details);

}  // namespace orders
