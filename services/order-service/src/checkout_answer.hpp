#pragma once

// What a checkout answers over HTTP once its order is final. The answer is
// stored with the order (whoever finishes it: the request, a retry, or the
// reconciler) and replayed to every retry of its Idempotency-Key, so it is
// decided once, here, from the domain's account of how the checkout ended:
//
//   CONFIRMED         201  the order
//   PAYMENT_DECLINED  402  card_declined / insufficient_funds, with the order
//   REJECTED          409  insufficient_stock with the shortages, with the order
//                     422  unknown_product with a detail per line, with the order
//   CANCELLED         409  order_cancelled, with the order

#include "inventory.hpp"
#include "order_store.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace orders {

// How a checkout ended: the final order and, for a rejection or a
// cancellation, why.
struct CheckoutEnd {
    OrderRecord order;                                 // its status is final
    std::optional<std::vector<Shortage>> shortages{};  // REJECTED: short of stock
    std::vector<std::int64_t> unknown_product_ids{};   // REJECTED otherwise: no such products
    bool refunded = false;                             // CANCELLED after the charge was refunded
};

struct CheckoutAnswer {
    int status = 0;
    std::string body;
};

// Throws std::logic_error for an order still PENDING.
CheckoutAnswer checkout_answer(const CheckoutEnd& end);

}  // namespace orders
