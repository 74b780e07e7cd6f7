// Host name lookups with a deadline (ecom::dns::resolve).

#include "ecom/dns.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>

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
        EXPECT_TRUE(entry.endpoint().address().is_loopback()) << entry.endpoint().address().to_string();
        EXPECT_EQ(entry.endpoint().port(), 5432);
    }
}

TEST(DnsResolve, TakesANumericAddressAsItIs) {
    const auto lookup = run("127.0.0.1", "8080", 2s);
    ASSERT_FALSE(lookup.error) << lookup.error.message();
    ASSERT_EQ(lookup.endpoints.size(), 1U);
    EXPECT_EQ(lookup.endpoints.begin()->endpoint().address().to_string(), "127.0.0.1");
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

}  // namespace
}  // namespace ecom::dns
