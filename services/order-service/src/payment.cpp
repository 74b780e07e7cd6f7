#include "payment.hpp"

#include "ecom/ids.hpp"
#include "ecom/tracing.hpp"
#include "order_sql.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace orders {
namespace {
namespace asio = boost::asio;
}

PaymentOutcome SimulatedPaymentGateway::decide(const Card& card) noexcept {
    if (card.number == "4000000000000002") {
        return PaymentOutcome::card_declined;
    }
    if (card.number == "4000000000009995") {
        return PaymentOutcome::insufficient_funds;
    }
    return PaymentOutcome::approved;
}

asio::awaitable<void> SimulatedPaymentGateway::delay() {
    if (settings_.latency.count() > 0) {
        asio::steady_timer timer(co_await asio::this_coro::executor, settings_.latency);
        co_await timer.async_wait(asio::use_awaitable);
    }
}

asio::awaitable<PaymentOutcome> SimulatedPaymentGateway::charge(const std::string& order_id, std::int64_t amount_cents,
                                                                const Card& card, const ecom::trace::SpanContext* ctx) {
    // The provider call as its own span; the card never appears in it.
    ecom::trace::Span span("payment.charge", ecom::trace::SpanKind::client, ctx);
    span.attribute("peer.service", std::string("payment-simulator"));
    co_await delay();
    const double roll = ecom::fast_random_unit();
    if (roll < settings_.failure_rate / 2) {
        span.fail("payment provider unavailable");
        throw PaymentUnavailable("payment provider unavailable (simulated, before charging)");
    }
    const std::string last4 = card.last4();
    const std::string decided(to_string(decide(card)));
    const auto r = co_await db_.run_traced(ctx, sql::record_charge, order_id, amount_cents, last4, decided);
    const auto outcome = payment_outcome_from_string(r.text(0, 0)).value_or(PaymentOutcome::card_declined);
    if (roll < settings_.failure_rate) {
        span.fail("payment provider unavailable");
        throw PaymentUnavailable("payment provider unavailable (simulated, after charging)");
    }
    span.attribute("payment.outcome", std::string(to_string(outcome)));
    co_return outcome;
}

asio::awaitable<std::optional<PaymentOutcome>> SimulatedPaymentGateway::find_charge(
    const std::string& order_id, const ecom::trace::SpanContext* ctx) {
    const auto r = co_await db_.run_traced(ctx, sql::find_charge, order_id);
    if (r.empty()) {
        co_return std::nullopt;
    }
    co_return payment_outcome_from_string(r.text(0, 0));
}

asio::awaitable<RefundOutcome> SimulatedPaymentGateway::refund(const std::string& order_id,
                                                               const ecom::trace::SpanContext* ctx) {
    ecom::trace::Span span("payment.refund", ecom::trace::SpanKind::client, ctx);
    span.attribute("peer.service", std::string("payment-simulator"));
    co_await delay();
    const auto r = co_await db_.run_traced(ctx, sql::refund_charge, order_id);
    const bool refused = !r.empty() && r.text(0, 0) == "refused";
    span.attribute("payment.refund", std::string(refused ? "refused" : "refunded"));
    co_return refused ? RefundOutcome::refused : RefundOutcome::refunded;
}

}  // namespace orders
