// The checkout saga's run() against fakes of its three dependencies: every
// branch of the state machine, what it records, what it answers, and what
// it leaves for a retry or the reconciler.

#include "checkout_saga.hpp"
#include "checkout_fakes.hpp"
#include "ecom/log.hpp"
#include "ecom/metrics.hpp"
#include "ecom/pg/result.hpp"
#include "inventory.hpp"
#include "order_store.hpp"
#include "payment.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <exception>
#include <optional>
#include <string>
#include <vector>

namespace orders {
namespace {

namespace asio = boost::asio;
using ecom::http::RequestContext;
using ecom::trace::SpanContext;
using fakes::FakeInventory;
using fakes::FakePayments;
using fakes::FakeStore;
using fakes::run_to_end;

const std::string kOwner = "22222222-2222-4222-8222-222222222222";

PricedLine mug(std::int64_t quantity) {
    return {.product_id = 3, .sku = "MUG", .name = "Mug", .quantity = quantity, .unit_price_cents = 1299};
}

OrderRecord pending_order() {
    OrderRecord o;
    o.id = "11111111-1111-4111-8111-111111111111";
    o.email = "ada@example.com";
    o.name = "Ada";
    o.requested_items = {{3, 2}, {7, 1}};
    o.currency = "USD";
    o.card_last4 = "4242";
    return o;
}

const Card kCard{.number = "4242424242424242", .exp_month = 12, .exp_year = 2030, .cvc = "123"};

class SagaTest : public ::testing::Test {
protected:
    FakeStore store;
    FakeInventory inventory;
    FakePayments payments;
    ecom::metrics::Registry registry;

    SagaTest() {
        ecom::log::set_level(ecom::log::Level::fatal);  // the saga logs every finished order
        store.expected_owner = kOwner;
        inventory.reserve_answer = {
            .kind = ReserveResult::Kind::held,
            .lines = {mug(2), {.product_id = 7, .sku = "TEE", .name = "Tee", .quantity = 1, .unit_price_cents = 2000}}};
    }

    SagaOutcome run(OrderRecord order, const Card* card = &kCard) {
        CheckoutSaga saga(store, inventory, payments, &registry);
        return run_to_end(saga.run(std::move(order), kOwner, card, nullptr));
    }

    std::uint64_t declines(std::string_view reason) {
        return registry.counter("payment_declines_total", "", {{"reason", std::string(reason)}}).value();
    }
};

boost::json::value body_of(const SagaOutcome& outcome) {
    return boost::json::parse(outcome.answer.body);
}

TEST_F(SagaTest, ReservesChargesCommitsAndConfirms) {
    const auto outcome = run(pending_order());
    ASSERT_EQ(outcome.kind, SagaOutcome::Kind::finished);
    EXPECT_EQ(inventory.calls, (std::vector<std::string>{"reserve:2", "commit"}));
    EXPECT_EQ(payments.charged, (std::vector<std::int64_t>{4598}));
    ASSERT_EQ(store.reservations.size(), 1u);
    EXPECT_EQ(store.recorded_total, 4598);
    ASSERT_TRUE(store.finished);
    EXPECT_EQ(store.finished->status, OrderStatus::confirmed);
    EXPECT_EQ(store.finished->reservation_state, ReservationState::committed);
    EXPECT_EQ(store.finished->payment_outcome, PaymentOutcome::approved);
    EXPECT_FALSE(store.finished->failure_code);
    EXPECT_EQ(store.finished->response_status, 201);
    EXPECT_EQ(store.finished->response_body, outcome.answer.body);
    EXPECT_EQ(outcome.answer.status, 201);
    EXPECT_EQ(outcome.order.status, OrderStatus::confirmed);
    EXPECT_EQ(body_of(outcome).at("total_cents").as_int64(), 4598);
    EXPECT_EQ(body_of(outcome).at("items").at(1).at("line_total_cents").as_int64(), 2000);
}

TEST_F(SagaTest, ShortOfStockIsRejectedWithTheShortages) {
    inventory.reserve_answer = {.kind = ReserveResult::Kind::insufficient_stock, .shortages = {{3, 2, 1}}};
    const auto outcome = run(pending_order());
    EXPECT_EQ(outcome.answer.status, 409);
    EXPECT_EQ(body_of(outcome).at("error").at("code").as_string(), "insufficient_stock");
    EXPECT_EQ(body_of(outcome).at("error").at("shortages").at(0).at("available").as_int64(), 1);
    ASSERT_TRUE(store.finished);
    EXPECT_EQ(store.finished->status, OrderStatus::rejected);
    EXPECT_EQ(store.finished->reservation_state, ReservationState::none);
    EXPECT_EQ(store.finished->failure_code, "insufficient_stock");
    EXPECT_EQ(store.finished->failure_detail, R"([{"product_id":3,"requested":2,"available":1}])");
    EXPECT_TRUE(payments.charged.empty());
    EXPECT_TRUE(store.reservations.empty());
}

TEST_F(SagaTest, UnknownProductsAreRejectedWithADetailPerLine) {
    inventory.reserve_answer = {.kind = ReserveResult::Kind::unknown_products, .unknown_product_ids = {7}};
    const auto outcome = run(pending_order());
    EXPECT_EQ(outcome.answer.status, 422);
    const auto body = body_of(outcome);
    EXPECT_EQ(body.at("error").at("code").as_string(), "unknown_product");
    EXPECT_EQ(body.at("error").at("details").as_array().size(), 1u);
    EXPECT_EQ(body.at("error").at("details").at(0).at("field").as_string(), "items[1].product_id");
    EXPECT_EQ(body.at("order").at("status").as_string(), "REJECTED");
    EXPECT_EQ(store.finished->failure_code, "unknown_product");
    EXPECT_FALSE(store.finished->failure_detail);
    EXPECT_TRUE(payments.charged.empty());
}

TEST_F(SagaTest, DeclinedCardReleasesTheStockAndIsCountedOnce) {
    payments.outcome = PaymentOutcome::insufficient_funds;
    const auto outcome = run(pending_order());
    EXPECT_EQ(inventory.calls, (std::vector<std::string>{"reserve:2", "release"}));
    EXPECT_EQ(outcome.answer.status, 402);
    EXPECT_EQ(body_of(outcome).at("error").at("code").as_string(), "insufficient_funds");
    EXPECT_EQ(store.finished->status, OrderStatus::payment_declined);
    EXPECT_EQ(store.finished->reservation_state, ReservationState::released);
    EXPECT_EQ(store.finished->failure_code, "insufficient_funds");
    EXPECT_EQ(declines("insufficient_funds"), 1u);
    EXPECT_EQ(declines("card_declined"), 0u);
}

TEST_F(SagaTest, ADeclineWhoseLeaseWasLostIsNotCounted) {
    payments.outcome = PaymentOutcome::card_declined;
    OrderRecord order = pending_order();
    order.reservation_state = ReservationState::released;
    order.payment_outcome = PaymentOutcome::card_declined;
    store.lease_held = false;
    EXPECT_EQ(run(order).kind, SagaOutcome::Kind::lease_lost);
    EXPECT_EQ(declines("card_declined"), 0u);
}

TEST_F(SagaTest, PaidButTheStockIsGoneRefundsAndCancels) {
    inventory.commit_answer = ReservationState::released;
    const auto outcome = run(pending_order());
    EXPECT_EQ(payments.refunds, 1);
    EXPECT_EQ(outcome.answer.status, 409);
    EXPECT_EQ(body_of(outcome).at("error").at("code").as_string(), "order_cancelled");
    EXPECT_NE(outcome.answer.body.find("the payment was refunded"), std::string::npos);
    EXPECT_EQ(store.finished->status, OrderStatus::cancelled);
    EXPECT_EQ(store.finished->payment_outcome, PaymentOutcome::approved);
}

TEST_F(SagaTest, AReservationReleasedMeanwhileCancelsWithoutCharging) {
    inventory.reserve_answer = {.kind = ReserveResult::Kind::released};
    const auto outcome = run(pending_order());
    EXPECT_TRUE(payments.charged.empty());
    EXPECT_EQ(store.finished->status, OrderStatus::cancelled);
    EXPECT_NE(outcome.answer.body.find("nothing was charged"), std::string::npos);
}

TEST_F(SagaTest, ARepeatedReserveThatWasCommittedConfirmsWithoutCharging) {
    inventory.reserve_answer.state = ReservationState::committed;
    const auto outcome = run(pending_order());
    EXPECT_EQ(outcome.answer.status, 201);
    EXPECT_TRUE(payments.charged.empty());
    EXPECT_EQ(inventory.calls, (std::vector<std::string>{"reserve:2"}));
}

TEST_F(SagaTest, PaymentOutagesAreRetriedTwice) {
    payments.failures_before_answer = 2;
    EXPECT_EQ(run(pending_order()).answer.status, 201);
    EXPECT_EQ(payments.attempts, 3);
}

TEST_F(SagaTest, ALongerPaymentOutageLeavesTheOrderPendingAndGivesTheLeaseBack) {
    payments.failures_before_answer = 3;
    const auto outcome = run(pending_order());
    EXPECT_EQ(outcome.kind, SagaOutcome::Kind::transient);
    EXPECT_EQ(outcome.reason, "provider down");
    EXPECT_EQ(payments.attempts, 3);
    EXPECT_EQ(store.leases_released, 1);
    EXPECT_FALSE(store.finished);
    EXPECT_EQ(outcome.order.status, OrderStatus::pending);
}

TEST_F(SagaTest, AnInventoryOutageIsTransientAndReportsTheOpenCircuit) {
    inventory.down = true;
    const auto outcome = run(pending_order());
    EXPECT_EQ(outcome.kind, SagaOutcome::Kind::transient);
    EXPECT_TRUE(outcome.circuit_open);
    EXPECT_EQ(store.leases_released, 1);
}

TEST_F(SagaTest, ATransientDatabaseErrorIsTransientAndAPermanentOneIsThrown) {
    struct FailingStore final : SagaStore {
        ecom::pg::Error error;
        explicit FailingStore(ecom::pg::Error e) : error(std::move(e)) {}
        asio::awaitable<bool> record_reservation(const std::string&, const std::string&, const std::vector<PricedLine>&,
                                                 std::int64_t, std::int64_t, const SpanContext*) override {
            throw error;
        }
        asio::awaitable<bool> finish(const std::string&, const std::string&, const FinalOutcome&,
                                     const SpanContext*) override {
            co_return true;
        }
        asio::awaitable<void> release_lease(const std::string&, const std::string&, const SpanContext*) override {
            co_return;
        }
    };
    const auto drive = [&](ecom::pg::Error e) {
        FailingStore failing(std::move(e));
        CheckoutSaga saga(failing, inventory, payments);
        return run_to_end(saga.run(pending_order(), kOwner, &kCard, nullptr));
    };
    EXPECT_EQ(drive(ecom::pg::Error(ecom::pg::Error::Kind::connection, "", "connection lost")).kind,
              SagaOutcome::Kind::transient);
    EXPECT_THROW(drive(ecom::pg::Error(ecom::pg::Error::Kind::server, "23514", "check violation")), ecom::pg::Error);
}

TEST_F(SagaTest, ALostLeaseStopsTheRun) {
    store.lease_held = false;
    EXPECT_EQ(run(pending_order()).kind, SagaOutcome::Kind::lease_lost);
    EXPECT_TRUE(payments.charged.empty());
}

// The reconciler: no card.
TEST_F(SagaTest, WithoutACardNothingReservedIsCancelledLeavingATombstone) {
    const auto outcome = run(pending_order(), nullptr);
    EXPECT_EQ(inventory.calls, (std::vector<std::string>{"release"}));
    EXPECT_EQ(store.finished->status, OrderStatus::cancelled);
    EXPECT_EQ(store.finished->failure_code, "order_cancelled");
    EXPECT_EQ(outcome.answer.status, 409);
}

TEST_F(SagaTest, WithoutACardATombstoneThatFindsTheStockCommittedConfirms) {
    inventory.release_answer = ReservationState::committed;
    const auto outcome = run(pending_order(), nullptr);
    EXPECT_EQ(store.finished->status, OrderStatus::confirmed);
    EXPECT_EQ(outcome.answer.status, 201);
}

TEST_F(SagaTest, WithoutACardAChargeFoundAfterACrashIsCommitted) {
    OrderRecord order = pending_order();
    order.reservation_state = ReservationState::held;
    order.items = std::vector<PricedLine>{mug(2)};
    order.total_cents = 2598;
    payments.earlier_charge = PaymentOutcome::approved;
    const auto outcome = run(order, nullptr);
    EXPECT_EQ(payments.lookups, 1);
    EXPECT_TRUE(payments.charged.empty());
    EXPECT_EQ(inventory.calls, (std::vector<std::string>{"commit"}));
    EXPECT_EQ(store.finished->status, OrderStatus::confirmed);
    EXPECT_EQ(store.finished->payment_outcome, PaymentOutcome::approved);
}

TEST_F(SagaTest, WithoutACardNoChargeFoundReleasesAndCancels) {
    OrderRecord order = pending_order();
    order.reservation_state = ReservationState::held;
    const auto outcome = run(order, nullptr);
    EXPECT_EQ(payments.lookups, 1);
    EXPECT_EQ(inventory.calls, (std::vector<std::string>{"release"}));
    EXPECT_EQ(store.finished->status, OrderStatus::cancelled);
    EXPECT_NE(outcome.answer.body.find("nothing was charged"), std::string::npos);
}

TEST_F(SagaTest, AFinalOrderAnswersWhatWasStored) {
    OrderRecord order = pending_order();
    order.status = OrderStatus::payment_declined;
    order.response_status = 402;
    order.response_body = R"({"stored":true})";
    const auto outcome = run(order);
    EXPECT_EQ(outcome.kind, SagaOutcome::Kind::finished);
    EXPECT_EQ(outcome.answer.status, 402);
    EXPECT_EQ(outcome.answer.body, R"({"stored":true})");
    EXPECT_TRUE(inventory.calls.empty());
    EXPECT_FALSE(store.finished);
}

}  // namespace
}  // namespace orders
