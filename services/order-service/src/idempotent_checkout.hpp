#pragma once

// The checkout use case: what POST /api/orders does with a customer's
// Idempotency-Key around the saga. One key gives at most one order:
//   - a new key records the order PENDING with this request's lease and
//     runs the saga;
//   - a key whose order is final answers what was stored for it;
//   - a key whose order is PENDING and unleased (its first request failed
//     half-way, or its process died) is taken over and resumed;
//   - a key whose order someone is driving answers "in progress";
//   - a key used with a different request is refused.
// While product-service's circuit is open nothing new is recorded or
// resumed; stored answers are still given.

#include "checkout_answer.hpp"
#include "checkout_request.hpp"
#include "checkout_saga.hpp"
#include "inventory.hpp"
#include "order_store.hpp"

#include <boost/asio/awaitable.hpp>

#include <string>

namespace orders {

struct CheckoutResult {
    enum class Kind {
        finished,        // the saga ended the order now: `answer`
        replayed,        // the key's order was already final: its stored `answer`
        in_progress,     // someone else is driving the key's order (or its insert has not committed)
        inventory_down,  // product-service's circuit is open: nothing recorded or resumed
        paused,          // a dependency failed half-way: the order stays PENDING (`reason`)
        key_reused,      // the key belongs to a different request
    } kind = Kind::finished;
    OrderRecord order{};      // finished, replayed, paused
    CheckoutAnswer answer{};  // finished, replayed
    std::string reason{};     // paused
};

class IdempotentCheckout {
public:
    // `card_fingerprint_key`: the HMAC key for the card number in request fingerprints.
    IdempotentCheckout(CheckoutStore& store, CheckoutSaga& saga, const Inventory& inventory,
                       std::string card_fingerprint_key);

    // `key` is a valid Idempotency-Key, `request` a validated checkout.
    boost::asio::awaitable<CheckoutResult> place(const std::string& key, const CheckoutRequest& request,
                                                 const ecom::http::RequestContext* context);

private:
    // The key is taken: answer from its order, or take it over.
    boost::asio::awaitable<CheckoutResult> for_existing_key(const std::string& key, const CheckoutRequest& request,
                                                            const std::string& owner, bool inventory_down,
                                                            const ecom::http::RequestContext* context);
    boost::asio::awaitable<CheckoutResult> drive(OrderRecord order, const std::string& owner,
                                                 const CheckoutRequest& request,
                                                 const ecom::http::RequestContext* context);

    CheckoutStore& store_;
    CheckoutSaga& saga_;
    const Inventory& inventory_;
    std::string card_fingerprint_key_;
};

}  // namespace orders
