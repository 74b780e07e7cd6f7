#include "order_lifecycle.hpp"
#include "order_domain.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>

namespace orders {
namespace {

constexpr OrderStatus kStatuses[] = {OrderStatus::pending,
                                     OrderStatus::confirmed,
                                     OrderStatus::payment_declined,
                                     OrderStatus::rejected,
                                     OrderStatus::cancelled,
                                     OrderStatus::cancelling,
                                     OrderStatus::fulfilled,
                                     OrderStatus::refunding,
                                     OrderStatus::refunded,
                                     OrderStatus::cancel_refund_failed,
                                     OrderStatus::return_refund_failed};
constexpr OrderAction kActions[] = {OrderAction::cancel, OrderAction::fulfil,         OrderAction::refund,
                                    OrderAction::settle, OrderAction::refund_refused, OrderAction::retry_refund};
constexpr Actor kActors[] = {Actor::customer, Actor::admin, Actor::system};

// Written out by name, apart from the table in order_lifecycle.cpp: the
// issue's lifecycle (confirmed -> fulfilled or cancelled; fulfilled ->
// refunded) with its in-progress and refund-refused states.
const std::map<std::pair<std::string, std::string>, std::string> kLegal{
    {{"CONFIRMED", "cancel"}, "CANCELLING"},
    {{"CONFIRMED", "fulfil"}, "FULFILLED"},
    {{"CANCELLING", "settle"}, "CANCELLED"},
    {{"CANCELLING", "refund_refused"}, "CANCEL_REFUND_FAILED"},
    {{"CANCEL_REFUND_FAILED", "retry_refund"}, "CANCELLING"},
    {{"FULFILLED", "refund"}, "REFUNDING"},
    {{"REFUNDING", "settle"}, "REFUNDED"},
    {{"REFUNDING", "refund_refused"}, "RETURN_REFUND_FAILED"},
    {{"RETURN_REFUND_FAILED", "retry_refund"}, "REFUNDING"},
};

// Every (status, action) pair: 11 x 6 = 66, 9 of them legal.
TEST(OrderLifecycle, EveryPairLegalOrNot) {
    int checked = 0;
    int legal = 0;
    for (const auto from : kStatuses) {
        for (const auto action : kActions) {
            const auto key = std::pair{std::string(to_string(from)), std::string(to_string(action))};
            const auto to = next_status(from, action);
            const auto expected = kLegal.find(key);
            if (expected == kLegal.end()) {
                EXPECT_FALSE(to) << key.first << " + " << key.second << " must be illegal, leads to "
                                 << (to ? to_string(*to) : "");
            } else {
                ASSERT_TRUE(to) << key.first << " + " << key.second << " must be legal";
                EXPECT_EQ(to_string(*to), expected->second) << key.first << " + " << key.second;
                ++legal;
            }
            ++checked;
        }
    }
    EXPECT_EQ(checked, 66);
    EXPECT_EQ(legal, static_cast<int>(kLegal.size()));
}

// Checkout's own statuses are out of the lifecycle's reach: PENDING belongs
// to the saga, PAYMENT_DECLINED and REJECTED are final, and so are the
// lifecycle's ends.
TEST(OrderLifecycle, FinalStatusesHaveNoMove) {
    for (const auto from : {OrderStatus::pending, OrderStatus::payment_declined, OrderStatus::rejected,
                            OrderStatus::cancelled, OrderStatus::refunded}) {
        for (const auto action : kActions) {
            EXPECT_FALSE(next_status(from, action)) << to_string(from) << " + " << to_string(action);
        }
    }
}

// Every (actor, action) pair: a customer may only cancel; the compensation's
// own moves are the service's; retrying a refused refund is an admin's.
TEST(OrderLifecycle, EveryActorActionPair) {
    const std::map<std::pair<std::string, std::string>, bool> allowed{
        {{"customer", "cancel"}, true},
        {{"customer", "fulfil"}, false},
        {{"customer", "refund"}, false},
        {{"customer", "settle"}, false},
        {{"customer", "refund_refused"}, false},
        {{"customer", "retry_refund"}, false},
        {{"admin", "cancel"}, true},
        {{"admin", "fulfil"}, true},
        {{"admin", "refund"}, true},
        {{"admin", "settle"}, false},
        {{"admin", "refund_refused"}, false},
        {{"admin", "retry_refund"}, true},
        {{"system", "cancel"}, false},
        {{"system", "fulfil"}, false},
        {{"system", "refund"}, false},
        {{"system", "settle"}, true},
        {{"system", "refund_refused"}, true},
        {{"system", "retry_refund"}, false},
    };
    int checked = 0;
    for (const auto actor : kActors) {
        for (const auto action : kActions) {
            const auto key = std::pair{std::string(to_string(actor)), std::string(to_string(action))};
            ASSERT_TRUE(allowed.contains(key)) << key.first << " " << key.second;
            EXPECT_EQ(may_perform(actor, action), allowed.at(key)) << key.first << " " << key.second;
            ++checked;
        }
    }
    EXPECT_EQ(checked, 18);
}

// The reconciler finishes exactly the statuses a settle leaves.
TEST(OrderLifecycle, CompensationPendingIsWhereSettleIsLegal) {
    for (const auto status : kStatuses) {
        EXPECT_EQ(compensation_pending(status), next_status(status, OrderAction::settle).has_value())
            << to_string(status);
    }
}

TEST(OrderLifecycle, NamesRoundTrip) {
    for (const auto action : kActions) {
        EXPECT_EQ(order_action_from_string(to_string(action)), action);
    }
    for (const auto actor : kActors) {
        EXPECT_EQ(actor_from_string(to_string(actor)), actor);
    }
    for (const auto status : kStatuses) {
        EXPECT_EQ(order_status_from_string(to_string(status)), status);
    }
    EXPECT_EQ(to_string(OrderStatus::cancel_refund_failed), "CANCEL_REFUND_FAILED");
    EXPECT_EQ(metric_label(OrderStatus::return_refund_failed), "return_refund_failed");
    EXPECT_EQ(to_string(ReservationState::returned), "returned");
    EXPECT_FALSE(order_action_from_string("Cancel"));
    EXPECT_FALSE(actor_from_string("root"));
}

}  // namespace
}  // namespace orders
