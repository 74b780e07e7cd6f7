#pragma once

// The checkout saga. An order moves through recorded steps:
//
//   PENDING, nothing reserved ──reserve──▶ held ──charge──▶ paid ──commit──▶ CONFIRMED
//        │                                  │                └─declined──▶ release ──▶ PAYMENT_DECLINED
//        ├─ short of stock ──▶ REJECTED (nothing held)
//        └─ unknown product ─▶ REJECTED
//
// Whoever holds the order's lease drives it: the request that created it,
// a retry of that request (same Idempotency-Key), or the reconciler after a
// crash. Without the card (the reconciler never has it) an order that was
// not charged cannot be, so it is compensated: its stock is released and it
// ends CANCELLED. Every step is idempotent at its destination (reservations
// and charges are keyed by the order id), so resuming never repeats an
// effect. The saga decides; what a final order answers over HTTP is
// checkout_answer()'s (checkout_answer.hpp), stored with the final status.

#include "checkout_answer.hpp"
#include "ecom/metrics.hpp"
#include "inventory.hpp"
#include "order_domain.hpp"
#include "order_store.hpp"
#include "payment.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>

namespace orders {

enum class SagaStep {
    reserve,       // take the stock
    charge,        // take the money (needs the card)
    find_payment,  // no card: ask the provider whether a charge happened
    commit,        // paid: keep the stock sold
    release,       // declined or abandoned: put the stock back
    refund,        // paid but the stock is gone (never expected)
    confirm,       // CONFIRMED
    decline,       // PAYMENT_DECLINED
    cancel,        // CANCELLED: nothing charged, nothing held
    done,          // not PENDING any more
};

struct SagaState {
    OrderStatus status = OrderStatus::pending;
    ReservationState reservation = ReservationState::none;
    std::optional<PaymentOutcome> payment;
    bool payment_looked_up = false;  // find_payment ran and found nothing
    bool refunded = false;
};

// The next step, from the recorded state alone. `have_card`: the caller can charge.
SagaStep next_step(const SagaState& state, bool have_card) noexcept;
std::string_view to_string(SagaStep step) noexcept;

struct SagaOutcome {
    enum class Kind {
        finished,    // `order` is final; `answer` is what its key answers
        transient,   // a dependency failed; the order stays PENDING for a retry or the reconciler
        lease_lost,  // someone else took the order over
    } kind = Kind::finished;
    OrderRecord order{};
    CheckoutAnswer answer{};  // finished
    std::string reason{};     // transient
    bool circuit_open = false;
};

class CheckoutSaga {
public:
    // With a registry, declined charges are counted in payment_declines_total
    // by reason, once per order (when the decline is recorded).
    CheckoutSaga(SagaStore& store, Inventory& inventory, PaymentGateway& payments,
                 ecom::metrics::Registry* registry = nullptr);

    // Drives an order whose lease `owner` holds as far as it goes.
    boost::asio::awaitable<SagaOutcome> run(OrderRecord order, const std::string& owner, const Card* card,
                                            const ecom::http::RequestContext* context);

private:
    struct Run;  // one drive of one order
    // Each step either moves the state on (nothing returned) or ends the run.
    boost::asio::awaitable<std::optional<SagaOutcome>> step(Run& run, SagaStep step);
    boost::asio::awaitable<std::optional<SagaOutcome>> reserve(Run& run);
    boost::asio::awaitable<void> charge(Run& run);
    boost::asio::awaitable<void> find_payment(Run& run);
    boost::asio::awaitable<void> commit(Run& run);
    boost::asio::awaitable<void> release(Run& run);
    boost::asio::awaitable<void> refund(Run& run);
    boost::asio::awaitable<SagaOutcome> confirm(Run& run);
    boost::asio::awaitable<SagaOutcome> decline(Run& run);
    boost::asio::awaitable<std::optional<SagaOutcome>> cancel(Run& run);
    static SagaOutcome done(const Run& run);

    // Records the final status with its answer, unless the lease was lost.
    boost::asio::awaitable<SagaOutcome> finish(Run& run, CheckoutEnd end);
    boost::asio::awaitable<PaymentOutcome> charge_with_retries(const Run& run);

    SagaStore& store_;
    Inventory& inventory_;
    PaymentGateway& payments_;
    ecom::metrics::Registry* registry_;
};

}  // namespace orders
