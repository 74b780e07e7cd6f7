#pragma once

// Fakes of the checkout's dependencies for unit tests: the saga's store,
// the inventory and the payment provider, each recording what it was asked.

#include "inventory.hpp"
#include "order_store.hpp"
#include "payment.hpp"

#include <gtest/gtest.h>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <optional>
#include <string>
#include <vector>

namespace orders::fakes {

namespace asio = boost::asio;
using ecom::http::RequestContext;
using ecom::trace::SpanContext;

// Runs a coroutine to its end on a fresh io_context; rethrows what it threw.
template <typename T>
T run_to_end(asio::awaitable<T> coroutine) {
    asio::io_context io;
    std::optional<T> result;
    std::exception_ptr error;
    asio::co_spawn(io, std::move(coroutine), [&](std::exception_ptr e, T value) {
        error = e;
        result = std::move(value);
    });
    io.run();
    if (error) {
        std::rethrow_exception(error);
    }
    return std::move(*result);
}

struct FakeStore final : SagaStore {
    std::string expected_owner;  // checked when set
    std::string last_owner;      // of the last write
    bool lease_held = true;
    std::vector<std::vector<PricedLine>> reservations;
    std::optional<std::int64_t> recorded_total;
    std::optional<FinalOutcome> finished;
    int leases_released = 0;

    asio::awaitable<bool> record_reservation(const std::string&, const std::string& owner,
                                             const std::vector<PricedLine>& items, std::int64_t total_cents,
                                             std::int64_t, const SpanContext*) override {
        check_owner(owner);
        if (!lease_held) {
            co_return false;
        }
        reservations.push_back(items);
        recorded_total = total_cents;
        co_return true;
    }
    asio::awaitable<bool> finish(const std::string&, const std::string& owner, const FinalOutcome& outcome,
                                 const SpanContext*) override {
        check_owner(owner);
        if (!lease_held) {
            co_return false;
        }
        finished = outcome;
        co_return true;
    }
    asio::awaitable<void> release_lease(const std::string&, const std::string&, const SpanContext*) override {
        ++leases_released;
        co_return;
    }
    void check_owner(const std::string& owner) {
        last_owner = owner;
        if (!expected_owner.empty()) {
            EXPECT_EQ(owner, expected_owner);
        }
    }
};

struct FakeInventory final : Inventory {
    ReserveResult reserve_answer;
    ReservationState commit_answer = ReservationState::committed;
    ReservationState release_answer = ReservationState::released;
    bool down = false;     // every call fails
    bool circuit = false;  // circuit_open()
    std::vector<std::string> calls;

    asio::awaitable<ReserveResult> reserve(const std::string&, const std::vector<OrderLine>& lines,
                                           const RequestContext*) override {
        calls.push_back("reserve:" + std::to_string(lines.size()));
        fail_if_down();
        co_return reserve_answer;
    }
    asio::awaitable<ReservationState> commit(const std::string&, const RequestContext*) override {
        calls.emplace_back("commit");
        fail_if_down();
        co_return commit_answer;
    }
    asio::awaitable<ReservationState> release(const std::string&, const RequestContext*) override {
        calls.emplace_back("release");
        fail_if_down();
        co_return release_answer;
    }
    asio::awaitable<ReservationState> give_back(const std::string&, const RequestContext*) override {
        calls.emplace_back("give_back");
        fail_if_down();
        co_return ReservationState::returned;
    }
    [[nodiscard]] bool circuit_open() const noexcept override { return circuit; }
    void fail_if_down() const {
        if (down) {
            throw InventoryUnavailable("product-service is down", true);
        }
    }
};

struct FakePayments final : PaymentGateway {
    PaymentOutcome outcome = PaymentOutcome::approved;
    int failures_before_answer = 0;  // PaymentUnavailable this many times first
    std::optional<PaymentOutcome> earlier_charge;
    std::vector<std::int64_t> charged;
    int attempts = 0;
    int refunds = 0;
    int refusals_left = 0;  // refuse this many refunds first
    int lookups = 0;

    asio::awaitable<PaymentOutcome> charge(const std::string&, std::int64_t amount_cents, const Card&,
                                           const SpanContext*) override {
        ++attempts;
        if (failures_before_answer > 0) {
            --failures_before_answer;
            throw PaymentUnavailable("provider down");
        }
        charged.push_back(amount_cents);
        co_return outcome;
    }
    asio::awaitable<std::optional<PaymentOutcome>> find_charge(const std::string&, const SpanContext*) override {
        ++lookups;
        co_return earlier_charge;
    }
    asio::awaitable<RefundOutcome> refund(const std::string&, const SpanContext*) override {
        ++refunds;
        if (refusals_left > 0) {
            --refusals_left;
            co_return RefundOutcome::refused;
        }
        co_return RefundOutcome::refunded;
    }
};

}  // namespace orders::fakes
