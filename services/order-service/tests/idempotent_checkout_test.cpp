// IdempotentCheckout::place against a fake order store and the saga with
// fakes: what one Idempotency-Key gives in every state of its order.

#include "idempotent_checkout.hpp"
#include "checkout_fakes.hpp"
#include "checkout_saga.hpp"
#include "ecom/log.hpp"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <utility>

namespace orders {
namespace {

namespace asio = boost::asio;
using ecom::http::RequestContext;
using ecom::trace::SpanContext;
using fakes::FakeInventory;
using fakes::FakePayments;
using fakes::FakeStore;
using fakes::run_to_end;

constexpr std::string_view kCardKey = "card-fingerprint-key-for-tests-0123456789";

// Orders by (e-mail, key), as the unique index keeps them.
struct FakeCheckoutStore final : CheckoutStore {
    std::map<std::pair<std::string, std::string>, OrderRecord> by_key;
    bool insert_commits = true;  // false: the key's first insert has not committed yet
    bool lease_free = true;      // take_lease finds no running lease
    int inserts = 0;
    std::optional<NewOrder> inserted;
    std::optional<std::string> taken_by;

    asio::awaitable<std::optional<OrderRecord>> insert(const NewOrder& order, const SpanContext*) override {
        ++inserts;
        const auto key = std::make_pair(order.email, order.idempotency_key);
        if (by_key.contains(key) || !insert_commits) {
            co_return std::nullopt;
        }
        inserted = order;
        OrderRecord record;
        record.id = order.id;
        record.email = order.email;
        record.name = order.name;
        record.requested_items = order.requested_items;
        record.card_last4 = order.card_last4;
        record.fingerprint = order.fingerprint;
        record.currency = "USD";
        record.leased = true;
        by_key[key] = record;
        co_return record;
    }
    asio::awaitable<std::optional<OrderRecord>> find_by_key(const std::string& email, const std::string& key,
                                                            const SpanContext*) override {
        const auto it = by_key.find({email, key});
        if (it == by_key.end()) {
            co_return std::nullopt;
        }
        co_return it->second;
    }
    asio::awaitable<std::optional<OrderRecord>> take_lease(const std::string& id, const std::string& owner,
                                                           const SpanContext*) override {
        for (auto& [key, order] : by_key) {
            if (order.id == id && order.status == OrderStatus::pending && lease_free) {
                taken_by = owner;
                order.leased = true;
                co_return order;
            }
        }
        co_return std::nullopt;
    }
};

CheckoutRequest request(std::string card = "4242424242424242") {
    CheckoutRequest r;
    r.email = "ada@example.com";
    r.name = "Ada";
    r.items = {{3, 2}};
    r.card = {.number = std::move(card), .exp_month = 12, .exp_year = 2030, .cvc = "123"};
    return r;
}

class IdempotentCheckoutTest : public ::testing::Test {
protected:
    FakeCheckoutStore orders;
    FakeStore saga_store;
    FakeInventory inventory;
    FakePayments payments;
    CheckoutSaga saga{saga_store, inventory, payments};
    IdempotentCheckout checkout{orders, saga, inventory, std::string(kCardKey)};

    IdempotentCheckoutTest() {
        ecom::log::set_level(ecom::log::Level::fatal);
        inventory.reserve_answer = {
            .kind = ReserveResult::Kind::held,
            .lines = {{.product_id = 3, .sku = "MUG", .name = "Mug", .quantity = 2, .unit_price_cents = 1299}}};
    }

    CheckoutResult place(const std::string& key, const CheckoutRequest& r = request()) {
        return run_to_end(checkout.place(key, r, nullptr));
    }

    // An order recorded under `key` by an earlier request.
    OrderRecord& earlier(const std::string& key, const CheckoutRequest& r = request()) {
        OrderRecord o;
        o.id = "33333333-3333-4333-8333-333333333333";
        o.email = r.email;
        o.name = r.name;
        o.requested_items = r.items;
        o.card_last4 = r.card.last4();
        o.currency = "USD";
        o.fingerprint = r.fingerprint(kCardKey);
        return orders.by_key[{r.email, key}] = o;
    }
};

TEST_F(IdempotentCheckoutTest, ANewKeyRecordsTheOrderAndRunsTheSagaUnderItsLease) {
    const auto result = place("k1");
    ASSERT_EQ(result.kind, CheckoutResult::Kind::finished);
    EXPECT_EQ(result.answer.status, 201);
    EXPECT_EQ(result.order.status, OrderStatus::confirmed);
    ASSERT_TRUE(orders.inserted);
    EXPECT_EQ(orders.inserted->idempotency_key, "k1");
    EXPECT_EQ(orders.inserted->fingerprint, request().fingerprint(kCardKey));
    EXPECT_EQ(orders.inserted->card_last4, "4242");
    EXPECT_EQ(orders.inserted->requested_items.size(), 1u);
    ASSERT_TRUE(saga_store.finished);
    EXPECT_EQ(payments.charged.size(), 1u);
    EXPECT_EQ(saga_store.last_owner, orders.inserted->lease_owner);  // the saga ran under the insert's lease
}

TEST_F(IdempotentCheckoutTest, AFinalOrdersKeyReplaysItsStoredAnswer) {
    auto& o = earlier("k1");
    o.status = OrderStatus::payment_declined;
    o.response_status = 402;
    o.response_body = R"({"stored":true})";
    const auto result = place("k1");
    EXPECT_EQ(result.kind, CheckoutResult::Kind::replayed);
    EXPECT_EQ(result.answer.status, 402);
    EXPECT_EQ(result.answer.body, R"({"stored":true})");
    EXPECT_EQ(result.order.id, o.id);
    EXPECT_TRUE(payments.charged.empty());
    EXPECT_TRUE(inventory.calls.empty());
}

TEST_F(IdempotentCheckoutTest, AKeyUsedForAnotherRequestIsRefused) {
    earlier("k1");
    // Another card with the same last four digits is another request.
    EXPECT_EQ(place("k1", request("4000056655664242")).kind, CheckoutResult::Kind::key_reused);
    auto other = request();
    other.items = {{3, 3}};
    EXPECT_EQ(place("k1", other).kind, CheckoutResult::Kind::key_reused);
    EXPECT_TRUE(payments.charged.empty());
}

TEST_F(IdempotentCheckoutTest, AnOrderSomeoneIsDrivingIsInProgress) {
    earlier("k1").leased = true;
    EXPECT_EQ(place("k1").kind, CheckoutResult::Kind::in_progress);
    EXPECT_FALSE(orders.taken_by);
}

TEST_F(IdempotentCheckoutTest, AKeyWhoseInsertHasNotCommittedIsInProgress) {
    orders.insert_commits = false;
    EXPECT_EQ(place("k1").kind, CheckoutResult::Kind::in_progress);
}

TEST_F(IdempotentCheckoutTest, AnOrderStoppedHalfWayIsTakenOverAndFinished) {
    auto& o = earlier("k1");
    o.reservation_state = ReservationState::held;
    o.items = inventory.reserve_answer.lines;
    o.total_cents = 2598;
    const auto result = place("k1");
    ASSERT_EQ(result.kind, CheckoutResult::Kind::finished);
    ASSERT_TRUE(orders.taken_by);
    EXPECT_EQ(saga_store.last_owner, *orders.taken_by);
    EXPECT_EQ(result.order.id, o.id);
    EXPECT_EQ(payments.charged, (std::vector<std::int64_t>{2598}));
    EXPECT_EQ(inventory.calls, (std::vector<std::string>{"commit"}));  // it resumed after the reservation
}

TEST_F(IdempotentCheckoutTest, ALeaseTakenByAnotherRetryFirstIsInProgress) {
    earlier("k1");
    orders.lease_free = false;
    EXPECT_EQ(place("k1").kind, CheckoutResult::Kind::in_progress);
    EXPECT_TRUE(payments.charged.empty());
}

TEST_F(IdempotentCheckoutTest, WhileTheInventoryCircuitIsOpenNothingIsRecordedOrResumed) {
    inventory.circuit = true;
    EXPECT_EQ(place("k1").kind, CheckoutResult::Kind::inventory_down);
    EXPECT_EQ(orders.inserts, 0);
    earlier("k2");
    EXPECT_EQ(place("k2").kind, CheckoutResult::Kind::inventory_down);
    EXPECT_FALSE(orders.taken_by);
    // A stored answer is still given.
    auto& done = earlier("k3");
    done.status = OrderStatus::confirmed;
    done.response_status = 201;
    done.response_body = "{}";
    EXPECT_EQ(place("k3").kind, CheckoutResult::Kind::replayed);
}

TEST_F(IdempotentCheckoutTest, ADependencyFailingHalfWayPausesTheOrder) {
    inventory.down = true;
    const auto result = place("k1");
    EXPECT_EQ(result.kind, CheckoutResult::Kind::paused);
    EXPECT_EQ(result.reason, "product-service is down");
    EXPECT_EQ(result.order.status, OrderStatus::pending);
    EXPECT_EQ(saga_store.leases_released, 1);
}

TEST_F(IdempotentCheckoutTest, ALeaseLostToTheReconcilerIsInProgress) {
    saga_store.lease_held = false;
    EXPECT_EQ(place("k1").kind, CheckoutResult::Kind::in_progress);
}

}  // namespace
}  // namespace orders
