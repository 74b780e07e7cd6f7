#include "idempotent_checkout.hpp"

#include "ecom/ids.hpp"

#include <utility>

namespace orders {
namespace {
namespace asio = boost::asio;
}

IdempotentCheckout::IdempotentCheckout(CheckoutStore& store, CheckoutSaga& saga, const Inventory& inventory,
                                       std::string card_fingerprint_key)
    : store_(store), saga_(saga), inventory_(inventory), card_fingerprint_key_(std::move(card_fingerprint_key)) {}

asio::awaitable<CheckoutResult> IdempotentCheckout::place(const std::string& key, const CheckoutRequest& request,
                                                          const ecom::http::RequestContext* context) {
    const std::string owner = ecom::new_uuid();
    const NewOrder fresh{.id = ecom::new_uuid(),
                         .idempotency_key = key,
                         .fingerprint = request.fingerprint(card_fingerprint_key_),
                         .email = request.email,
                         .name = request.name,
                         .requested_items = request.items,
                         .card_last4 = request.card.last4(),
                         .lease_owner = owner,
                         .created_ms = now_ms()};
    // While product-service is known to be down a new order is not even
    // recorded; an existing key is still answered from what is stored.
    const bool inventory_down = inventory_.circuit_open();
    std::optional<OrderRecord> order;
    if (!inventory_down) {
        order = co_await store_.insert(fresh, ecom::http::trace_of(context));
    }
    if (!order) {
        co_return co_await for_existing_key(key, request, owner, inventory_down, context);
    }
    co_return co_await drive(std::move(*order), owner, request, context);
}

asio::awaitable<CheckoutResult> IdempotentCheckout::for_existing_key(const std::string& key,
                                                                     const CheckoutRequest& request,
                                                                     const std::string& owner, bool inventory_down,
                                                                     const ecom::http::RequestContext* context) {
    const auto existing = co_await store_.find_by_key(request.email, key, ecom::http::trace_of(context));
    if (!existing) {
        // The key's first request has not committed yet.
        co_return CheckoutResult{.kind = inventory_down ? CheckoutResult::Kind::inventory_down
                                                        : CheckoutResult::Kind::in_progress};
    }
    if (!request.matches_fingerprint(existing->fingerprint, card_fingerprint_key_)) {
        co_return CheckoutResult{.kind = CheckoutResult::Kind::key_reused};
    }
    if (existing->response_status) {
        co_return CheckoutResult{
            .kind = CheckoutResult::Kind::replayed,
            .order = *existing,
            .answer = {.status = *existing->response_status, .body = existing->response_body.value_or("")}};
    }
    if (existing->leased) {
        co_return CheckoutResult{.kind = CheckoutResult::Kind::in_progress};
    }
    if (inventory_down) {
        co_return CheckoutResult{.kind = CheckoutResult::Kind::inventory_down};
    }
    // The first attempt stopped half-way (a dependency failed or its
    // process died): this retry takes over and carries on.
    auto order = co_await store_.take_lease(existing->id, owner, ecom::http::trace_of(context));
    if (!order) {
        co_return CheckoutResult{.kind = CheckoutResult::Kind::in_progress};
    }
    co_return co_await drive(std::move(*order), owner, request, context);
}

asio::awaitable<CheckoutResult> IdempotentCheckout::drive(OrderRecord order, const std::string& owner,
                                                          const CheckoutRequest& request,
                                                          const ecom::http::RequestContext* context) {
    SagaOutcome outcome = co_await saga_.run(std::move(order), owner, &request.card, context);
    switch (outcome.kind) {
        case SagaOutcome::Kind::lease_lost: co_return CheckoutResult{.kind = CheckoutResult::Kind::in_progress};
        case SagaOutcome::Kind::transient:
            co_return CheckoutResult{.kind = CheckoutResult::Kind::paused,
                                     .order = std::move(outcome.order),
                                     .reason = std::move(outcome.reason)};
        case SagaOutcome::Kind::finished: break;
    }
    co_return CheckoutResult{
        .kind = CheckoutResult::Kind::finished, .order = std::move(outcome.order), .answer = std::move(outcome.answer)};
}

}  // namespace orders
