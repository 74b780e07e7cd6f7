#include "order_lifecycle.hpp"

#include "enum_names.hpp"

#include <array>
#include <utility>

namespace orders {
namespace {

using enum_names::find_in;
using enum_names::in_order;

// Every legal move; any (status, action) pair not listed is illegal.
struct Move {
    OrderStatus from;
    OrderAction action;
    OrderStatus to;
};
constexpr std::array kMoves{
    Move{OrderStatus::confirmed, OrderAction::cancel, OrderStatus::cancelling},
    Move{OrderStatus::confirmed, OrderAction::fulfil, OrderStatus::fulfilled},
    Move{OrderStatus::cancelling, OrderAction::settle, OrderStatus::cancelled},
    Move{OrderStatus::cancelling, OrderAction::refund_refused, OrderStatus::cancel_refund_failed},
    Move{OrderStatus::cancel_refund_failed, OrderAction::retry_refund, OrderStatus::cancelling},
    Move{OrderStatus::fulfilled, OrderAction::refund, OrderStatus::refunding},
    Move{OrderStatus::refunding, OrderAction::settle, OrderStatus::refunded},
    Move{OrderStatus::refunding, OrderAction::refund_refused, OrderStatus::return_refund_failed},
    Move{OrderStatus::return_refund_failed, OrderAction::retry_refund, OrderStatus::refunding},
};

constexpr std::array kActionNames{
    std::pair{OrderAction::cancel, std::string_view("cancel")},
    std::pair{OrderAction::fulfil, std::string_view("fulfil")},
    std::pair{OrderAction::refund, std::string_view("refund")},
    std::pair{OrderAction::settle, std::string_view("settle")},
    std::pair{OrderAction::refund_refused, std::string_view("refund_refused")},
    std::pair{OrderAction::retry_refund, std::string_view("retry_refund")},
};

constexpr std::array kActorNames{
    std::pair{Actor::customer, std::string_view("customer")},
    std::pair{Actor::admin, std::string_view("admin")},
    std::pair{Actor::system, std::string_view("system")},
};

static_assert(in_order(kActionNames, static_cast<std::size_t>(OrderAction::retry_refund) + 1),
              "kActionNames: one row per OrderAction, in declaration order");
static_assert(in_order(kActorNames, static_cast<std::size_t>(Actor::system) + 1),
              "kActorNames: one row per Actor, in declaration order");

}  // namespace

std::optional<OrderStatus> next_status(OrderStatus from, OrderAction action) noexcept {
    for (const auto& move : kMoves) {
        if (move.from == from && move.action == action) {
            return move.to;
        }
    }
    return std::nullopt;
}

bool may_perform(Actor actor, OrderAction action) noexcept {
    switch (actor) {
        case Actor::customer: return action == OrderAction::cancel;
        case Actor::admin:
            return action == OrderAction::cancel || action == OrderAction::fulfil || action == OrderAction::refund ||
                action == OrderAction::retry_refund;
        case Actor::system: return action == OrderAction::settle || action == OrderAction::refund_refused;
    }
    return false;
}

bool compensation_pending(OrderStatus status) noexcept {
    return status == OrderStatus::cancelling || status == OrderStatus::refunding;
}

std::string_view to_string(OrderAction action) noexcept {
    return kActionNames[static_cast<std::size_t>(action)].second;
}

std::string_view to_string(Actor actor) noexcept {
    return kActorNames[static_cast<std::size_t>(actor)].second;
}

std::optional<OrderAction> order_action_from_string(std::string_view text) noexcept {
    return find_in<OrderAction>(kActionNames, text);
}

std::optional<Actor> actor_from_string(std::string_view text) noexcept {
    return find_in<Actor>(kActorNames, text);
}

}  // namespace orders
