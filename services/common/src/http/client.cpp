#include "ecom/http/client.hpp"

#include "ecom/dns.hpp"
#include "ecom/http/error.hpp"
#include "ecom/ids.hpp"
#include "ecom/log.hpp"
#include "ecom/metrics.hpp"
#include "ecom/trace_context.hpp"
#include "ecom/tracing.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <atomic>
#include <mutex>

namespace ecom::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

struct PooledConnection {
    explicit PooledConnection(asio::io_context& io) : stream(io) {}
    beast::tcp_stream stream;
    beast::flat_buffer buffer;
    Clock::time_point idle_since{};
    bool reused = false;
};

bhttp::verb to_verb(Method m) {
    switch (m) {
        case Method::get: return bhttp::verb::get;
        case Method::head: return bhttp::verb::head;
        case Method::post: return bhttp::verb::post;
        case Method::put: return bhttp::verb::put;
        case Method::patch: return bhttp::verb::patch;
        case Method::delete_: return bhttp::verb::delete_;
        case Method::options: return bhttp::verb::options;
        case Method::unknown: break;
    }
    return bhttp::verb::get;
}

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

// X-Request-Id, and the trace headers when the request is traced: the
// callee's parent is this call's client span when recorded.
void set_context_headers(bhttp::request<bhttp::string_body>& req, const RequestContext& context,
                         std::string_view span_id) {
    if (!context.request_id.empty()) {
        req.set("X-Request-Id", context.request_id);
    }
    const trace::SpanContext& tc = context.trace;
    if (tc.trace_id.empty()) {
        return;
    }
    const std::string parent = span_id.empty() ? trace::new_span_id() : std::string(span_id);
    req.set("traceparent", trace::format_traceparent(tc.trace_id, parent, tc.sampled));
    req.set("X-Amzn-Trace-Id", trace::format_amzn_trace_id(tc.trace_id, parent, tc.sampled));
    if (!tc.tracestate.empty()) {
        req.set("tracestate", tc.tracestate);
    }
}

IncomingResponse to_incoming(bhttp::response<bhttp::string_body>& res) {
    IncomingResponse out;
    out.status = res.result_int();
    for (const auto& field : res) {
        out.headers.add(std::string(field.name_string()), std::string(field.value()));
    }
    out.body = std::move(res.body());
    return out;
}

// The outcome label of a response.
const char* status_outcome(unsigned status) {
    return status < 300 ? "2xx" : status < 400 ? "3xx" : status < 500 ? "4xx" : "5xx";
}

// The outcome label of a call that got no response.
const char* error_outcome(const UpstreamError& e) {
    return e.kind() == UpstreamError::Kind::timeout     ? "timeout"
        : e.kind() == UpstreamError::Kind::bad_response ? "bad_response"
                                                        : "unavailable";
}

}  // namespace

std::chrono::milliseconds backoff_delay(int attempt, std::chrono::milliseconds base, std::chrono::milliseconds max,
                                        double unit_random) {
    double cap = static_cast<double>(base.count());
    for (int i = 0; i < attempt && cap < static_cast<double>(max.count()); ++i) {
        cap *= 2;
    }
    cap = std::min(cap, static_cast<double>(max.count()));
    return std::chrono::milliseconds(static_cast<std::int64_t>(unit_random * cap));
}

struct Client::Impl {
    struct WorkerPool {
        asio::io_context* io = nullptr;
        std::vector<std::unique_ptr<PooledConnection>> idle;
    };

    Impl(const std::vector<asio::io_context*>& workers, ClientOptions o, metrics::Registry& registry)
        : options(std::move(o)) {
        constexpr std::string_view scheme = "http://";
        if (!options.base_url.starts_with(scheme)) {
            throw std::invalid_argument("client base URL must start with http://: " + options.base_url);
        }
        std::string authority = options.base_url.substr(scheme.size());
        while (!authority.empty() && authority.back() == '/') {
            authority.pop_back();
        }
        host_header = authority;
        const auto colon = authority.rfind(':');
        if (colon != std::string::npos && authority.find(']') == std::string::npos) {
            host = authority.substr(0, colon);
            port = authority.substr(colon + 1);
        } else {
            host = authority;
            port = "80";
        }
        for (auto* io : workers) {
            pools.push_back(WorkerPool{io, {}});
        }
        for (const auto* outcome :
             {"2xx", "3xx", "4xx", "5xx", "timeout", "unavailable", "circuit_open", "bad_response"}) {
            outcomes.emplace_back(outcome,
                                  &registry.counter("http_client_requests_total", "Calls to other services by outcome",
                                                    {{"upstream", options.name}, {"outcome", outcome}}));
        }
        duration = &registry.histogram("http_client_request_duration_seconds",
                                       "Time to answer a call to another service, retries included",
                                       {{"upstream", options.name}});
        retries = &registry.counter("http_client_retries_total", "Calls sent again after a failure",
                                    {{"upstream", options.name}});
        registry.callback_gauge("http_client_circuit_open", "1 while the circuit to the upstream is open",
                                {{"upstream", options.name}}, [this] { return is_open() ? 1.0 : 0.0; });
    }

    void count(std::string_view outcome) {
        for (auto& [name, counter] : outcomes) {
            if (name == outcome) {
                counter->inc();
                return;
            }
        }
    }

    WorkerPool& pool_for(asio::execution_context& context) {
        for (auto& p : pools) {
            if (p.io == &context) {
                return p;
            }
        }
        throw std::logic_error("HTTP client used from a thread that is not one of its workers");
    }

    // --- circuit breaker (shared by the workers) ---------------------------
    bool is_open() const noexcept { return open_until.load(std::memory_order_relaxed) > now_ns(); }

    // Whether a call may go out now; a half-open circuit lets one probe through.
    bool admit(bool& probe) {
        probe = false;
        const auto until = open_until.load(std::memory_order_relaxed);
        if (until == 0) {
            return true;
        }
        if (until > now_ns()) {
            return false;
        }
        bool expected = false;
        if (probing.compare_exchange_strong(expected, true)) {
            probe = true;
            return true;
        }
        return false;
    }

    // admit() for a call: whether it is the half-open circuit's probe; an
    // open circuit throws (and is counted).
    bool admit_call() {
        bool probe = false;
        if (!admit(probe)) {
            count("circuit_open");
            throw UpstreamError(UpstreamError::Kind::circuit_open, options.name + " is unavailable (circuit open)",
                                false);
        }
        return probe;
    }

    void succeeded(bool probe) {
        failures.store(0, std::memory_order_relaxed);
        if (probe || open_until.load(std::memory_order_relaxed) != 0) {
            if (open_until.exchange(0) != 0) {
                log::info("circuit closed", {{"upstream", options.name}});
            }
        }
        if (probe) {
            probing.store(false);
        }
    }

    void failed(bool probe) {
        const int n = failures.fetch_add(1, std::memory_order_relaxed) + 1;
        if (probe || n >= options.breaker_failures) {
            const auto until =
                now_ns() + std::chrono::duration_cast<std::chrono::nanoseconds>(options.breaker_open).count();
            if (open_until.exchange(until) <= now_ns()) {
                log::warn("circuit opened", {{"upstream", options.name}, {"consecutive_failures", n}});
            }
        }
        if (probe) {
            probing.store(false);
        }
    }

    // --- connections -------------------------------------------------------
    asio::awaitable<std::unique_ptr<PooledConnection>> acquire(WorkerPool& pool) {
        const auto now = Clock::now();
        while (!pool.idle.empty()) {
            auto c = std::move(pool.idle.back());
            pool.idle.pop_back();
            if (now - c->idle_since < options.idle_timeout && c->stream.socket().is_open()) {
                c->reused = true;
                co_return c;
            }
        }
        auto c = std::make_unique<PooledConnection>(*pool.io);
        // A name's first lookup gets the request's time (a lost query is
        // asked again after a second, see dns.hpp); later ones are answered
        // from the cache. The connection gets its own time.
        auto lookup = co_await dns::resolve(host, port, std::max(options.connect_timeout, options.request_timeout));
        if (lookup.error) {
            throw UpstreamError(lookup.error == asio::error::timed_out ? UpstreamError::Kind::timeout
                                                                       : UpstreamError::Kind::unavailable,
                                "cannot resolve " + host + ": " + lookup.error.message(), false);
        }
        error_code ec;
        c->stream.expires_after(options.connect_timeout);
        co_await c->stream.async_connect(lookup.endpoints, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            throw UpstreamError(
                ec == beast::error::timeout ? UpstreamError::Kind::timeout : UpstreamError::Kind::unavailable,
                "cannot connect to " + options.name + ": " + ec.message(), false);
        }
        c->stream.socket().set_option(tcp::no_delay(true), ec);
        co_return c;
    }

    void release(WorkerPool& pool, std::unique_ptr<PooledConnection> c) {
        if (closed.load() || pool.idle.size() >= options.max_idle_per_worker) {
            return;
        }
        c->idle_since = Clock::now();
        c->stream.expires_never();
        pool.idle.push_back(std::move(c));
    }

    // The wire request: the call's headers and body, the host, the bearer token
    // and the request's id and trace context.
    bhttp::request<bhttp::string_body> build_request(const OutgoingRequest& request, std::string_view span_id) const {
        bhttp::request<bhttp::string_body> req{to_verb(request.method), request.target, 11};
        req.set(bhttp::field::host, host_header);
        req.set(bhttp::field::user_agent, "ecom-http-client");
        req.set(bhttp::field::accept, "application/json");
        for (const auto& [name, value] : request.headers) {
            req.set(name, value);
        }
        if (!options.bearer_token.empty()) {
            req.set(bhttp::field::authorization, "Bearer " + options.bearer_token);
        }
        if (request.context != nullptr) {
            set_context_headers(req, *request.context, span_id);
        }
        if (!request.body.empty()) {
            req.set(bhttp::field::content_type, "application/json");
            req.body() = request.body;
        }
        req.keep_alive(true);
        req.prepare_payload();
        return req;
    }

    [[nodiscard]] UpstreamError send_error(const error_code& ec) const {
        return {ec == beast::error::timeout ? UpstreamError::Kind::timeout : UpstreamError::Kind::unavailable,
                options.name + ": sending failed: " + ec.message(), false};
    }

    // `stale`: a reused connection the server had closed, so the request
    // was not processed.
    [[nodiscard]] UpstreamError read_error(const error_code& ec, bool stale) const {
        return {ec == beast::error::timeout          ? UpstreamError::Kind::timeout
                    : ec == bhttp::error::body_limit ? UpstreamError::Kind::bad_response
                                                     : UpstreamError::Kind::unavailable,
                options.name + ": no response: " + ec.message(), !stale};
    }

    // One attempt. `sent` tells whether the whole request was written.
    asio::awaitable<IncomingResponse> attempt(WorkerPool& pool, const OutgoingRequest& request, bool& sent,
                                              std::string_view span_id) {
        sent = false;
        auto c = co_await acquire(pool);
        auto req = build_request(request, span_id);
        error_code ec;
        c->stream.expires_after(options.request_timeout);
        co_await bhttp::async_write(c->stream, req, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            throw send_error(ec);
        }
        sent = true;
        bhttp::response_parser<bhttp::string_body> parser;
        parser.body_limit(options.max_response_bytes);
        co_await bhttp::async_read(c->stream, c->buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            // A reused connection the server had closed: nothing was processed
            // if not a byte came back, but only a fresh connection proves it.
            const bool stale = c->reused &&
                (ec == bhttp::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset);
            if (stale) {
                sent = false;
            }
            throw read_error(ec, stale);
        }
        auto& res = parser.get();
        IncomingResponse out = to_incoming(res);
        if (res.keep_alive()) {
            release(pool, std::move(c));
        }
        co_return out;
    }

    // The client span of one attempt, with the call's attributes when recorded.
    [[nodiscard]] trace::Span client_span(const OutgoingRequest& request) const {
        trace::Span span(std::string(to_string(request.method)), trace::SpanKind::client, trace_of(request.context));
        if (span.recording()) {
            span.attribute("http.request.method", std::string(to_string(request.method)));
            span.attribute("server.address", host);
            // The path without its query: no ids of people in span attributes.
            span.attribute("url.path", request.target.substr(0, request.target.find('?')));
            span.attribute("peer.service", options.name);
        }
        return span;
    }

    // Ends the span of an attempt that got a response and tells the circuit
    // breaker: a 5xx counts as a failure.
    void answered(trace::Span& span, unsigned status, bool probe) {
        span.attribute("http.response.status_code", static_cast<std::int64_t>(status));
        if (status >= 500) {
            span.fail("the upstream answered " + std::to_string(status));
        }
        span.end();
        if (status >= 500) {
            failed(probe);
        } else {
            succeeded(probe);
        }
    }

    ClientOptions options;
    std::string host;
    std::string port;
    std::string host_header;
    std::vector<WorkerPool> pools;
    std::atomic<int> failures{0};
    std::atomic<std::int64_t> open_until{0};
    std::atomic<bool> probing{false};
    std::atomic<bool> closed{false};
    std::vector<std::pair<std::string, metrics::Counter*>> outcomes;
    metrics::Histogram* duration = nullptr;
    metrics::Counter* retries = nullptr;
};

Client::Client(const std::vector<asio::io_context*>& workers, ClientOptions options, metrics::Registry& registry)
    : impl_(std::make_shared<Impl>(workers, std::move(options), registry)) {}

Client::~Client() = default;

bool Client::circuit_open() const noexcept {
    return impl_->is_open();
}

std::chrono::seconds Client::retry_after() const noexcept {
    const auto remaining_ns = impl_->open_until.load(std::memory_order_relaxed) - now_ns();
    const auto seconds = (remaining_ns + 999'999'999) / 1'000'000'000;
    return std::chrono::seconds(seconds < 1 ? 1 : seconds);
}

void Client::close() {
    impl_->closed.store(true);
    for (auto& pool : impl_->pools) {
        auto* p = &pool;
        auto impl = impl_;
        asio::post(*pool.io, [p, impl] { p->idle.clear(); });
    }
}

asio::awaitable<IncomingResponse> Client::send(OutgoingRequest request) {
    auto impl = impl_;  // keeps the pools alive while this call runs
    auto executor = co_await asio::this_coro::executor;
    auto& pool = impl->pool_for(asio::query(executor, asio::execution::context));
    const auto start = Clock::now();
    const auto& o = impl->options;
    std::optional<UpstreamError> last_error;
    std::optional<IncomingResponse> last_response;
    for (int attempt = 0; attempt < o.max_attempts; ++attempt) {
        const bool probe = impl->admit_call();
        if (attempt > 0) {
            impl->retries->inc();
            asio::steady_timer pause(executor,
                                     backoff_delay(attempt - 1, o.backoff_base, o.backoff_max, fast_random_unit()));
            error_code ignored;
            co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
        }
        bool sent = false;
        trace::Span span = impl->client_span(request);
        try {
            IncomingResponse response = co_await impl->attempt(pool, request, sent, span.id());
            impl->answered(span, response.status, probe);
            const bool server_error = response.status >= 500;
            if (server_error && request.idempotent && attempt + 1 < o.max_attempts && response.status != 501) {
                last_response = std::move(response);
                continue;
            }
            impl->count(status_outcome(response.status));
            impl->duration->observe(Clock::now() - start);
            co_return response;
        } catch (const UpstreamError& e) {
            span.fail(e.what());
            span.end();
            impl->failed(probe);
            last_error = e;
            if (!request.idempotent && sent) {
                break;  // the outcome is unknown: the caller decides
            }
        }
    }
    impl->duration->observe(Clock::now() - start);
    if (last_response && !last_error) {
        impl->count("5xx");
        co_return std::move(*last_response);
    }
    impl->count(error_outcome(*last_error));
    throw *last_error;
}

}  // namespace ecom::http
