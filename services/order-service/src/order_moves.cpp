#include "order_moves.hpp"

#include "ecom/log.hpp"

namespace orders {
namespace {

namespace asio = boost::asio;

// The statuses a repeat of `action` finds once an earlier one went through:
// the repeat answers the order's state instead of a 409.
bool reached_by(OrderAction action, OrderStatus status) noexcept {
    switch (action) {
        case OrderAction::cancel:
            return status == OrderStatus::cancelling || status == OrderStatus::cancelled ||
                status == OrderStatus::cancel_refund_failed;
        case OrderAction::refund:
            return status == OrderStatus::refunding || status == OrderStatus::refunded ||
                status == OrderStatus::return_refund_failed;
        case OrderAction::retry_refund:
            return status == OrderStatus::cancelling || status == OrderStatus::cancelled ||
                status == OrderStatus::refunding || status == OrderStatus::refunded;
        case OrderAction::fulfil:
        case OrderAction::settle:
        case OrderAction::refund_refused: return false;
    }
    return false;
}

MoveAnswer::Kind answer_kind(OrderStatus status) noexcept {
    switch (status) {
        case OrderStatus::cancelled:
        case OrderStatus::refunded:
        case OrderStatus::fulfilled: return MoveAnswer::Kind::done;
        case OrderStatus::cancelling:
        case OrderStatus::refunding:
        case OrderStatus::cancel_refund_failed:
        case OrderStatus::return_refund_failed: return MoveAnswer::Kind::accepted;
        default: return MoveAnswer::Kind::illegal;
    }
}

constexpr OrderAction kAskable[] = {OrderAction::cancel, OrderAction::fulfil, OrderAction::refund,
                                    OrderAction::retry_refund};

}  // namespace

std::vector<OrderAction> available_actions(Actor actor, OrderStatus status) {
    std::vector<OrderAction> out;
    for (const auto action : kAskable) {
        if (may_perform(actor, action) && next_status(status, action)) {
            out.push_back(action);
        }
    }
    return out;
}

OrderMoves::OrderMoves(OrderStore& store, Inventory& inventory, PaymentGateway& payments,
                       ecom::metrics::Registry& registry)
    : store_(store), inventory_(inventory), payments_(payments), registry_(registry) {
    for (const auto* outcome : {"refunded", "refused", "unavailable"}) {
        (void)refunds(outcome);
    }
}

ecom::metrics::Counter& OrderMoves::refunds(const char* outcome) {
    return registry_.counter("order_refunds_total", "Refunds of cancelled and returned orders by outcome",
                             {{"outcome", outcome}});
}

void OrderMoves::count_move(OrderStatus from, OrderStatus to) {
    registry_
        .counter("order_transitions_total", "Order lifecycle moves by status before and after",
                 {{"from", std::string(metric_label(from))}, {"to", std::string(metric_label(to))}})
        .inc();
}

asio::awaitable<MoveAnswer> OrderMoves::answer(const std::string& id, const ecom::http::RequestContext* ctx) {
    auto page = co_await store_.page(id, ecom::http::trace_of(ctx));
    if (!page) {
        co_return MoveAnswer{};
    }
    const auto kind = answer_kind(page->order.status);
    co_return MoveAnswer{.kind = kind, .page = std::move(page)};
}

asio::awaitable<MoveAnswer> OrderMoves::ask(const std::string& id, const MoveRequest& request,
                                            const ecom::http::RequestContext* ctx) {
    auto page = co_await store_.page(id, ecom::http::trace_of(ctx));
    if (!page) {
        co_return MoveAnswer{};
    }
    OrderStatus from = page->order.status;
    if (!reached_by(request.action, from)) {
        const auto to = next_status(from, request.action);
        if (!to || !may_perform(request.actor, request.action)) {
            co_return MoveAnswer{.kind = MoveAnswer::Kind::illegal, .page = std::move(page)};
        }
        const std::optional<bool> restock =
            request.action == OrderAction::refund ? std::optional(request.restock.value_or(false)) : std::nullopt;
        const MoveResult moved =
            co_await store_.move(id, from, *to, request.actor, request.reason, ecom::http::trace_of(ctx), restock);
        if (!moved.moved) {
            // Another move won the race: judged again from the status it left.
            if (!moved.current || !reached_by(request.action, *moved.current)) {
                auto now = co_await store_.page(id, ecom::http::trace_of(ctx));
                co_return MoveAnswer{.kind = now ? MoveAnswer::Kind::illegal : MoveAnswer::Kind::not_found,
                                     .page = std::move(now)};
            }
        } else {
            count_move(from, *to);
            ecom::log::info("order moved",
                            {{"order_id", id},
                             {"from", to_string(from)},
                             {"to", to_string(*to)},
                             {"actor", to_string(request.actor)}});
        }
        page = co_await store_.page(id, ecom::http::trace_of(ctx));
        if (!page) {
            co_return MoveAnswer{};
        }
        from = page->order.status;
    }
    if (compensation_pending(from)) {
        co_await finish(*page, ctx);
    }
    co_return co_await answer(id, ctx);
}

asio::awaitable<bool> OrderMoves::give_stock_back(const OrderPage& page, const ecom::http::RequestContext* ctx) {
    if (page.order.reservation_state != ReservationState::committed) {
        co_return page.order.reservation_state == ReservationState::returned;
    }
    const ReservationState after = co_await inventory_.give_back(page.order.id, ctx);
    if (after != ReservationState::returned) {
        ecom::log::error("a sold order had no sold stock to give back",
                         {{"order_id", page.order.id}, {"reservation_state", to_string(after)}});
        co_return false;
    }
    co_await store_.mark_returned(page.order.id, ecom::http::trace_of(ctx));
    co_return true;
}

asio::awaitable<OrderStatus> OrderMoves::finish(const OrderPage& page, const ecom::http::RequestContext* ctx) {
    const OrderStatus from = page.order.status;
    if (!compensation_pending(from)) {
        co_return from;
    }
    const std::string& id = page.order.id;
    RefundOutcome refund = RefundOutcome::refunded;
    try {
        if (from == OrderStatus::cancelling || page.restock_on_return) {
            co_await give_stock_back(page, ctx);
        }
        refund = co_await payments_.refund(id, ecom::http::trace_of(ctx));
    } catch (const InventoryUnavailable& e) {
        ecom::log::warn("order compensation paused: the inventory did not answer",
                        {{"order_id", id}, {"status", to_string(from)}, {"error", e.what()}});
        co_return from;
    } catch (const PaymentUnavailable& e) {
        refunds("unavailable").inc();
        ecom::log::warn("order compensation paused: the payment provider did not answer",
                        {{"order_id", id}, {"status", to_string(from)}, {"error", e.what()}});
        co_return from;
    }
    const bool refused = refund == RefundOutcome::refused;
    refunds(refused ? "refused" : "refunded").inc();
    const OrderStatus to =
        next_status(from, refused ? OrderAction::refund_refused : OrderAction::settle).value_or(from);
    // A named local, not a "?:" temporary in the co_await expression: GCC 12
    // destroys such temporaries wrongly (see pg::Connection::establish).
    std::optional<std::string> reason;
    if (refused) {
        reason = "refund_refused";
    }
    const MoveResult moved = co_await store_.move(id, from, to, Actor::system, reason, ecom::http::trace_of(ctx));
    if (moved.moved) {
        count_move(from, to);
        if (refused) {
            ecom::log::error("a refund was refused: the order waits for an operator's retry",
                             {{"order_id", id}, {"status", to_string(to)}});
        } else {
            ecom::log::info("order moved",
                            {{"order_id", id}, {"from", to_string(from)}, {"to", to_string(to)}, {"actor", "system"}});
        }
    }
    co_return moved.current.value_or(to);
}

}  // namespace orders
