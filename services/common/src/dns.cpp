#include "ecom/dns.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <memory>

namespace ecom::dns {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// Shared by the waiting coroutine and the lookup's completion, which may come
// after the caller gave up.
struct PendingLookup {
    explicit PendingLookup(const asio::any_io_executor& executor) : resolver(executor), deadline(executor) {}
    tcp::resolver resolver;
    asio::steady_timer deadline;
    Lookup result;
    bool done = false;
};

}  // namespace

asio::awaitable<Lookup> resolve(std::string host, std::string port, std::chrono::milliseconds timeout) {
    auto pending = std::make_shared<PendingLookup>(co_await asio::this_coro::executor);
    pending->deadline.expires_after(timeout);
    pending->resolver.async_resolve(
        host, port, tcp::resolver::address_configured | tcp::resolver::numeric_service,
        [pending](const boost::system::error_code& error, tcp::resolver::results_type endpoints) {
            if (pending->done) {
                return;  // the caller gave up at the deadline
            }
            pending->done = true;
            pending->result.error = error;
            pending->result.endpoints = std::move(endpoints);
            pending->deadline.cancel();
        });
    boost::system::error_code waited;
    co_await pending->deadline.async_wait(asio::redirect_error(asio::use_awaitable, waited));
    if (!pending->done) {
        pending->done = true;
        pending->resolver.cancel();
        pending->result.error = asio::error::timed_out;
    }
    co_return std::move(pending->result);
}

}  // namespace ecom::dns
