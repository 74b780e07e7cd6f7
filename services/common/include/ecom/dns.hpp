#pragma once

// Host name lookups with a deadline and a cache, for the HTTP client and the
// database connections.
//
// getaddrinfo cannot be interrupted, and Asio runs every lookup of an
// io_context on one thread of its own, one after the other: behind a DNS
// server that drops queries (podman's aardvark-dns drops those in flight
// whenever a container starts), one slow lookup held every later one, an
// order's checkout included, for as long as the C library's retries lasted.
// The Resolver instead:
//   - runs each lookup on a thread of its own, so no lookup waits for another;
//   - gives the caller an answer or an error by its deadline (a lookup still
//     running then finishes in the background and fills the cache);
//   - starts a second lookup beside one still unanswered after `hedge_after`
//     (new queries, so one lost query costs that long, not the C library's
//     timeout), at most `max_in_flight` per name;
//   - keeps each name's last addresses: fresh ones (`fresh_for`) are used
//     without asking; older ones are used at once while a lookup refreshes
//     them in the background, and for as long as lookups fail (a DNS outage
//     does not take down connections to a server that is still there).
// Lookups ask for addresses of the families this host has configured (no AAAA
// query on an IPv4-only task or container) and take numeric ports only.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ecom::dns {

using Endpoints = std::vector<boost::asio::ip::tcp::endpoint>;

struct Lookup {
    boost::system::error_code error;  // boost::asio::error::timed_out at the deadline
    Endpoints endpoints;
};

// Asks the name service once, blocking its thread; the system's asks
// getaddrinfo. A Resolver runs it on threads of its own.
using LookupFunction = std::function<Lookup(const std::string& host, const std::string& port)>;

struct ResolverOptions {
    std::chrono::milliseconds fresh_for{5'000};
    std::chrono::milliseconds hedge_after{1'000};
    int max_in_flight = 3;                    // lookups running at once for one name
    std::chrono::milliseconds poll_every{2};  // how often a waiting caller looks for the answer
};

class Resolver {
public:
    explicit Resolver(LookupFunction lookup, ResolverOptions options = {});

    // Completes on the caller's executor; never throws for a failed lookup.
    boost::asio::awaitable<Lookup> resolve(std::string host, std::string port, std::chrono::milliseconds timeout);

    // Lookups started so far (tests read it).
    [[nodiscard]] std::uint64_t lookups_started() const;

    // getaddrinfo, shared by the whole process (never destroyed: a lookup
    // thread may outlive main).
    static Resolver& system();

private:
    struct Shared;
    std::shared_ptr<Shared> shared_;
};

// Resolver::system().resolve(...)
boost::asio::awaitable<Lookup> resolve(std::string host, std::string port, std::chrono::milliseconds timeout);

}  // namespace ecom::dns
