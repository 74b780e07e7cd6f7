#pragma once

// Orders in PostgreSQL: recording a checkout with its Idempotency-Key, each
// saga step (guarded by the lease), the final status with the response to
// replay, and the reconciler's claims.

#include "ecom/pg/database.hpp"
#include "order_domain.hpp"
#include "order_lifecycle.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace orders {

struct OrderRecord {
    std::string id;
    OrderStatus status = OrderStatus::pending;
    std::string email;
    std::string name;
    std::vector<OrderLine> requested_items;
    std::optional<std::vector<PricedLine>> items;  // once reserved
    std::optional<std::int64_t> total_cents;
    std::string currency;
    std::string card_last4;
    ReservationState reservation_state = ReservationState::none;
    std::optional<PaymentOutcome> payment_outcome;
    std::optional<std::string> failure_code;
    std::optional<std::string> failure_detail;  // JSON
    std::optional<int> response_status;
    std::optional<std::string> response_body;
    std::string fingerprint;
    std::int64_t created_ms = 0;
    std::int64_t updated_ms = 0;
    bool leased = false;                             // someone holds an unexpired lease
    std::optional<std::string> access_token_sha256;  // hex; none before migration 0003
};

// What a lifecycle move did: `moved`, and the order's status now (the one
// it moved to, or the one that refused the move); no status: no such order.
struct MoveResult {
    bool moved = false;
    std::optional<OrderStatus> current;
};

// One move in an order's append-only history.
struct HistoryEntry {
    std::int64_t at_ms = 0;
    Actor actor = Actor::system;
    OrderStatus from = OrderStatus::pending;
    OrderStatus to = OrderStatus::pending;
    std::optional<std::string> reason{};
};

// The refund of an order's charge, once asked for.
struct RefundState {
    bool refunded = false;  // else refused
    std::int64_t at_ms = 0;
    std::optional<std::string> failure_code{};
};

// The order page: the order and its lifecycle.
struct OrderPage {
    OrderRecord order;
    std::vector<HistoryEntry> history;  // oldest first
    std::optional<RefundState> refund;
    bool restock_on_return = false;
};

// The order desk's filters (all optional) and keyset position.
struct OrderFilter {
    std::vector<OrderStatus> statuses;  // empty: every status
    std::optional<std::string> email;   // lower-cased
    std::optional<std::int64_t> created_from_ms;
    std::optional<std::int64_t> created_to_ms;
    std::optional<std::pair<std::int64_t, std::string>> after;  // (created_at ms, id) of the last one seen
    int limit = 20;
};

struct NewOrder {
    std::string id;
    std::string idempotency_key;
    std::string fingerprint;
    std::string email;
    std::string name;
    std::vector<OrderLine> requested_items;
    std::string card_last4;
    std::string lease_owner;
    std::int64_t created_ms = 0;
};

struct FinalOutcome {
    OrderStatus status = OrderStatus::pending;
    ReservationState reservation_state = ReservationState::none;
    std::optional<PaymentOutcome> payment_outcome{};
    std::optional<std::string> failure_code{};
    std::optional<std::string> failure_detail{};  // JSON
    int response_status = 0;
    std::string response_body{};
    std::int64_t updated_ms = 0;
};

// Where the checkout saga records its steps; each write checks that the
// caller still holds the order's lease and returns false when it does not
// (someone else took the order over). OrderStore is the real one.
class SagaStore {
public:
    virtual ~SagaStore() = default;
    virtual boost::asio::awaitable<bool> record_reservation(const std::string& id, const std::string& owner,
                                                            const std::vector<PricedLine>& items,
                                                            std::int64_t total_cents, std::int64_t updated_ms,
                                                            const ecom::trace::SpanContext* ctx) = 0;
    virtual boost::asio::awaitable<bool> finish(const std::string& id, const std::string& owner,
                                                const FinalOutcome& outcome, const ecom::trace::SpanContext* ctx) = 0;
    // Gives the lease back early, after a transient failure.
    virtual boost::asio::awaitable<void> release_lease(const std::string& id, const std::string& owner,
                                                       const ecom::trace::SpanContext* ctx) = 0;
};

// Where a checkout records its order under the customer's Idempotency-Key
// and finds it again (IdempotentCheckout's side). OrderStore is the real one.
class CheckoutStore {
public:
    virtual ~CheckoutStore() = default;
    // The new order with `order.lease_owner`'s lease, or nothing when the
    // customer's key is taken (the caller reads what it belongs to). Keys
    // are scoped to the customer's e-mail.
    virtual boost::asio::awaitable<std::optional<OrderRecord>> insert(const NewOrder& order,
                                                                      const ecom::trace::SpanContext* ctx) = 0;
    virtual boost::asio::awaitable<std::optional<OrderRecord>> find_by_key(const std::string& email,
                                                                           const std::string& key,
                                                                           const ecom::trace::SpanContext* ctx) = 0;
    // The order with `owner`'s lease, if it is PENDING and nobody's lease is running.
    virtual boost::asio::awaitable<std::optional<OrderRecord>> take_lease(const std::string& id,
                                                                          const std::string& owner,
                                                                          const ecom::trace::SpanContext* ctx) = 0;
};

class OrderStore final : public SagaStore, public CheckoutStore {
public:
    OrderStore(ecom::pg::Database& db, std::chrono::seconds lease) : db_(db), lease_(lease) {}

    boost::asio::awaitable<std::optional<OrderRecord>> insert(const NewOrder& order,
                                                              const ecom::trace::SpanContext* ctx) override;
    boost::asio::awaitable<std::optional<OrderRecord>> find_by_key(const std::string& email, const std::string& key,
                                                                   const ecom::trace::SpanContext* ctx) override;
    boost::asio::awaitable<std::optional<OrderRecord>> find(const std::string& id,
                                                            const ecom::trace::SpanContext* ctx = nullptr);
    boost::asio::awaitable<std::optional<OrderRecord>> take_lease(const std::string& id, const std::string& owner,
                                                                  const ecom::trace::SpanContext* ctx) override;

    boost::asio::awaitable<bool> record_reservation(const std::string& id, const std::string& owner,
                                                    const std::vector<PricedLine>& items, std::int64_t total_cents,
                                                    std::int64_t updated_ms,
                                                    const ecom::trace::SpanContext* ctx) override;
    boost::asio::awaitable<bool> finish(const std::string& id, const std::string& owner, const FinalOutcome& outcome,
                                        const ecom::trace::SpanContext* ctx) override;
    boost::asio::awaitable<void> release_lease(const std::string& id, const std::string& owner,
                                               const ecom::trace::SpanContext* ctx) override;

    boost::asio::awaitable<std::vector<OrderRecord>> claim_stale(std::chrono::seconds older_than, int limit,
                                                                 const std::string& owner,
                                                                 const ecom::trace::SpanContext* ctx = nullptr);
    boost::asio::awaitable<std::vector<OrderRecord>> by_email(const std::string& email, int limit,
                                                              const ecom::trace::SpanContext* ctx = nullptr);
    // id -> status for those of `ids` that exist.
    boost::asio::awaitable<std::vector<std::pair<std::string, OrderStatus>>> statuses(
        const std::vector<std::string>& ids, const ecom::trace::SpanContext* ctx = nullptr);

    // One guarded UPDATE from `from` to `to` with its order_history row
    // (sql::move_order); `restock` sets whether a return restocks.
    boost::asio::awaitable<MoveResult> move(const std::string& id, OrderStatus from, OrderStatus to, Actor actor,
                                            const std::optional<std::string>& reason,
                                            const ecom::trace::SpanContext* ctx = nullptr,
                                            std::optional<bool> restock = std::nullopt);

    boost::asio::awaitable<std::optional<OrderPage>> page(const std::string& id,
                                                          const ecom::trace::SpanContext* ctx = nullptr);
    // reservation_state committed -> returned (the stock went back).
    boost::asio::awaitable<void> mark_returned(const std::string& id, const ecom::trace::SpanContext* ctx = nullptr);
    // Ids of CANCELLING / REFUNDING orders untouched for `older_than`.
    boost::asio::awaitable<std::vector<std::string>> stale_compensations(std::chrono::seconds older_than, int limit);
    // The order desk: newest first, at most filter.limit.
    boost::asio::awaitable<std::vector<OrderRecord>> list(const OrderFilter& filter,
                                                          const ecom::trace::SpanContext* ctx = nullptr);

    // Replaces the digest of a final order's access token; false if the order is not final.
    boost::asio::awaitable<bool> set_access_token(const std::string& id, const std::string& digest_hex,
                                                  const ecom::trace::SpanContext* ctx = nullptr);

    [[nodiscard]] std::chrono::seconds lease() const noexcept { return lease_; }

private:
    ecom::pg::Database& db_;
    std::chrono::seconds lease_;
};

OrderRecord read_order(const ecom::pg::Result& result, int row);

// The lines' jsonb forms, written and read only here; exposed for unit tests.
//   requested_items: [{"product_id","quantity"}]
//   items:           [{"product_id","sku","name","quantity","unit_price_cents"}]
std::string requested_lines_json(const std::vector<OrderLine>& lines);
std::string priced_lines_json(const std::vector<PricedLine>& lines);
std::vector<OrderLine> parse_requested_lines(std::string_view json);
std::vector<PricedLine> parse_priced_lines(std::string_view json);

// Milliseconds since the epoch on this service's clock.
std::int64_t now_ms();

}  // namespace orders
