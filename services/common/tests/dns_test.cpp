// Host name lookups with a deadline and a cache (ecom::dns::resolve and
// ecom::dns::Resolver).

#include "ecom/dns.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <thread>
#include <vector>

namespace ecom::dns {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

Lookup run(const std::string& host, const std::string& port, std::chrono::milliseconds timeout) {
    asio::io_context io;
    auto future = asio::co_spawn(io, resolve(host, port, timeout), asio::use_future);
    io.run();
    return future.get();
}

TEST(DnsResolve, FindsLocalhostFromTheHostsFile) {
    const auto lookup = run("localhost", "5432", 2s);
    ASSERT_FALSE(lookup.error) << lookup.error.message();
    ASSERT_FALSE(lookup.endpoints.empty());
    for (const auto& entry : lookup.endpoints) {
        EXPECT_TRUE(entry.address().is_loopback()) << entry.address().to_string();
        EXPECT_EQ(entry.port(), 5432);
    }
}

TEST(DnsResolve, TakesANumericAddressAsItIs) {
    const auto lookup = run("127.0.0.1", "8080", 2s);
    ASSERT_FALSE(lookup.error) << lookup.error.message();
    ASSERT_EQ(lookup.endpoints.size(), 1U);
    EXPECT_EQ(lookup.endpoints.front().address().to_string(), "127.0.0.1");
}

TEST(DnsResolve, RefusesAServiceNameForThePort) {
    // Ports are numbers in every URL and conninfo the services read.
    const auto lookup = run("127.0.0.1", "http", 2s);
    EXPECT_TRUE(lookup.error);
    EXPECT_TRUE(lookup.endpoints.empty());
}

TEST(DnsResolve, GivesUpByTheDeadline) {
    // A name under .invalid never resolves (RFC 6761): the DNS server answers
    // NXDOMAIN quickly, or, with no reachable DNS server, the deadline ends the
    // wait; either way the caller has an error within the deadline, not after
    // the C library's 5-second retries (an abandoned lookup still finishes in
    // the background, so io.run() itself may take that long).
    asio::io_context io;
    const auto start = std::chrono::steady_clock::now();
    std::chrono::steady_clock::duration answered_after{};
    Lookup lookup;
    asio::co_spawn(io, resolve("no-such-host.invalid", "80", 300ms), [&](std::exception_ptr failure, Lookup result) {
        ASSERT_FALSE(failure);
        answered_after = std::chrono::steady_clock::now() - start;
        lookup = std::move(result);
    });
    io.run();
    EXPECT_TRUE(lookup.error);
    EXPECT_LT(answered_after, 1500ms);
}

// --- the Resolver's cache, hedging and deadline, with a stand-in name service

using Clock = std::chrono::steady_clock;

Lookup answer(const char* address) {
    return Lookup{{}, {asio::ip::tcp::endpoint(asio::ip::make_address(address), 8080)}};
}

// A name service whose answers the test scripts, one per lookup in order;
// a lookup past the script blocks until release() (as a lost query does).
class ScriptedNameService {
public:
    explicit ScriptedNameService(std::vector<std::function<Lookup()>> script) : state_(std::make_shared<State>()) {
        state_->script = std::move(script);
        state_->released = state_->release.get_future().share();
    }
    ~ScriptedNameService() { release(); }
    ScriptedNameService(const ScriptedNameService&) = delete;
    ScriptedNameService& operator=(const ScriptedNameService&) = delete;

    LookupFunction function() const {
        return [state = state_](const std::string&, const std::string&) {
            const auto n = state->calls.fetch_add(1);
            if (n < state->script.size()) {
                return state->script[n]();
            }
            state->released.wait();
            return Lookup{asio::error::host_not_found_try_again, {}};
        };
    }
    void release() {
        if (!released_) {
            released_ = true;
            state_->release.set_value();
        }
    }
    std::size_t calls() const { return state_->calls.load(); }

private:
    struct State {
        std::vector<std::function<Lookup()>> script;
        std::atomic<std::size_t> calls{0};
        std::promise<void> release;
        std::shared_future<void> released;
    };
    std::shared_ptr<State> state_;
    bool released_ = false;
};

struct Timed {
    Lookup lookup;
    Clock::duration took{};
};

Timed run_with(Resolver& resolver, const std::string& host, std::chrono::milliseconds timeout) {
    asio::io_context io;
    const auto start = Clock::now();
    auto future = asio::co_spawn(io, resolver.resolve(host, "8080", timeout), asio::use_future);
    io.run();
    return Timed{future.get(), Clock::now() - start};
}

TEST(DnsResolver, AnswersAFreshNameFromItsCache) {
    ScriptedNameService names({[] { return answer("10.0.0.7"); }});
    Resolver resolver(names.function(), ResolverOptions{.fresh_for = 60s});
    const auto first = run_with(resolver, "product-service", 2s);
    const auto second = run_with(resolver, "product-service", 2s);
    ASSERT_FALSE(first.lookup.error) << first.lookup.error.message();
    ASSERT_FALSE(second.lookup.error) << second.lookup.error.message();
    EXPECT_EQ(second.lookup.endpoints.front().address().to_string(), "10.0.0.7");
    EXPECT_EQ(resolver.lookups_started(), 1U);
    EXPECT_EQ(names.calls(), 1U);
}

TEST(DnsResolver, AsksAgainBesideALookupThatLostItsQuery) {
    // The first lookup never answers (its query was dropped); a second one,
    // started after hedge_after, answers: the caller has it well before the
    // first lookup would have ended or the deadline came.
    std::atomic<bool> first_running{false};
    std::promise<void> unblock;
    auto unblocked = unblock.get_future().share();
    ScriptedNameService names({[&first_running, unblocked] {
                                   first_running = true;
                                   unblocked.wait();
                                   return Lookup{asio::error::timed_out, {}};
                               },
                               [] { return answer("10.0.0.8"); }});
    Resolver resolver(names.function(), ResolverOptions{.hedge_after = 100ms});
    const auto result = run_with(resolver, "product-service", 5s);
    unblock.set_value();
    ASSERT_FALSE(result.lookup.error) << result.lookup.error.message();
    EXPECT_EQ(result.lookup.endpoints.front().address().to_string(), "10.0.0.8");
    EXPECT_TRUE(first_running.load());
    EXPECT_EQ(resolver.lookups_started(), 2U);
    EXPECT_LT(result.took, 2s);
}

TEST(DnsResolver, KeepsTheLastAddressesWhileLookupsFail) {
    // fresh_for 0: every call refreshes in the background, and a failed
    // refresh leaves the last answer in use.
    ScriptedNameService names({[] { return answer("10.0.0.9"); },
                               [] {
                                   return Lookup{asio::error::host_not_found_try_again, {}};
                               },
                               [] {
                                   return Lookup{asio::error::host_not_found_try_again, {}};
                               }});
    Resolver resolver(names.function(), ResolverOptions{.fresh_for = 0ms});
    ASSERT_FALSE(run_with(resolver, "db", 2s).lookup.error);
    for (int i = 0; i < 3; ++i) {
        const auto again = run_with(resolver, "db", 2s);
        ASSERT_FALSE(again.lookup.error) << again.lookup.error.message();
        EXPECT_EQ(again.lookup.endpoints.front().address().to_string(), "10.0.0.9");
        std::this_thread::sleep_for(20ms);  // let the background refresh end
    }
    EXPECT_GE(resolver.lookups_started(), 3U);
}

TEST(DnsResolver, ReportsAFailedLookupWithoutWaitingForTheDeadline) {
    ScriptedNameService names({[] { return Lookup{asio::error::host_not_found, {}}; }});
    Resolver resolver(names.function(), ResolverOptions{.hedge_after = 10s});
    const auto result = run_with(resolver, "no-such-service", 5s);
    EXPECT_EQ(result.lookup.error, asio::error::host_not_found);
    EXPECT_LT(result.took, 1s);
}

TEST(DnsResolver, GivesUpAtTheDeadlineWhenNoLookupAnswers) {
    ScriptedNameService names({});  // every lookup hangs until released
    Resolver resolver(names.function(), ResolverOptions{.hedge_after = 50ms, .max_in_flight = 2});
    const auto result = run_with(resolver, "product-service", 300ms);
    EXPECT_EQ(result.lookup.error, asio::error::timed_out);
    EXPECT_GE(result.took, 300ms);
    EXPECT_LT(result.took, 1500ms);
    EXPECT_EQ(resolver.lookups_started(), 2U);  // hedged once, then capped
}

TEST(DnsResolver, NeedsNoLookupForANumericAddress) {
    ScriptedNameService names({});
    Resolver resolver(names.function());
    const auto result = run_with(resolver, "::1", 1s);
    ASSERT_FALSE(result.lookup.error);
    EXPECT_TRUE(result.lookup.endpoints.front().address().is_v6());
    EXPECT_EQ(resolver.lookups_started(), 0U);
}

}  // namespace
}  // namespace ecom::dns
