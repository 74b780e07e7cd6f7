#pragma once

// The order domain: what an order is and which states it and its
// reservation can be in. Each enum has one table of names, used for SQL
// (the CHECK constraints of migrations/0001_create_orders.sql), JSON and
// metric labels; nothing else spells a state.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace orders {

// orders.status. PENDING until the checkout saga ends. PAYMENT_DECLINED and
// REJECTED are final; a CONFIRMED order then moves along its lifecycle
// (order_lifecycle.hpp: fulfilled, or cancelled and refunded; a fulfilled
// order returned and refunded), one guarded update per move.
enum class OrderStatus {
    pending,               // PENDING: recorded, the saga is running or will be resumed
    confirmed,             // CONFIRMED: stock committed, payment approved
    payment_declined,      // PAYMENT_DECLINED: the card was declined, stock released
    rejected,              // REJECTED: short of stock or an unknown product, nothing held
    cancelled,             // CANCELLED: stock given back and the charge refunded (if there was one)
    cancelling,            // CANCELLING: cancel accepted; returning the stock and refunding are under way
    fulfilled,             // FULFILLED: shipped
    refunding,             // REFUNDING: a return accepted; the refund (and the optional restock) under way
    refunded,              // REFUNDED: returned and refunded
    cancel_refund_failed,  // CANCEL_REFUND_FAILED: cancelled, stock returned, the payment side refused the
                           //   refund: an operator retries it (never a silent loss)
    return_refund_failed,  // RETURN_REFUND_FAILED: returned, the payment side refused the refund: likewise
};

// orders.reservation_state: the stock held at product-service for the order.
enum class ReservationState {
    none,       // nothing reserved (or no reservation at all at product-service)
    held,       // reserved, not yet sold
    committed,  // sold
    released,   // given back before it was sold
    returned,   // sold, then given back to the catalog (a cancel, or a return with restock)
};

// The payment provider's answer to a charge.
enum class PaymentOutcome { approved, card_declined, insufficient_funds };

// A line as the customer asked for it (orders.requested_items).
struct OrderLine {
    std::int64_t product_id = 0;
    std::int64_t quantity = 0;
};

// A line as reserved, priced by product-service when the stock was held
// (orders.items): what the customer pays, whatever the catalog says later.
struct PricedLine {
    std::int64_t product_id = 0;
    std::string sku;
    std::string name;
    std::int64_t quantity = 0;
    std::int64_t unit_price_cents = 0;
};

// The stored and shown names ("PENDING", "held", "card_declined") and back.
std::string_view to_string(OrderStatus status) noexcept;
std::string_view to_string(ReservationState state) noexcept;
std::string_view to_string(PaymentOutcome outcome) noexcept;
std::optional<OrderStatus> order_status_from_string(std::string_view text) noexcept;
std::optional<ReservationState> reservation_state_from_string(std::string_view text) noexcept;
std::optional<PaymentOutcome> payment_outcome_from_string(std::string_view text) noexcept;

// A status as a metric label: "confirmed", "payment_declined", ...
std::string_view metric_label(OrderStatus status) noexcept;

}  // namespace orders
