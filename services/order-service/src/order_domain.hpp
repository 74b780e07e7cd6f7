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

// orders.status. PENDING until the checkout saga ends; then final.
enum class OrderStatus {
    pending,           // PENDING: recorded, the saga is running or will be resumed
    confirmed,         // CONFIRMED: stock committed, payment approved
    payment_declined,  // PAYMENT_DECLINED: the card was declined, stock released
    rejected,          // REJECTED: short of stock or an unknown product, nothing held
    cancelled,         // CANCELLED: could not complete, stock released (refunded if paid)
};

// orders.reservation_state: the stock held at product-service for the order.
enum class ReservationState {
    none,       // nothing reserved (or no reservation at all at product-service)
    held,       // reserved, not yet sold
    committed,  // sold
    released,   // given back
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
