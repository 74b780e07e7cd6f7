#include "order_domain.hpp"

#include "enum_names.hpp"

#include <array>
#include <utility>

namespace orders {
namespace {

using enum_names::find_in;
using enum_names::in_order;
using enum_names::name_in;

// One row per enumerator, in declaration order.
struct StatusName {
    OrderStatus status;
    std::string_view stored;  // SQL and JSON
    std::string_view label;   // metrics
};
constexpr std::array kStatusNames{
    StatusName{OrderStatus::pending, "PENDING", "pending"},
    StatusName{OrderStatus::confirmed, "CONFIRMED", "confirmed"},
    StatusName{OrderStatus::payment_declined, "PAYMENT_DECLINED", "payment_declined"},
    StatusName{OrderStatus::rejected, "REJECTED", "rejected"},
    StatusName{OrderStatus::cancelled, "CANCELLED", "cancelled"},
    StatusName{OrderStatus::cancelling, "CANCELLING", "cancelling"},
    StatusName{OrderStatus::fulfilled, "FULFILLED", "fulfilled"},
    StatusName{OrderStatus::refunding, "REFUNDING", "refunding"},
    StatusName{OrderStatus::refunded, "REFUNDED", "refunded"},
    StatusName{OrderStatus::cancel_refund_failed, "CANCEL_REFUND_FAILED", "cancel_refund_failed"},
    StatusName{OrderStatus::return_refund_failed, "RETURN_REFUND_FAILED", "return_refund_failed"},
};

constexpr std::array kReservationNames{
    std::pair{ReservationState::none, std::string_view("none")},
    std::pair{ReservationState::held, std::string_view("held")},
    std::pair{ReservationState::committed, std::string_view("committed")},
    std::pair{ReservationState::released, std::string_view("released")},
    std::pair{ReservationState::returned, std::string_view("returned")},
};

constexpr std::array kPaymentNames{
    std::pair{PaymentOutcome::approved, std::string_view("approved")},
    std::pair{PaymentOutcome::card_declined, std::string_view("card_declined")},
    std::pair{PaymentOutcome::insufficient_funds, std::string_view("insufficient_funds")},
};

constexpr bool statuses_in_order() {
    for (std::size_t i = 0; i < kStatusNames.size(); ++i) {
        if (static_cast<std::size_t>(kStatusNames[i].status) != i) {
            return false;
        }
    }
    return kStatusNames.size() == static_cast<std::size_t>(OrderStatus::return_refund_failed) + 1;
}
static_assert(statuses_in_order(), "kStatusNames: one row per OrderStatus, in declaration order");
static_assert(in_order(kReservationNames, static_cast<std::size_t>(ReservationState::returned) + 1),
              "kReservationNames: one row per ReservationState, in declaration order");
static_assert(in_order(kPaymentNames, static_cast<std::size_t>(PaymentOutcome::insufficient_funds) + 1),
              "kPaymentNames: one row per PaymentOutcome, in declaration order");

}  // namespace

std::string_view to_string(OrderStatus status) noexcept {
    return kStatusNames[static_cast<std::size_t>(status)].stored;
}

std::string_view metric_label(OrderStatus status) noexcept {
    return kStatusNames[static_cast<std::size_t>(status)].label;
}

std::optional<OrderStatus> order_status_from_string(std::string_view text) noexcept {
    for (const auto& row : kStatusNames) {
        if (row.stored == text) {
            return row.status;
        }
    }
    return std::nullopt;
}

std::string_view to_string(ReservationState state) noexcept {
    return name_in(kReservationNames, state);
}

std::optional<ReservationState> reservation_state_from_string(std::string_view text) noexcept {
    return find_in<ReservationState>(kReservationNames, text);
}

std::string_view to_string(PaymentOutcome outcome) noexcept {
    return name_in(kPaymentNames, outcome);
}

std::optional<PaymentOutcome> payment_outcome_from_string(std::string_view text) noexcept {
    return find_in<PaymentOutcome>(kPaymentNames, text);
}

}  // namespace orders
