#include "checkout_saga.hpp"

#include "ecom/http/error.hpp"
#include "ecom/log.hpp"
#include "ecom/pg/result.hpp"
#include "order_json.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>

namespace orders {
namespace {

namespace asio = boost::asio;

constexpr std::string_view kDeclinesName = "payment_declines_total";
constexpr std::string_view kDeclinesHelp = "Charges the payment provider declined, by reason";

// {"error":{...},"order":{...}}
std::string error_with_order(std::string_view code, std::string_view message, const OrderRecord& order,
                             const std::vector<std::pair<std::string, std::string>>& members = {},
                             const std::vector<ecom::http::ErrorDetail>& details = {}) {
    std::string out = R"({"error":)";
    const std::string envelope = ecom::http::error_body(code, message, details, members);
    // error_body is {"error":{...}}: keep its inner object.
    out += envelope.substr(9, envelope.size() - 10);
    out += R"(,"order":)";
    out += order_json(order);
    out += '}';
    return out;
}

}  // namespace

SagaStep next_step(const SagaState& s, bool have_card) noexcept {
    if (s.status != OrderStatus::pending) {
        return SagaStep::done;
    }
    if (s.reservation == ReservationState::none) {
        // Nothing is held yet. Without a card there is no point reserving.
        return have_card ? SagaStep::reserve : SagaStep::cancel;
    }
    if (s.reservation == ReservationState::held) {
        if (!s.payment) {
            if (have_card) {
                return SagaStep::charge;
            }
            return s.payment_looked_up ? SagaStep::release : SagaStep::find_payment;
        }
        return *s.payment == PaymentOutcome::approved ? SagaStep::commit : SagaStep::release;
    }
    if (s.reservation == ReservationState::committed) {
        return SagaStep::confirm;
    }
    // released
    if (!s.payment) {
        return SagaStep::cancel;
    }
    if (*s.payment == PaymentOutcome::approved) {
        return s.refunded ? SagaStep::cancel : SagaStep::refund;
    }
    return SagaStep::decline;
}

std::string_view to_string(SagaStep step) noexcept {
    switch (step) {
        case SagaStep::reserve: return "reserve";
        case SagaStep::charge: return "charge";
        case SagaStep::find_payment: return "find_payment";
        case SagaStep::commit: return "commit";
        case SagaStep::release: return "release";
        case SagaStep::refund: return "refund";
        case SagaStep::confirm: return "confirm";
        case SagaStep::decline: return "decline";
        case SagaStep::cancel: return "cancel";
        case SagaStep::done: return "done";
    }
    return "done";
}

std::string declined_body(const OrderRecord& order, PaymentOutcome outcome) {
    return error_with_order(to_string(outcome),
                            outcome == PaymentOutcome::insufficient_funds
                                ? "the card was declined for insufficient funds; nothing was charged"
                                : "the card was declined; nothing was charged",
                            order);
}

namespace {
// [{"product_id", "requested", "available"}, ...]: the order's failure
// detail and the 409 body's list.
std::string shortages_json(const std::vector<Shortage>& shortages) {
    std::string list;
    ecom::JsonWriter w(list);
    w.begin_array();
    for (const auto& s : shortages) {
        w.begin_object()
            .field("product_id", s.product_id)
            .field("requested", s.requested)
            .field("available", s.available)
            .end_object();
    }
    w.end_array();
    return list;
}
}  // namespace

std::string insufficient_stock_body(const OrderRecord& order, const std::vector<Shortage>& shortages) {
    return error_with_order("insufficient_stock", "some items are not in stock in the quantity asked for", order,
                            {{"shortages", shortages_json(shortages)}});
}

std::string cancelled_body(const OrderRecord& order, bool refunded) {
    return error_with_order("order_cancelled",
                            refunded ? "the order could not be completed and was cancelled; the payment was refunded. "
                                       "Start a new checkout (with a new Idempotency-Key)"
                                     : "the order could not be completed and was cancelled; nothing was charged. "
                                       "Start a new checkout (with a new Idempotency-Key)",
                            order);
}

std::string unknown_product_body(const OrderRecord& order, const std::vector<ecom::http::ErrorDetail>& details) {
    return error_with_order("unknown_product", "some products do not exist", order, {}, details);
}

asio::awaitable<SagaOutcome> CheckoutSaga::finish(OrderRecord& order, const std::string& owner, FinalOutcome outcome,
                                                  const ecom::http::RequestContext* context) {
    SagaOutcome result;
    if (!co_await store_.finish(order.id, owner, outcome, context)) {
        result.kind = SagaOutcome::Kind::lease_lost;
        co_return result;
    }
    ecom::log::info("order finished", {{"order_id", order.id},
                                      {"status", to_string(outcome.status)},
                                      {"response_status", outcome.response_status}});
    result.kind = SagaOutcome::Kind::finished;
    result.order = order;
    result.response_status = outcome.response_status;
    result.response_body = std::move(outcome.response_body);
    co_return result;
}

asio::awaitable<PaymentOutcome> CheckoutSaga::charge_with_retries(const OrderRecord& order, const Card& card,
                                                                   const ecom::http::RequestContext* context) {
    // Charges are idempotent per order: retrying after an unknown outcome
    // returns the first charge instead of making a second one.
    for (int attempt = 0;; ++attempt) {
        try {
            co_return co_await payments_.charge(order.id, *order.total_cents, card, context);
        } catch (const PaymentUnavailable&) {
            if (attempt >= 2) {
                throw;
            }
        }
        asio::steady_timer pause(co_await asio::this_coro::executor, std::chrono::milliseconds(20 * (attempt + 1)));
        co_await pause.async_wait(asio::use_awaitable);
    }
}

CheckoutSaga::CheckoutSaga(OrderStore& store, InventoryClient& inventory, PaymentGateway& payments,
                           ecom::metrics::Registry* registry)
    : store_(store), inventory_(inventory), payments_(payments), registry_(registry) {
    if (registry_ != nullptr) {
        for (const auto reason : {PaymentOutcome::card_declined, PaymentOutcome::insufficient_funds}) {
            (void)registry_->counter(kDeclinesName, kDeclinesHelp, {{"reason", std::string(to_string(reason))}});
        }
    }
}

asio::awaitable<SagaOutcome> CheckoutSaga::run(OrderRecord order, const std::string& owner, const Card* card,
                                               const ecom::http::RequestContext* context) {
    SagaState state;
    state.status = order.status;
    state.reservation = order.reservation_state;
    state.payment = order.payment_outcome;
    SagaOutcome transient;
    transient.kind = SagaOutcome::Kind::transient;
    SagaOutcome lost;
    lost.kind = SagaOutcome::Kind::lease_lost;

    try {
        for (int guard = 0; guard < 16; ++guard) {
            const SagaStep step = next_step(state, card != nullptr);
            switch (step) {
                case SagaStep::reserve: {
                    const auto& requested = order.requested_items;
                    const ReserveResult r = co_await inventory_.reserve(order.id, requested, context);
                    if (r.kind == ReserveResult::Kind::insufficient_stock) {
                        order.status = OrderStatus::rejected;
                        order.updated_ms = now_ms();
                        // Arguments of a co_await are named first: GCC 12 mishandles
                        // temporaries that must outlive a suspension.
                        FinalOutcome final{.status = OrderStatus::rejected,
                                           .reservation_state = ReservationState::none,
                                           .failure_code = "insufficient_stock",
                                           .failure_detail = shortages_json(r.shortages),
                                           .response_status = 409,
                                           .response_body = insufficient_stock_body(order, r.shortages),
                                           .updated_ms = order.updated_ms};
                        co_return co_await finish(order, owner, std::move(final), context);
                    }
                    if (r.kind == ReserveResult::Kind::unknown_products) {
                        order.status = OrderStatus::rejected;
                        order.updated_ms = now_ms();
                        std::vector<ecom::http::ErrorDetail> details;
                        for (const auto id : r.unknown_product_ids) {
                            for (std::size_t i = 0; i < requested.size(); ++i) {
                                if (requested[i].product_id == id) {
                                    details.push_back({"items[" + std::to_string(i) + "].product_id", "no such product"});
                                }
                            }
                        }
                        FinalOutcome final{.status = OrderStatus::rejected,
                                           .reservation_state = ReservationState::none,
                                           .failure_code = "unknown_product",
                                           .response_status = 422,
                                           .response_body = unknown_product_body(order, details),
                                           .updated_ms = order.updated_ms};
                        co_return co_await finish(order, owner, std::move(final), context);
                    }
                    if (r.kind == ReserveResult::Kind::released) {
                        state.reservation = ReservationState::released;
                        break;
                    }
                    std::int64_t total = 0;
                    for (const auto& line : r.lines) {
                        total += line.quantity * line.unit_price_cents;
                    }
                    order.items = r.lines;
                    order.total_cents = total;
                    order.updated_ms = now_ms();
                    if (!co_await store_.record_reservation(order.id, owner, *order.items, total, order.updated_ms, context)) {
                        co_return lost;
                    }
                    state.reservation =
                        r.state == ReservationState::committed ? ReservationState::committed : ReservationState::held;
                    order.reservation_state = ReservationState::held;
                    break;
                }
                case SagaStep::charge: {
                    // Not recorded here: the provider's ledger is the record, and the
                    // final update stores the outcome. A crash before it is resumed
                    // by charging again (idempotent) or by find_payment.
                    state.payment = co_await charge_with_retries(order, *card, context);
                    order.payment_outcome = state.payment;
                    break;
                }
                case SagaStep::find_payment: {
                    const auto found = co_await payments_.find_charge(order.id, context);
                    if (found) {
                        state.payment = found;
                        order.payment_outcome = found;
                    } else {
                        state.payment_looked_up = true;
                    }
                    break;
                }
                case SagaStep::commit: {
                    // Committing and releasing are idempotent at product-service, so
                    // their result is recorded only with the final status.
                    const ReservationState after = co_await inventory_.commit(order.id, context);
                    if (after != ReservationState::committed) {
                        ecom::log::error("a paid order's reservation could not be committed; refunding",
                                         {{"order_id", order.id}});
                    }
                    state.reservation =
                        after == ReservationState::committed ? ReservationState::committed : ReservationState::released;
                    order.reservation_state = state.reservation;
                    break;
                }
                case SagaStep::release: {
                    const ReservationState after = co_await inventory_.release(order.id, context);
                    state.reservation =
                        after == ReservationState::committed ? ReservationState::committed : ReservationState::released;
                    order.reservation_state = state.reservation;
                    break;
                }
                case SagaStep::refund: {
                    co_await payments_.refund(order.id, context);
                    state.refunded = true;
                    break;
                }
                case SagaStep::confirm: {
                    order.status = OrderStatus::confirmed;
                    order.reservation_state = ReservationState::committed;
                    order.updated_ms = now_ms();
                    FinalOutcome final{.status = OrderStatus::confirmed,
                                       .reservation_state = ReservationState::committed,
                                       .payment_outcome = order.payment_outcome,
                                       .response_status = 201,
                                       .response_body = order_json(order),
                                       .updated_ms = order.updated_ms};
                    co_return co_await finish(order, owner, std::move(final), context);
                }
                case SagaStep::decline: {
                    order.status = OrderStatus::payment_declined;
                    order.reservation_state = ReservationState::released;
                    order.updated_ms = now_ms();
                    const std::string reason(to_string(*state.payment));
                    FinalOutcome final{.status = OrderStatus::payment_declined,
                                       .reservation_state = ReservationState::released,
                                       .payment_outcome = order.payment_outcome,
                                       .failure_code = reason,
                                       .response_status = 402,
                                       .response_body = declined_body(order, *state.payment),
                                       .updated_ms = order.updated_ms};
                    auto result = co_await finish(order, owner, std::move(final), context);
                    if (registry_ != nullptr && result.kind == SagaOutcome::Kind::finished) {
                        registry_->counter(kDeclinesName, kDeclinesHelp, {{"reason", reason}}).inc();
                    }
                    co_return result;
                }
                case SagaStep::cancel: {
                    if (state.reservation == ReservationState::none) {
                        // Leave a tombstone so a reserve still in flight holds nothing.
                        const auto after = co_await inventory_.release(order.id, context);
                        if (after == ReservationState::committed) {
                            state.reservation = ReservationState::committed;
                            break;
                        }
                    }
                    order.status = OrderStatus::cancelled;
                    order.reservation_state = ReservationState::released;
                    order.updated_ms = now_ms();
                    FinalOutcome final{.status = OrderStatus::cancelled,
                                       .reservation_state = ReservationState::released,
                                       .payment_outcome = order.payment_outcome,
                                       .failure_code = "order_cancelled",
                                       .response_status = 409,
                                       .response_body = cancelled_body(order, state.refunded),
                                       .updated_ms = order.updated_ms};
                    co_return co_await finish(order, owner, std::move(final), context);
                }
                case SagaStep::done: {
                    SagaOutcome result;
                    result.kind = SagaOutcome::Kind::finished;
                    result.order = order;
                    result.response_status = order.response_status.value_or(200);
                    result.response_body = order.response_body.value_or(order_json(order));
                    co_return result;
                }
            }
        }
        transient.reason = "the saga did not converge";
        ecom::log::error("checkout saga did not converge", {{"order_id", order.id}});
    } catch (const InventoryUnavailable& e) {
        transient.reason = e.what();
        transient.circuit_open = e.circuit_open();
    } catch (const PaymentUnavailable& e) {
        transient.reason = e.what();
    } catch (const ecom::pg::Error& e) {
        if (!e.transient()) {
            throw;
        }
        transient.reason = e.what();
    }
    // Give the lease back so a retry can resume at once.
    try {
        co_await store_.release_lease(order.id, owner, context);
    } catch (const ecom::pg::Error&) {
    }
    transient.order = order;
    co_return transient;
}

}  // namespace orders
