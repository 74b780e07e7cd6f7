#include "ecom/http/server.hpp"

#include "ecom/ascii.hpp"
#include "ecom/http/error.hpp"
#include "ecom/ids.hpp"
#include "ecom/log.hpp"
#include "ecom/metrics.hpp"
#include "ecom/trace_context.hpp"
#include "ecom/tracing.hpp"
#include "http/request_head.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <array>
#include <atomic>
#include <charconv>
#include <ctime>
#include <unordered_map>

namespace ecom::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

constexpr auto no_deadline = Clock::time_point::max();

enum class Phase : std::uint8_t { idle, reading, handling, writing, closing };

// One open connection, as the sweeper and the drain see it.
struct SessionSlot {
    tcp::socket* socket = nullptr;
    Phase phase = Phase::idle;
    Clock::time_point deadline = no_deadline;
    bool timed_out = false;
    SessionSlot* prev = nullptr;
    SessionSlot* next = nullptr;
};

// The sessions of one worker. Shared with the session coroutines so a frame
// destroyed late (a forced stop) still unlinks from live memory.
struct SessionList {
    SessionSlot* head = nullptr;
    std::size_t size = 0;

    void link(SessionSlot* s) noexcept {
        s->next = head;
        if (head != nullptr) {
            head->prev = s;
        }
        head = s;
        ++size;
    }
    void unlink(SessionSlot* s) noexcept {
        if (s->prev != nullptr) {
            s->prev->next = s->next;
        } else {
            head = s->next;
        }
        if (s->next != nullptr) {
            s->next->prev = s->prev;
        }
        --size;
    }
};

struct SharedState {
    std::atomic<std::size_t> open{0};
    std::atomic<bool> draining{false};
    // Workers that have not yet taken their backlog in since the drain began.
    std::atomic<std::size_t> backlogs_pending{0};
};

// The cached HTTP Date header value, refreshed once a second.
class DateCache {
public:
    std::string_view get() {
        const std::time_t now = std::time(nullptr);
        if (now != second_) {
            second_ = now;
            std::tm tm{};
            gmtime_r(&now, &tm);
            char buf[40];
            const auto n = std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
            value_.assign(buf, n);
        }
        return value_;
    }

private:
    std::time_t second_ = 0;
    std::string value_;
};

struct Listener {
    ListenerSpec spec;
    std::size_t index = 0;
    std::uint16_t port = 0;
};

struct Worker {
    explicit Worker(asio::io_context& context) : io(context), sweeper(context) {}

    asio::io_context& io;
    // Closed by the drain but kept until the server is destroyed: an accept
    // that completed just before the close still resumes its loop.
    std::vector<std::pair<const Listener*, std::unique_ptr<tcp::acceptor>>> acceptors;
    std::shared_ptr<SessionList> sessions = std::make_shared<SessionList>();
    asio::steady_timer sweeper;
    DateCache date;
    std::unordered_map<std::uint64_t, metrics::Histogram*> histograms;  // this thread's cache
};

constexpr std::size_t no_route = 0xFFFFF;

// One request on a connection, from its first byte to its answer.
struct Exchange {
    RequestParser parser;
    Request request;
    Router::Match match;
    std::size_t route_index = no_route;
    std::optional<EarlyError> early;  // answered without a handler
    bool close_after = false;         // the connection ends after the answer
    bool body_unread = false;         // the client may still be sending (a lingering close follows)
};

bool safe_header_value(std::string_view v) noexcept {
    for (const char c : v) {
        if (c == '\r' || c == '\n' || c == '\0') {
            return false;
        }
    }
    return true;
}

void append_uint(std::string& out, std::uint64_t v) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, static_cast<std::size_t>(r.ptr - buf));
}

// The sampling decision for a request's server span: parent-based when the
// caller decided, the configured ratio otherwise; no span id when unsampled.
void decide_sampling(trace::SpanContext& context) {
    auto& tracer = trace::Tracer::instance();
    if (!tracer.enabled()) {
        return;
    }
    context.sampled =
        trace::should_sample(tracer.settings(), context.trace_id, context.sampling_decided, context.sampled);
    if (context.sampled) {
        context.span_id = trace::new_span_id();
    }
}

}  // namespace

struct Server::Impl {
    Impl(std::vector<asio::io_context*> contexts, ServerLimits l, RequestLogPolicy p, metrics::Registry& r)
        : limits(l), policy(p), registry(r) {
        for (auto* io : contexts) {
            workers.push_back(std::make_unique<Worker>(*io));
        }
        rejected = &registry.counter("http_server_connections_rejected_total",
                                     "Connections refused because the connection cap was reached");
        timeouts_read =
            &registry.counter("http_server_timeouts_total", "Connections closed by a deadline", {{"phase", "read"}});
        timeouts_write =
            &registry.counter("http_server_timeouts_total", "Connections closed by a deadline", {{"phase", "write"}});
        timeouts_idle =
            &registry.counter("http_server_timeouts_total", "Connections closed by a deadline", {{"phase", "idle"}});
        accepted = &registry.counter("http_server_connections_accepted_total", "Connections accepted");
        auto s = shared;
        registry.callback_gauge("http_server_open_connections", "Connections open now", {},
                                [s] { return static_cast<double>(s->open.load()); });
    }

    asio::awaitable<void> accept_loop(Worker& worker, const Listener& listener, tcp::acceptor& acceptor);
    asio::awaitable<void> session(Worker& worker, const Listener& listener, tcp::socket socket);
    asio::awaitable<void> sweep(Worker& worker);
    void reject(tcp::socket& socket);

    asio::awaitable<bool> await_request(SessionSlot& slot, tcp::socket& socket, beast::flat_buffer& buffer, bool first);
    asio::awaitable<bool> read_request(const Listener& listener, SessionSlot& slot, tcp::socket& socket,
                                       beast::flat_buffer& buffer, Exchange& exchange);
    asio::awaitable<bool> read_body(SessionSlot& slot, tcp::socket& socket, beast::flat_buffer& buffer,
                                    Exchange& exchange);
    asio::awaitable<Response> route(Exchange& exchange, SessionSlot& slot);
    asio::awaitable<bool> write_response(Worker& worker, const Listener& listener, SessionSlot& slot,
                                         tcp::socket& socket, Exchange& exchange, const Response& response);
    static asio::awaitable<void> linger_close(SessionSlot& slot, tcp::socket& socket, bool fully_read);
    std::string serialize_head(Worker& worker, const Listener& listener, const Request& request,
                               const Response& response, bool keep_alive, std::size_t content_length);
    metrics::Histogram& histogram(Worker& worker, const Listener& listener, const Request& request,
                                  std::size_t route_index, unsigned status);
    void log_request(const Listener& listener, const Request& request, unsigned status, Clock::duration elapsed,
                     bool expected_unavailable);
    void record_server_span(const Listener& listener, const Request& request, unsigned status, Clock::duration elapsed);

    ServerLimits limits;
    RequestLogPolicy policy;
    metrics::Registry& registry;
    std::vector<std::unique_ptr<Worker>> workers;
    std::vector<std::unique_ptr<Listener>> listeners;
    std::shared_ptr<SharedState> shared = std::make_shared<SharedState>();
    bool started = false;

    metrics::Counter* rejected = nullptr;
    metrics::Counter* timeouts_read = nullptr;
    metrics::Counter* timeouts_write = nullptr;
    metrics::Counter* timeouts_idle = nullptr;
    metrics::Counter* accepted = nullptr;
};

void Server::Impl::reject(tcp::socket& socket) {
    static const std::string body = error_body("overloaded", "the server has too many open connections");
    std::string response =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
        "Retry-After: 1\r\nConnection: close\r\nContent-Length: ";
    append_uint(response, body.size());
    response += "\r\n\r\n";
    response += body;
    error_code ec;
    socket.non_blocking(true, ec);
    socket.write_some(asio::buffer(response), ec);
    socket.close(ec);
    rejected->inc();
}

asio::awaitable<void> Server::Impl::accept_loop(Worker& worker, const Listener& listener, tcp::acceptor& acceptor) {
    asio::steady_timer backoff(worker.io);
    while (acceptor.is_open()) {
        error_code ec;
        tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            if (ec == asio::error::operation_aborted || !acceptor.is_open()) {
                co_return;
            }
            // Out of descriptors or a transient error: pause instead of spinning.
            log::warn("accept failed", {{"error", ec.message()}, {"listener", listener.spec.name}});
            backoff.expires_after(std::chrono::milliseconds(50));
            co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        if (shared->open.load(std::memory_order_relaxed) >= limits.max_connections) {
            reject(socket);
            continue;
        }
        shared->open.fetch_add(1, std::memory_order_relaxed);
        accepted->inc();
        asio::co_spawn(worker.io, session(worker, listener, std::move(socket)), asio::detached);
    }
}

asio::awaitable<void> Server::Impl::sweep(Worker& worker) {
    const auto interval = std::chrono::milliseconds(100);
    while (true) {
        worker.sweeper.expires_after(interval);
        error_code ec;
        co_await worker.sweeper.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            co_return;
        }
        const auto now = Clock::now();
        const bool draining = shared->draining.load(std::memory_order_relaxed);
        for (auto* s = worker.sessions->head; s != nullptr; s = s->next) {
            if (s->deadline <= now) {
                s->timed_out = true;
                (s->phase == Phase::writing    ? timeouts_write
                     : s->phase == Phase::idle ? timeouts_idle
                                               : timeouts_read)
                    ->inc();
                s->deadline = no_deadline;
                error_code ignored;
                s->socket->cancel(ignored);
            } else if (draining && s->phase == Phase::idle) {
                error_code ignored;
                s->socket->cancel(ignored);
            }
        }
        if (draining && worker.sessions->size == 0) {
            co_return;
        }
    }
}

metrics::Histogram& Server::Impl::histogram(Worker& worker, const Listener& listener, const Request& request,
                                            std::size_t route_index, unsigned status) {
    const std::uint64_t key = (static_cast<std::uint64_t>(listener.index) << 40) |
        (static_cast<std::uint64_t>(route_index & 0xFFFFF) << 20) | (static_cast<std::uint64_t>(request.method) << 12) |
        status;
    auto it = worker.histograms.find(key);
    if (it != worker.histograms.end()) {
        return *it->second;
    }
    std::string status_text = std::to_string(status);
    auto& h = registry.histogram(
        "http_server_request_duration_seconds", "Time from a complete request header to the response written",
        {{"listener", listener.spec.name},
         {"method", std::string(to_string(request.method))},
         {"route", request.route.empty() ? std::string("unmatched") : std::string(request.route)},
         {"status", status_text}});
    worker.histograms.emplace(key, &h);
    return h;
}

void Server::Impl::record_server_span(const Listener& listener, const Request& request, unsigned status,
                                      Clock::duration elapsed) {
    if (!listener.spec.traced || !request.context.trace.sampled || request.context.trace.span_id.empty() ||
        !trace::Tracer::instance().admit()) {
        return;
    }
    trace::SpanData span;
    span.trace_id = request.context.trace.trace_id;
    span.span_id = request.context.trace.span_id;
    span.parent_span_id = request.context.trace.parent_span_id;
    span.trace_state = request.context.trace.tracestate;
    const std::string_view route = request.route.empty() ? std::string_view("unmatched") : request.route;
    span.name = std::string(to_string(request.method)) + " " + std::string(route);
    span.kind = trace::SpanKind::server;
    span.end_ns = trace::now_unix_nanos();
    span.start_ns = span.end_ns - std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count();
    // The route template, never the raw path or query (ids, emails).
    span.attributes.push_back({"http.request.method", std::string(to_string(request.method))});
    span.attributes.push_back({"http.route", std::string(route)});
    span.attributes.push_back({"http.response.status_code", static_cast<std::int64_t>(status)});
    span.attributes.push_back({"network.protocol.version", std::string(request.version == 10 ? "1.0" : "1.1")});
    if (status >= 500) {
        span.error = true;
        span.error_message = std::string(reason_phrase(status));
    }
    trace::Tracer::instance().record(std::move(span));
}

void Server::Impl::log_request(const Listener& listener, const Request& request, unsigned status,
                               Clock::duration elapsed, bool expected_unavailable) {
    // 501 and 505 answer what a client sent (an unknown method or version),
    // and a readiness probe's 503 is a state, not a failure: logged as
    // warnings, but always, as they may reveal a probe or an outage.
    const bool not_a_failure = status == 501 || status == 505 || expected_unavailable;
    const bool server_error = status >= 500 && !not_a_failure;
    const bool client_error = (status >= 400 && status < 500) || not_a_failure;
    const bool slow = elapsed >= policy.slow_threshold;
    const bool sampled = policy.sample_rate > 0 && fast_random_unit() < policy.sample_rate;
    if (!server_error && !not_a_failure && !(client_error && policy.log_client_errors) && !slow && !sampled) {
        return;
    }
    const auto level = server_error ? log::Level::error : (client_error || slow) ? log::Level::warn : log::Level::info;
    if (!log::enabled(level)) {
        return;
    }
    const double ms = std::chrono::duration<double, std::milli>(elapsed).count();
    log::write(level, "request",
               {{"request_id", request.context.request_id},
                {"trace_id", request.context.trace.trace_id},
                {"listener", listener.spec.name},
                {"method", to_string(request.method)},
                {"route", request.route.empty() ? std::string_view("unmatched") : request.route},
                {"status", status},
                {"duration_ms", ms},
                {"slow", slow}});
}

std::string Server::Impl::serialize_head(Worker& worker, const Listener& listener, const Request& request,
                                         const Response& response, bool keep_alive, std::size_t content_length) {
    std::string head;
    head.reserve(256);
    head += request.version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    append_uint(head, response.status);
    head += ' ';
    head += reason_phrase(response.status);
    head += "\r\nDate: ";
    head += worker.date.get();
    head += "\r\n";
    for (const auto& [name, value] : response.headers) {
        if (!safe_header_value(name) || !safe_header_value(value) || ascii::iequals(name, "Content-Length") ||
            ascii::iequals(name, "Connection") || ascii::iequals(name, "Transfer-Encoding")) {
            continue;
        }
        head += name;
        head += ": ";
        head += value;
        head += "\r\n";
    }
    for (const auto& [name, value] : listener.spec.default_headers) {
        if (!response.headers.contains(name)) {
            head += name;
            head += ": ";
            head += value;
            head += "\r\n";
        }
    }
    if (!request.context.request_id.empty()) {
        head += "X-Request-Id: ";
        head += request.context.request_id;
        head += "\r\n";
    }
    head += "X-Content-Type-Options: nosniff\r\n";
    if (response.status != 204 && response.status != 304 && !(response.status >= 100 && response.status < 200)) {
        head += "Content-Length: ";
        append_uint(head, content_length);
        head += "\r\n";
    }
    if (!keep_alive) {
        head += "Connection: close\r\n";
    } else if (request.version == 10) {
        head += "Connection: keep-alive\r\n";
    }
    head += "\r\n";
    return head;
}

// Waits for the next request by reading its first bytes: a read is
// attempted at once (no readiness wait and no epoll_ctl when the bytes are
// already there), and an idle connection is told apart by its phase, so the
// drain can cancel it. A new connection always gets its first request served
// (the drain accepts what is queued in the backlog), within the read
// deadline; bytes that arrived before a drain's cancel are served too.
// False: the connection ends.
asio::awaitable<bool> Server::Impl::await_request(SessionSlot& slot, tcp::socket& socket, beast::flat_buffer& buffer,
                                                  bool first) {
    if (!first && shared->draining.load(std::memory_order_relaxed)) {
        co_return false;
    }
    slot.phase = first ? Phase::reading : Phase::idle;
    slot.deadline = Clock::now() + (first ? limits.read_timeout : limits.idle_timeout);
    error_code ec;
    std::size_t n = co_await socket.async_read_some(buffer.prepare(beast::read_size(buffer, 64 * 1024)),
                                                    asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted && !slot.timed_out) {
        // The drain cancelled the wait of an idle connection: a request whose
        // bytes had already arrived is still served.
        error_code pending_ec;
        const std::size_t pending = socket.available(pending_ec);
        if (!pending_ec && pending != 0) {
            n = socket.read_some(buffer.prepare(pending), ec);
        }
    }
    buffer.commit(n);
    co_return !ec && !slot.timed_out;
}

// Reads one request: its head, its checks (limits, framing, route, Expect)
// and its body when a handler will read it (read_body). A request that must be refused
// leaves its reason in exchange.early. False: nothing to answer (the client
// left or the read deadline passed), the connection ends.
asio::awaitable<bool> Server::Impl::read_request(const Listener& listener, SessionSlot& slot, tcp::socket& socket,
                                                 beast::flat_buffer& buffer, Exchange& exchange) {
    auto& parser = exchange.parser;
    auto& request = exchange.request;
    auto& early = exchange.early;
    slot.phase = Phase::reading;
    slot.deadline = Clock::now() + limits.read_timeout;
    parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
    parser.body_limit(limits.max_body_bytes);
    error_code ec;
    co_await bhttp::async_read_header(socket, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    request.context.start = Clock::now();

    if (ec) {
        if (slot.timed_out) {
            co_return false;
        }
        early = parse_failure(ec, limits);
        if (!early) {
            co_return false;
        }
    } else {
        copy_head(parser, request);
    }
    assign_ids(request);
    decide_sampling(request.context.trace);
    if (!early) {
        early = check_head(parser, request);
    }
    if (!early) {
        auto& match = exchange.match;
        match = listener.spec.router->match(request.method, request.path, request.path_params);
        if (match.route != nullptr) {
            request.route = match.route->pattern;
            exchange.route_index = match.route->index;
            if (match.kind == Router::Match::Kind::found && !match.route->options_for(request.method).traced) {
                request.context.trace.span_id.clear();
            }
        }
        early = check_route(parser, request, match);
    }
    if (!early && !parser.is_done() && !co_await read_body(slot, socket, buffer, exchange)) {
        co_return false;
    }
    if (early) {
        exchange.body_unread = true;
        exchange.close_after = true;
    }
    co_return true;
}

// The rest of a request whose head was read and passed its checks: its body,
// after "100 Continue" when the client waits for it, or nothing when no
// handler would read it (answered at once, then the connection closes).
// False: nothing to answer, the connection ends.
asio::awaitable<bool> Server::Impl::read_body(SessionSlot& slot, tcp::socket& socket, beast::flat_buffer& buffer,
                                              Exchange& exchange) {
    auto& early = exchange.early;
    bool wants_continue = false;
    early = check_expect(exchange.request, wants_continue);
    if (early) {
        co_return true;
    }
    if (exchange.match.kind != Router::Match::Kind::found) {
        exchange.body_unread = true;
        exchange.close_after = true;
        co_return true;
    }
    error_code ec;
    if (wants_continue) {
        static constexpr std::string_view go_on = "HTTP/1.1 100 Continue\r\n\r\n";
        co_await asio::async_write(socket, asio::buffer(go_on.data(), go_on.size()),
                                   asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            co_return false;
        }
    }
    co_await bhttp::async_read(socket, buffer, exchange.parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
        if (slot.timed_out) {
            co_return false;
        }
        early = parse_failure(ec, limits);
        co_return early.has_value();
    }
    co_return true;
}

// The answer to a request that was read: a refusal, 404 or 405, or the
// route's handler (a handler's HttpError becomes its answer; anything else
// it throws is logged and answered 500).
asio::awaitable<Response> Server::Impl::route(Exchange& exchange, SessionSlot& slot) {
    const auto& early = exchange.early;
    if (early) {
        co_return error_response(early->status, early->code, early->message);
    }
    auto& request = exchange.request;
    const auto& match = exchange.match;
    request.body = std::move(exchange.parser.get().body());
    slot.phase = Phase::handling;
    slot.deadline = no_deadline;
    if (match.kind == Router::Match::Kind::not_found) {
        co_return error_response(404, "not_found", "no resource at this path");
    }
    if (match.kind == Router::Match::Kind::method_not_allowed) {
        auto response = error_response(405, "method_not_allowed", "the method is not allowed on this resource");
        response.headers.add("Allow", match.route->allow_header());
        co_return response;
    }
    std::exception_ptr failure;
    try {
        co_return co_await (*match.handler)(request);
    } catch (const HttpError& e) {
        co_return error_response(e);
    } catch (...) {
        failure = std::current_exception();
    }
    std::string what = "unknown exception";
    try {
        std::rethrow_exception(failure);
    } catch (const std::exception& e) {
        what = e.what();
    } catch (...) {
    }
    log::error("handler failed",
               {{"request_id", request.context.request_id},
                {"trace_id", request.context.trace.trace_id},
                {"route", request.route},
                {"error", what}});
    co_return error_response(500, "internal", "the server failed to handle the request");
}

// Writes the answer (no body for HEAD, 204 and 304), then records it
// (latency histogram, server span, request log). True: the connection stays
// open for the next request.
asio::awaitable<bool> Server::Impl::write_response(Worker& worker, const Listener& listener, SessionSlot& slot,
                                                   tcp::socket& socket, Exchange& exchange, const Response& response) {
    const auto& request = exchange.request;
    const unsigned status = exchange.early ? exchange.early->status : response.status;
    const bool draining = shared->draining.load(std::memory_order_relaxed);
    const bool keep_alive = !exchange.close_after && !draining && exchange.parser.get().keep_alive();
    const bool head_only = request.method == Method::head;
    const std::string_view body =
        response.shared_body ? std::string_view(*response.shared_body) : std::string_view(response.body);
    const std::string head = serialize_head(worker, listener, request, response, keep_alive, body.size());
    slot.phase = Phase::writing;
    slot.deadline = Clock::now() + limits.write_timeout;
    std::array<asio::const_buffer, 2> buffers{
        asio::buffer(head),
        head_only || status == 304 || status == 204 ? asio::const_buffer() : asio::buffer(body.data(), body.size())};
    error_code ec;
    co_await asio::async_write(socket, buffers, asio::redirect_error(asio::use_awaitable, ec));
    const auto elapsed = Clock::now() - request.context.start;
    histogram(worker, listener, request, exchange.route_index, status).observe(elapsed);
    record_server_span(listener, request, status, elapsed);
    log_request(listener, request, status, elapsed, response.expected_unavailable);
    co_return !ec && !slot.timed_out && keep_alive;
}

// A lingering close: when the client may still be sending, read and discard
// for a moment so the response is not destroyed by a reset.
asio::awaitable<void> Server::Impl::linger_close(SessionSlot& slot, tcp::socket& socket, bool fully_read) {
    error_code ec;
    socket.shutdown(tcp::socket::shutdown_send, ec);
    if (!fully_read && !slot.timed_out) {
        slot.phase = Phase::closing;
        slot.deadline = Clock::now() + std::chrono::seconds(2);
        std::array<char, 4096> sink;
        std::size_t discarded = 0;
        while (discarded < 1024 * 1024) {
            const auto n =
                co_await socket.async_read_some(asio::buffer(sink), asio::redirect_error(asio::use_awaitable, ec));
            if (ec) {
                break;
            }
            discarded += n;
        }
    }
    socket.close(ec);
}

// One connection, as Beast's do_session: read a request, route it, write the
// answer, and go on while both sides keep the connection alive.
asio::awaitable<void> Server::Impl::session(Worker& worker, const Listener& listener, tcp::socket socket) {
    SessionSlot slot;
    slot.socket = &socket;
    std::shared_ptr<SessionList> sessions = worker.sessions;
    std::shared_ptr<SharedState> state = shared;
    sessions->link(&slot);
    struct Unlink {
        std::shared_ptr<SessionList>& list;
        std::shared_ptr<SharedState>& state;
        SessionSlot& slot;
        ~Unlink() {
            list->unlink(&slot);
            state->open.fetch_sub(1, std::memory_order_relaxed);
        }
    } unlink{sessions, state, slot};

    error_code ec;
    socket.set_option(tcp::no_delay(true), ec);
    beast::flat_buffer buffer;
    bool fully_read = true;  // false when a request body was left unread

    for (bool first = true;; first = false) {
        if (buffer.size() == 0) {
            if (buffer.capacity() > 16 * 1024) {
                buffer.shrink_to_fit();  // idle connections keep little memory
            }
            if (!co_await await_request(slot, socket, buffer, first)) {
                break;
            }
        }
        Exchange exchange;
        if (!co_await read_request(listener, slot, socket, buffer, exchange)) {
            break;
        }
        fully_read = fully_read && !exchange.body_unread;
        const Response response = co_await route(exchange, slot);
        if (!co_await write_response(worker, listener, slot, socket, exchange, response)) {
            break;
        }
    }
    co_await linger_close(slot, socket, fully_read);
}

Server::Server(std::vector<asio::io_context*> workers, ServerLimits limits, RequestLogPolicy log_policy,
               metrics::Registry& registry)
    : impl_(std::make_unique<Impl>(std::move(workers), limits, log_policy, registry)) {}

Server::~Server() = default;

std::uint16_t Server::listen(const ListenerSpec& spec) {
    auto listener = std::make_unique<Listener>();
    listener->spec = spec;
    listener->index = impl_->listeners.size();
    const auto address = asio::ip::make_address(spec.address);
    std::uint16_t port = spec.port;
    const std::size_t count = spec.all_workers ? impl_->workers.size() : 1;
    for (std::size_t i = 0; i < count; ++i) {
        auto& worker = *impl_->workers[i];
        auto acceptor = std::make_unique<tcp::acceptor>(worker.io);
        const tcp::endpoint endpoint(address, port);
        acceptor->open(endpoint.protocol());
        acceptor->set_option(tcp::acceptor::reuse_address(true));
        if (count > 1) {
            using reuse_port = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;
            acceptor->set_option(reuse_port(true));
        }
        acceptor->bind(endpoint);
        acceptor->listen(asio::socket_base::max_listen_connections);
        port = acceptor->local_endpoint().port();
        worker.acceptors.emplace_back(listener.get(), std::move(acceptor));
    }
    listener->port = port;
    impl_->listeners.push_back(std::move(listener));
    return port;
}

void Server::start() {
    if (impl_->started) {
        return;
    }
    impl_->started = true;
    for (auto& worker : impl_->workers) {
        for (auto& [listener, acceptor] : worker->acceptors) {
            asio::co_spawn(worker->io, impl_->accept_loop(*worker, *listener, *acceptor), asio::detached);
        }
        asio::co_spawn(worker->io, impl_->sweep(*worker), asio::detached);
    }
}

void Server::drain() {
    if (impl_->shared->draining.exchange(true)) {
        return;
    }
    impl_->shared->backlogs_pending.store(impl_->workers.size());
    for (auto& worker : impl_->workers) {
        Worker* w = worker.get();
        Impl* impl = impl_.get();
        asio::post(w->io, [w, impl] {
            for (auto& [listener, acceptor] : w->acceptors) {
                // Connections the kernel already completed are in the
                // backlog: serve them rather than reset them on close.
                error_code ec;
                acceptor->non_blocking(true, ec);
                for (int i = 0; i < 100'000; ++i) {
                    tcp::socket socket(w->io);
                    acceptor->accept(socket, ec);
                    if (ec) {
                        break;
                    }
                    impl->shared->open.fetch_add(1, std::memory_order_relaxed);
                    impl->accepted->inc();
                    asio::co_spawn(w->io, impl->session(*w, *listener, std::move(socket)), asio::detached);
                }
                acceptor->close(ec);
            }
            impl->shared->backlogs_pending.fetch_sub(1);
            // Idle connections close now; the sweeper closes the rest as
            // they become idle and ends once none is left.
            for (auto* s = w->sessions->head; s != nullptr; s = s->next) {
                if (s->phase == Phase::idle) {
                    error_code ignored;
                    s->socket->cancel(ignored);
                }
            }
        });
    }
}

void Server::close_all() {
    for (auto& worker : impl_->workers) {
        Worker* w = worker.get();
        asio::post(w->io, [w] {
            for (auto& [listener, acceptor] : w->acceptors) {
                error_code ignored;
                acceptor->close(ignored);
            }
            for (auto* s = w->sessions->head; s != nullptr; s = s->next) {
                error_code ignored;
                s->socket->shutdown(tcp::socket::shutdown_both, ignored);
                s->socket->close(ignored);
            }
            w->sweeper.cancel();
        });
    }
}

bool Server::draining() const noexcept {
    return impl_->shared->draining.load();
}

std::size_t Server::open_connections() const noexcept {
    return impl_->shared->open.load();
}

bool Server::drained() const noexcept {
    const auto& shared = *impl_->shared;
    return shared.draining.load() && shared.backlogs_pending.load() == 0 && shared.open.load() == 0;
}

}  // namespace ecom::http
