// What the lifecycle routes read from a request (lifecycle_request.hpp), and
// the actions an order page offers (order_moves.hpp).

#include "lifecycle_request.hpp"
#include "ecom/http/error.hpp"
#include "order_moves.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace orders {
namespace {

using ecom::http::HttpError;

// The error code and the first detail's field (or the message) of a refusal.
std::string refusal(const std::function<void()>& call) {
    try {
        call();
    } catch (const HttpError& e) {
        return std::string(e.code()) + ":" + (e.details().empty() ? e.what() : e.details().front().field);
    }
    return "accepted";
}

TEST(MoveBody, AnEmptyBodyAsksNothing) {
    const MoveBody body = parse_move_body("", true);
    EXPECT_FALSE(body.reason);
    EXPECT_FALSE(body.restock);
}

TEST(MoveBody, ReadsAReasonAndARestock) {
    const MoveBody body = parse_move_body(R"({"reason":"returned unopened","restock":true})", true);
    EXPECT_EQ(body.reason, "returned unopened");
    EXPECT_EQ(body.restock, true);
    EXPECT_FALSE(parse_move_body(R"({"reason":""})", false).reason) << "an empty reason is no reason";
}

TEST(MoveBody, RefusesWhatIsNotAValidMove) {
    EXPECT_EQ(refusal([] { parse_move_body("{", false); }).rfind("invalid_json:", 0), 0U);
    EXPECT_EQ(refusal([] { parse_move_body("[1]", false); }), "validation_failed:(body)");
    EXPECT_EQ(refusal([] { parse_move_body(R"({"reason":5})", false); }), "validation_failed:reason");
    EXPECT_EQ(refusal([] { parse_move_body(R"({"reason":")" + std::string(501, 'x') + R"("})", false); }),
              "validation_failed:reason");
    EXPECT_EQ(refusal([] { parse_move_body(R"({"reason":"a\u0007b"})", false); }), "validation_failed:reason");
    EXPECT_EQ(refusal([] { parse_move_body(R"({"restock":true})", false); }), "validation_failed:restock")
        << "a cancel has no restock";
    EXPECT_EQ(refusal([] { parse_move_body(R"({"restock":"yes"})", true); }), "validation_failed:restock");
    EXPECT_EQ(refusal([] { parse_move_body(R"({"why":"no"})", true); }), "validation_failed:why");
}

TEST(OrderFilter, ReadsEveryFilter) {
    const OrderFilter f = parse_order_filter({.status = "CONFIRMED,CANCEL_REFUND_FAILED",
                                              .email = "Ada@Example.com",
                                              .created_from = "2026-03-01T00:00:00Z",
                                              .created_to = "2026-03-02T00:00:00+01:00",
                                              .cursor = "1772640131020_9B2F4E1A-3C5D-4E6F-8A7B-0C1D2E3F4A5B",
                                              .limit = 7});
    EXPECT_EQ(f.statuses, (std::vector{OrderStatus::confirmed, OrderStatus::cancel_refund_failed}));
    EXPECT_EQ(f.email, "ada@example.com");
    EXPECT_EQ(f.created_from_ms, 1'772'323'200'000);
    EXPECT_EQ(f.created_to_ms, 1'772'406'000'000);
    ASSERT_TRUE(f.after);
    EXPECT_EQ(f.after->first, 1'772'640'131'020);
    EXPECT_EQ(f.after->second, "9b2f4e1a-3c5d-4e6f-8a7b-0c1d2e3f4a5b");
    EXPECT_EQ(f.limit, 7);
    const OrderFilter none = parse_order_filter({});
    EXPECT_TRUE(none.statuses.empty());
    EXPECT_FALSE(none.email || none.created_from_ms || none.created_to_ms || none.after);
}

TEST(OrderFilter, NamesTheParameterThatIsWrong) {
    const auto message = [](const OrderFilterParams& p) {
        try {
            parse_order_filter(p);
        } catch (const HttpError& e) {
            EXPECT_EQ(e.code(), "invalid_parameter");
            return std::string(e.what()).substr(0, std::string(e.what()).find(' '));
        }
        return std::string("accepted");
    };
    EXPECT_EQ(message({.status = "SHIPPED"}), "status");
    EXPECT_EQ(message({.status = "CONFIRMED,"}), "status");
    EXPECT_EQ(message({.status = "confirmed"}), "status");
    EXPECT_EQ(message({.email = "nope"}), "email");
    EXPECT_EQ(message({.created_from = "2026-03-01"}), "created_from");
    EXPECT_EQ(message({.created_to = "tomorrow"}), "created_to");
    EXPECT_EQ(message({.cursor = "abc"}), "cursor");
    EXPECT_EQ(message({.cursor = "-5_9b2f4e1a-3c5d-4e6f-8a7b-0c1d2e3f4a5b"}), "cursor");
    EXPECT_EQ(message({.cursor = "5_not-a-uuid"}), "cursor");
}

TEST(OrderCursor, RoundTrips) {
    OrderRecord order;
    order.id = "9b2f4e1a-3c5d-4e6f-8a7b-0c1d2e3f4a5b";
    order.created_ms = 1'772'640'131'020;
    const auto back = parse_order_cursor(order_cursor(order));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->first, order.created_ms);
    EXPECT_EQ(back->second, order.id);
}

TEST(AvailableActions, FollowTheTransitionTableAndTheActor) {
    using V = std::vector<OrderAction>;
    EXPECT_EQ(available_actions(Actor::customer, OrderStatus::confirmed), V{OrderAction::cancel});
    EXPECT_EQ(available_actions(Actor::admin, OrderStatus::confirmed), (V{OrderAction::cancel, OrderAction::fulfil}));
    EXPECT_EQ(available_actions(Actor::admin, OrderStatus::fulfilled), V{OrderAction::refund});
    EXPECT_EQ(available_actions(Actor::customer, OrderStatus::fulfilled), V{});
    EXPECT_EQ(available_actions(Actor::admin, OrderStatus::cancel_refund_failed), V{OrderAction::retry_refund});
    EXPECT_EQ(available_actions(Actor::admin, OrderStatus::return_refund_failed), V{OrderAction::retry_refund});
    for (const auto status : {OrderStatus::pending, OrderStatus::cancelling, OrderStatus::cancelled,
                              OrderStatus::refunding, OrderStatus::refunded, OrderStatus::payment_declined}) {
        EXPECT_EQ(available_actions(Actor::admin, status), V{}) << to_string(status);
    }
}

}  // namespace
}  // namespace orders
