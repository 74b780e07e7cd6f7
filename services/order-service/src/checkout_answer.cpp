#include "checkout_answer.hpp"

#include "ecom/json_writer.hpp"
#include "order_json.hpp"

#include <stdexcept>
#include <string_view>
#include <utility>

namespace orders {
namespace {

// The one error envelope (ecom/http/error.hpp) with the order beside the error:
// {"error":{"code","message"[,"details"][,"shortages"]},"order":{...}}
class ErrorWithOrder {
public:
    ErrorWithOrder(std::string_view code, std::string_view message) : w_(body_) {
        w_.begin_object().key("error").begin_object().field("code", code).field("message", message);
    }

    ErrorWithOrder& details(const std::vector<std::pair<std::string, std::string_view>>& fields) {
        w_.key("details").begin_array();
        for (const auto& [field, message] : fields) {
            w_.begin_object().field("field", field).field("message", message).end_object();
        }
        w_.end_array();
        return *this;
    }

    ErrorWithOrder& shortages(const std::vector<Shortage>& list) {
        w_.key("shortages").begin_array();
        for (const auto& s : list) {
            w_.begin_object()
                .field("product_id", s.product_id)
                .field("requested", s.requested)
                .field("available", s.available)
                .end_object();
        }
        w_.end_array();
        return *this;
    }

    ErrorWithOrder(const ErrorWithOrder&) = delete;  // the writer points into body_
    ErrorWithOrder& operator=(const ErrorWithOrder&) = delete;

    // The finished body; call once.
    std::string with(const OrderRecord& order) {
        w_.end_object().key("order");
        write_order_json(w_, order);
        w_.end_object();
        return std::move(body_);
    }

private:
    std::string body_;
    ecom::JsonWriter w_;
};

CheckoutAnswer declined(const OrderRecord& order) {
    const PaymentOutcome outcome = order.payment_outcome.value_or(PaymentOutcome::card_declined);
    return {402,
            ErrorWithOrder(to_string(outcome),
                           outcome == PaymentOutcome::insufficient_funds
                               ? "the card was declined for insufficient funds; nothing was charged"
                               : "the card was declined; nothing was charged")
                .with(order)};
}

CheckoutAnswer rejected(const CheckoutEnd& end) {
    if (!end.shortages) {
        // A detail per line of the customer's request that names one.
        std::vector<std::pair<std::string, std::string_view>> fields;
        for (const auto id : end.unknown_product_ids) {
            for (std::size_t i = 0; i < end.order.requested_items.size(); ++i) {
                if (end.order.requested_items[i].product_id == id) {
                    fields.emplace_back("items[" + std::to_string(i) + "].product_id", "no such product");
                }
            }
        }
        return {422, ErrorWithOrder("unknown_product", "some products do not exist").details(fields).with(end.order)};
    }
    return {409,
            ErrorWithOrder("insufficient_stock", "some items are not in stock in the quantity asked for")
                .shortages(*end.shortages)
                .with(end.order)};
}

CheckoutAnswer cancelled(const CheckoutEnd& end) {
    return {409,
            ErrorWithOrder("order_cancelled",
                           end.refunded ? "the order could not be completed and was cancelled; the payment was "
                                          "refunded. Start a new checkout (with a new Idempotency-Key)"
                                        : "the order could not be completed and was cancelled; nothing was "
                                          "charged. Start a new checkout (with a new Idempotency-Key)")
                .with(end.order)};
}

}  // namespace

CheckoutAnswer checkout_answer(const CheckoutEnd& end) {
    switch (end.order.status) {
        case OrderStatus::confirmed: return {201, order_json(end.order)};
        case OrderStatus::payment_declined: return declined(end.order);
        case OrderStatus::rejected: return rejected(end);
        case OrderStatus::cancelled: return cancelled(end);
        case OrderStatus::pending:
        // Statuses after checkout: the answer stored at its end is replayed instead.
        case OrderStatus::cancelling:
        case OrderStatus::fulfilled:
        case OrderStatus::refunding:
        case OrderStatus::refunded:
        case OrderStatus::cancel_refund_failed:
        case OrderStatus::return_refund_failed: break;
    }
    throw std::logic_error("checkout_answer: the order " + end.order.id + " is not a checkout's end");
}

}  // namespace orders
