#pragma once

// Host name lookups with a deadline, for the HTTP client and the database
// connections.
//
// Asio's resolver runs getaddrinfo on a thread of its own and cannot
// interrupt it: behind a DNS server that drops a query, a plain async_resolve
// holds the caller for as long as the C library's retries last (5 s per try,
// two tries), an order's checkout included. resolve() gives up at the
// deadline instead (the lookup finishes in the background and is dropped), so
// the caller fails fast and retries the way it retries a refused connection.
// It asks with getaddrinfo's usual flags: addresses only of the families this
// host has configured (no AAAA query on an IPv4-only task or container) and a
// numeric port.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <string>

namespace ecom::dns {

struct Lookup {
    boost::system::error_code error;  // boost::asio::error::timed_out at the deadline
    boost::asio::ip::tcp::resolver::results_type endpoints;
};

// Completes on the caller's executor, which must be run by one thread (every
// io_context in the services is).
boost::asio::awaitable<Lookup> resolve(std::string host, std::string port, std::chrono::milliseconds timeout);

}  // namespace ecom::dns
