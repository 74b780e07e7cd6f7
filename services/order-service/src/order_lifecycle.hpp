#pragma once

// An order's lifecycle after checkout: which moves exist, who may ask for
// each, and where each leads from each status. Pure functions over the
// enums of order_domain.hpp; the store applies a move as one guarded UPDATE
// (the current status in its WHERE) with its order_history row, so a move
// that lost a race changes nothing and is refused with the current status.
//
//   CONFIRMED --cancel--> CANCELLING --settle--> CANCELLED
//                          |  ^
//            refund_refused|  |retry_refund
//                          v  |
//                     CANCEL_REFUND_FAILED
//   CONFIRMED --fulfil--> FULFILLED --refund--> REFUNDING --settle--> REFUNDED
//                                                |  ^
//                                  refund_refused|  |retry_refund
//                                                v  |
//                                          RETURN_REFUND_FAILED
//
// CANCELLING and REFUNDING are recorded before the stock goes back and the
// charge is refunded, so whoever resumes them (a retry, or the reconciler
// after a crash) finishes the same compensation, each step idempotent at
// its destination.

#include "order_domain.hpp"

#include <optional>
#include <string_view>

namespace orders {

// A move asked of an order.
enum class OrderAction {
    cancel,          // the customer or an admin cancels a confirmed order
    fulfil,          // an admin ships it
    refund,          // an admin takes a fulfilled order back and refunds it
    settle,          // the compensation (stock back, refund) finished
    refund_refused,  // the payment side refused the refund
    retry_refund,    // an admin retries a refund the payment side refused
};

// Who asked: order_history.actor.
enum class Actor { customer, admin, system };

// The status `action` leads to from `from`, or nothing when the move is
// illegal there (the caller answers 409 with `from`).
std::optional<OrderStatus> next_status(OrderStatus from, OrderAction action) noexcept;

// Whether `actor` may ask for `action` at all: a customer may only cancel;
// settle and refund_refused are the service's own.
bool may_perform(Actor actor, OrderAction action) noexcept;

// A move under way: the service (a request, or the reconciler) owes the
// order its compensation.
bool compensation_pending(OrderStatus status) noexcept;

// "cancel", "retry_refund"; "customer", "system" (SQL, JSON, metric labels).
std::string_view to_string(OrderAction action) noexcept;
std::string_view to_string(Actor actor) noexcept;
std::optional<OrderAction> order_action_from_string(std::string_view text) noexcept;
std::optional<Actor> actor_from_string(std::string_view text) noexcept;

}  // namespace orders
