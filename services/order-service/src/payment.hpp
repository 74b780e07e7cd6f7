#pragma once

// Payment behind an interface, so the checkout saga does not care whether
// a real provider or the simulator answers. Charges are idempotent per
// order: charging an order twice returns the first outcome and never
// charges again. Only the last four digits of a card are ever stored.

#include "checkout_request.hpp"
#include "ecom/pg/database.hpp"
#include "order_domain.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>

namespace orders {

// The provider could not be reached or failed: the charge may or may not
// have happened (ask find_charge()).
class PaymentUnavailable : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// What the provider did with a refund. `refused`: it said no (the charge
// stays; the order waits for an operator's retry).
enum class RefundOutcome { refunded, refused };

class PaymentGateway {
public:
    virtual ~PaymentGateway() = default;
    virtual boost::asio::awaitable<PaymentOutcome> charge(const std::string& order_id, std::int64_t amount_cents,
                                                          const Card& card, const ecom::trace::SpanContext* ctx) = 0;
    // The outcome of an earlier charge for the order, if there was one.
    virtual boost::asio::awaitable<std::optional<PaymentOutcome>> find_charge(const std::string& order_id,
                                                                              const ecom::trace::SpanContext* ctx) = 0;
    // Idempotent per order: a charge is refunded at most once, and refunding
    // an order with nothing left to refund answers refunded.
    virtual boost::asio::awaitable<RefundOutcome> refund(const std::string& order_id,
                                                         const ecom::trace::SpanContext* ctx) = 0;
};

struct SimulatorSettings {
    std::chrono::milliseconds latency{0};  // PAYMENT_LATENCY_MS
    double failure_rate = 0.0;             // PAYMENT_FAILURE_RATE: share of calls that fail
};

// Test cards decide the outcome: 4000000000000002 is declined,
// 4000000000009995 is declined for insufficient funds, any other valid
// card (4242424242424242) is approved. The first refund of a charge made
// with 4000000000005126 is refused (the next one goes through). Failures are injected at the
// configured rate, half before the charge is recorded and half after (the
// charge happened but the answer was lost), to exercise retries.
class SimulatedPaymentGateway final : public PaymentGateway {
public:
    SimulatedPaymentGateway(ecom::pg::Database& db, SimulatorSettings settings) : db_(db), settings_(settings) {}

    boost::asio::awaitable<PaymentOutcome> charge(const std::string& order_id, std::int64_t amount_cents,
                                                  const Card& card, const ecom::trace::SpanContext* ctx) override;
    boost::asio::awaitable<std::optional<PaymentOutcome>> find_charge(const std::string& order_id,
                                                                      const ecom::trace::SpanContext* ctx) override;
    boost::asio::awaitable<RefundOutcome> refund(const std::string& order_id,
                                                 const ecom::trace::SpanContext* ctx) override;

    static PaymentOutcome decide(const Card& card) noexcept;

private:
    boost::asio::awaitable<void> delay();

    ecom::pg::Database& db_;
    SimulatorSettings settings_;
};

}  // namespace orders
