#include "checkout_saga.hpp"

#include "ecom/json_writer.hpp"
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

// [{"product_id", "requested", "available"}, ...]: a rejected order's failure detail.
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

// orders.failure_code and failure_detail for a final order.
std::pair<std::optional<std::string>, std::optional<std::string>> failure_of(const CheckoutEnd& end) {
    switch (end.order.status) {
        case OrderStatus::payment_declined:
            return {std::string(to_string(end.order.payment_outcome.value_or(PaymentOutcome::card_declined))),
                    std::nullopt};
        case OrderStatus::rejected:
            if (end.shortages) {
                return {"insufficient_stock", shortages_json(*end.shortages)};
            }
            return {"unknown_product", std::nullopt};
        case OrderStatus::cancelled: return {"order_cancelled", std::nullopt};
        case OrderStatus::pending:
        case OrderStatus::confirmed:
        // After checkout: the lifecycle's moves, never a saga's end.
        case OrderStatus::cancelling:
        case OrderStatus::fulfilled:
        case OrderStatus::refunding:
        case OrderStatus::refunded:
        case OrderStatus::cancel_refund_failed:
        case OrderStatus::return_refund_failed: break;
    }
    return {std::nullopt, std::nullopt};
}

// Commit and release answer with the reservation's state afterwards.
ReservationState committed_or_released(ReservationState after) noexcept {
    return after == ReservationState::committed ? ReservationState::committed : ReservationState::released;
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

struct CheckoutSaga::Run {
    OrderRecord order;
    const std::string& owner;
    const Card* card;  // null: the reconciler, which cannot charge
    const ecom::http::RequestContext* context;
    SagaState state;
};

CheckoutSaga::CheckoutSaga(SagaStore& store, Inventory& inventory, PaymentGateway& payments,
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
    const SagaState state{
        .status = order.status, .reservation = order.reservation_state, .payment = order.payment_outcome};
    Run run{std::move(order), owner, card, context, state};
    SagaOutcome transient{.kind = SagaOutcome::Kind::transient};
    try {
        for (int guard = 0; guard < 16; ++guard) {
            const SagaStep next = next_step(run.state, card != nullptr);
            if (auto outcome = co_await step(run, next)) {
                co_return std::move(*outcome);
            }
        }
        transient.reason = "the saga did not converge";
        ecom::log::error("checkout saga did not converge", {{"order_id", run.order.id}});
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
        co_await store_.release_lease(run.order.id, owner, ecom::http::trace_of(context));
    } catch (const ecom::pg::Error&) {
    }
    transient.order = std::move(run.order);
    co_return transient;
}

asio::awaitable<std::optional<SagaOutcome>> CheckoutSaga::step(Run& run, SagaStep step) {
    switch (step) {
        case SagaStep::reserve: co_return co_await reserve(run);
        case SagaStep::charge: co_await charge(run); break;
        case SagaStep::find_payment: co_await find_payment(run); break;
        case SagaStep::commit: co_await commit(run); break;
        case SagaStep::release: co_await release(run); break;
        case SagaStep::refund: co_await refund(run); break;
        case SagaStep::confirm: co_return co_await confirm(run);
        case SagaStep::decline: co_return co_await decline(run);
        case SagaStep::cancel: co_return co_await cancel(run);
        case SagaStep::done: co_return done(run);
    }
    co_return std::nullopt;
}

asio::awaitable<std::optional<SagaOutcome>> CheckoutSaga::reserve(Run& run) {
    OrderRecord& order = run.order;
    const ReserveResult r = co_await inventory_.reserve(order.id, order.requested_items, run.context);
    switch (r.kind) {
        case ReserveResult::Kind::insufficient_stock: {
            order.status = OrderStatus::rejected;
            // Arguments of a co_await are named first: GCC 12 mishandles
            // temporaries that must outlive a suspension.
            CheckoutEnd end{.order = order, .shortages = r.shortages};
            co_return co_await finish(run, std::move(end));
        }
        case ReserveResult::Kind::unknown_products: {
            order.status = OrderStatus::rejected;
            CheckoutEnd end{.order = order, .unknown_product_ids = r.unknown_product_ids};
            co_return co_await finish(run, std::move(end));
        }
        case ReserveResult::Kind::released:
            // A tombstone: the order was given up while this request was away.
            run.state.reservation = ReservationState::released;
            co_return std::nullopt;
        case ReserveResult::Kind::held: break;
    }
    std::int64_t total = 0;
    for (const auto& line : r.lines) {
        total += line.quantity * line.unit_price_cents;
    }
    order.items = r.lines;
    order.total_cents = total;
    order.updated_ms = now_ms();
    if (!co_await store_.record_reservation(order.id, run.owner, *order.items, total, order.updated_ms,
                                            ecom::http::trace_of(run.context))) {
        co_return SagaOutcome{.kind = SagaOutcome::Kind::lease_lost};
    }
    run.state.reservation =
        r.state == ReservationState::committed ? ReservationState::committed : ReservationState::held;
    order.reservation_state = ReservationState::held;
    co_return std::nullopt;
}

asio::awaitable<void> CheckoutSaga::charge(Run& run) {
    // Not recorded here: the provider's ledger is the record, and the
    // final update stores the outcome. A crash before it is resumed
    // by charging again (idempotent) or by find_payment.
    run.state.payment = co_await charge_with_retries(run);
    run.order.payment_outcome = run.state.payment;
}

asio::awaitable<void> CheckoutSaga::find_payment(Run& run) {
    const auto found = co_await payments_.find_charge(run.order.id, ecom::http::trace_of(run.context));
    if (found) {
        run.state.payment = found;
        run.order.payment_outcome = found;
    } else {
        run.state.payment_looked_up = true;
    }
}

asio::awaitable<void> CheckoutSaga::commit(Run& run) {
    // Committing and releasing are idempotent at product-service, so
    // their result is recorded only with the final status.
    const ReservationState after = co_await inventory_.commit(run.order.id, run.context);
    if (after != ReservationState::committed) {
        ecom::log::error("a paid order's reservation could not be committed; refunding", {{"order_id", run.order.id}});
    }
    run.state.reservation = committed_or_released(after);
    run.order.reservation_state = run.state.reservation;
}

asio::awaitable<void> CheckoutSaga::release(Run& run) {
    const ReservationState after = co_await inventory_.release(run.order.id, run.context);
    run.state.reservation = committed_or_released(after);
    run.order.reservation_state = run.state.reservation;
}

asio::awaitable<void> CheckoutSaga::refund(Run& run) {
    const RefundOutcome outcome = co_await payments_.refund(run.order.id, ecom::http::trace_of(run.context));
    if (outcome == RefundOutcome::refused) {
        // The order stays PENDING and is resumed (by a retry or the
        // reconciler), which asks for the refund again.
        throw PaymentUnavailable("the payment provider refused the refund; it is asked again on resume");
    }
    run.state.refunded = true;
}

asio::awaitable<SagaOutcome> CheckoutSaga::confirm(Run& run) {
    run.order.status = OrderStatus::confirmed;
    run.order.reservation_state = ReservationState::committed;
    CheckoutEnd end{.order = run.order};
    co_return co_await finish(run, std::move(end));
}

asio::awaitable<SagaOutcome> CheckoutSaga::decline(Run& run) {
    run.order.status = OrderStatus::payment_declined;
    run.order.reservation_state = ReservationState::released;
    const std::string reason(to_string(*run.state.payment));
    CheckoutEnd end{.order = run.order};
    auto result = co_await finish(run, std::move(end));
    if (registry_ != nullptr && result.kind == SagaOutcome::Kind::finished) {
        registry_->counter(kDeclinesName, kDeclinesHelp, {{"reason", reason}}).inc();
    }
    co_return result;
}

asio::awaitable<std::optional<SagaOutcome>> CheckoutSaga::cancel(Run& run) {
    if (run.state.reservation == ReservationState::none) {
        // Leave a tombstone so a reserve still in flight holds nothing.
        const auto after = co_await inventory_.release(run.order.id, run.context);
        if (after == ReservationState::committed) {
            run.state.reservation = ReservationState::committed;
            co_return std::nullopt;
        }
    }
    run.order.status = OrderStatus::cancelled;
    run.order.reservation_state = ReservationState::released;
    CheckoutEnd end{.order = run.order, .refunded = run.state.refunded};
    co_return co_await finish(run, std::move(end));
}

SagaOutcome CheckoutSaga::done(const Run& run) {
    const OrderRecord& order = run.order;
    return {.kind = SagaOutcome::Kind::finished,
            .order = order,
            .answer = {.status = order.response_status.value_or(200),
                       .body = order.response_body.value_or(order_json(order))}};
}

asio::awaitable<SagaOutcome> CheckoutSaga::finish(Run& run, CheckoutEnd end) {
    // The body shows the time recorded with it.
    end.order.updated_ms = now_ms();
    run.order.updated_ms = end.order.updated_ms;
    CheckoutAnswer answer = checkout_answer(end);
    auto [failure_code, failure_detail] = failure_of(end);
    const OrderRecord& order = end.order;
    const FinalOutcome final{.status = order.status,
                             .reservation_state = order.reservation_state,
                             .payment_outcome = order.payment_outcome,
                             .failure_code = std::move(failure_code),
                             .failure_detail = std::move(failure_detail),
                             .response_status = answer.status,
                             .response_body = answer.body,
                             .updated_ms = order.updated_ms};
    if (!co_await store_.finish(order.id, run.owner, final, ecom::http::trace_of(run.context))) {
        co_return SagaOutcome{.kind = SagaOutcome::Kind::lease_lost};
    }
    ecom::log::info("order finished",
                    {{"order_id", order.id}, {"status", to_string(order.status)}, {"response_status", answer.status}});
    co_return SagaOutcome{
        .kind = SagaOutcome::Kind::finished, .order = std::move(end.order), .answer = std::move(answer)};
}

asio::awaitable<PaymentOutcome> CheckoutSaga::charge_with_retries(const Run& run) {
    // Charges are idempotent per order: retrying after an unknown outcome
    // returns the first charge instead of making a second one.
    for (int attempt = 0;; ++attempt) {
        try {
            co_return co_await payments_.charge(run.order.id, *run.order.total_cents, *run.card,
                                                ecom::http::trace_of(run.context));
        } catch (const PaymentUnavailable&) {
            if (attempt >= 2) {
                throw;
            }
        }
        asio::steady_timer pause(co_await asio::this_coro::executor, std::chrono::milliseconds(20 * (attempt + 1)));
        co_await pause.async_wait(asio::use_awaitable);
    }
}

}  // namespace orders
