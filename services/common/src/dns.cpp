#include "ecom/dns.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <charconv>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>

namespace ecom::dns {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

namespace {

// One name's answers and the lookups running for it.
struct Entry {
    Endpoints endpoints;  // the last answer that had addresses
    Clock::time_point answered_at;
    std::uint64_t answers = 0;   // lookups that ended with addresses
    std::uint64_t failures = 0;  // lookups that ended with an error
    error_code last_error;
    int in_flight = 0;
    Clock::time_point last_started;
};

// A port is a decimal number 0..65535, as in every URL and conninfo the
// services read.
bool parse_port(const std::string& port, unsigned short& value) {
    unsigned parsed = 0;
    const auto* end = port.data() + port.size();
    const auto [ptr, ec] = std::from_chars(port.data(), end, parsed);
    if (port.empty() || ec != std::errc{} || ptr != end || parsed > 65535) {
        return false;
    }
    value = static_cast<unsigned short>(parsed);
    return true;
}

Lookup ask_getaddrinfo(const std::string& host, const std::string& port) {
    asio::io_context io;
    tcp::resolver resolver(io);
    Lookup lookup;
    const auto results =
        resolver.resolve(host, port, tcp::resolver::address_configured | tcp::resolver::numeric_service, lookup.error);
    for (const auto& entry : results) {
        lookup.endpoints.push_back(entry.endpoint());
    }
    return lookup;
}

}  // namespace

struct Resolver::Shared : std::enable_shared_from_this<Shared> {
    Shared(LookupFunction f, ResolverOptions o) : lookup(std::move(f)), options(o) {}

    LookupFunction lookup;
    ResolverOptions options;
    std::mutex mutex;
    std::unordered_map<std::string, Entry> entries;  // by host and port
    std::atomic<std::uint64_t> started{0};

    // With `mutex` held: starts a lookup when none runs, or when the newest
    // has gone unanswered for hedge_after and fewer than max_in_flight run.
    void maybe_start(Entry& entry, const std::string& key, const std::string& host, const std::string& port,
                     Clock::time_point now) {
        const bool first = entry.in_flight == 0;
        const bool hedge =
            !first && now - entry.last_started >= options.hedge_after && entry.in_flight < options.max_in_flight;
        if (!first && !hedge) {
            return;
        }
        ++entry.in_flight;
        entry.last_started = now;
        started.fetch_add(1, std::memory_order_relaxed);
        try {
            std::thread([self = shared_from_this(), key, host, port] { self->run(key, host, port); }).detach();
        } catch (const std::system_error& e) {  // no thread to be had: a failed lookup
            --entry.in_flight;
            ++entry.failures;
            entry.last_error = e.code();
        }
    }

    // On a lookup's own thread.
    void run(const std::string& key, const std::string& host, const std::string& port) {
        Lookup answer;
        try {
            answer = lookup(host, port);
        } catch (const std::exception&) {
            answer.error = asio::error::host_not_found_try_again;
        }
        const std::lock_guard lock(mutex);
        Entry& entry = entries[key];
        --entry.in_flight;
        if (!answer.error && !answer.endpoints.empty()) {
            entry.endpoints = std::move(answer.endpoints);
            entry.answered_at = Clock::now();
            ++entry.answers;
        } else {
            entry.last_error = answer.error ? answer.error : error_code(asio::error::host_not_found);
            ++entry.failures;
        }
    }
};

Resolver::Resolver(LookupFunction lookup, ResolverOptions options)
    : shared_(std::make_shared<Shared>(std::move(lookup), options)) {}

std::uint64_t Resolver::lookups_started() const {
    return shared_->started.load(std::memory_order_relaxed);
}

Resolver& Resolver::system() {
    static auto* const resolver = new Resolver(ask_getaddrinfo);  // NOLINT(cppcoreguidelines-owning-memory)
    return *resolver;
}

asio::awaitable<Lookup> Resolver::resolve(std::string host, std::string port, std::chrono::milliseconds timeout) {
    unsigned short port_number = 0;
    if (!parse_port(port, port_number)) {
        co_return Lookup{asio::error::service_not_found, {}};
    }
    error_code not_numeric;
    const auto address = asio::ip::make_address(host, not_numeric);
    if (!not_numeric) {
        co_return Lookup{{}, {tcp::endpoint(address, port_number)}};
    }

    const std::string key = host + '\0' + port;
    const auto deadline = Clock::now() + timeout;
    std::uint64_t answers_seen = 0;
    std::uint64_t failures_seen = 0;
    {
        const std::lock_guard lock(shared_->mutex);
        Entry& entry = shared_->entries[key];
        const auto now = Clock::now();
        if (entry.answers > 0) {
            if (now - entry.answered_at >= shared_->options.fresh_for) {
                shared_->maybe_start(entry, key, host, port, now);  // refresh in the background
            }
            co_return Lookup{{}, entry.endpoints};
        }
        answers_seen = entry.answers;
        failures_seen = entry.failures;
        shared_->maybe_start(entry, key, host, port, now);
    }

    // Wait for an answer: a lookup's thread cannot wake this executor safely
    // (it may outlive it), so look every poll_every. Only a name's first
    // lookup waits; later ones are answered from the cache at once.
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (;;) {
        timer.expires_after(shared_->options.poll_every);
        error_code ignored;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
        const std::lock_guard lock(shared_->mutex);
        Entry& entry = shared_->entries[key];
        const auto now = Clock::now();
        if (entry.answers > answers_seen) {
            co_return Lookup{{}, entry.endpoints};
        }
        if (entry.failures > failures_seen && entry.in_flight == 0) {
            co_return Lookup{entry.last_error, {}};
        }
        if (now >= deadline) {
            co_return Lookup{asio::error::timed_out, {}};
        }
        shared_->maybe_start(entry, key, host, port, now);
    }
}

asio::awaitable<Lookup> resolve(std::string host, std::string port, std::chrono::milliseconds timeout) {
    return Resolver::system().resolve(std::move(host), std::move(port), timeout);
}

}  // namespace ecom::dns
