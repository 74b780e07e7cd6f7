#pragma once

// The HTTP/1.1 server: one acceptor per listener per worker thread
// (SO_REUSEPORT spreads connections), keep-alive sessions as coroutines,
// explicit limits, deadlines checked by a per-worker sweeper, request logs
// and metrics, and a drain that finishes in-flight requests.

#include "ecom/http/router.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ecom::metrics {
class Registry;
}

namespace ecom::http {

struct ServerLimits {
    std::size_t max_header_bytes = 8 * 1024;          // larger headers: 431
    std::size_t max_body_bytes = 64 * 1024;           // larger bodies: 413
    std::size_t max_connections = 10'000;             // over the cap: 503 and close
    std::chrono::milliseconds idle_timeout{75'000};   // keep-alive with no request (> the ALB's 60 s)
    std::chrono::milliseconds read_timeout{10'000};   // first byte to complete request
    std::chrono::milliseconds write_timeout{10'000};  // a response the client does not read
};

struct RequestLogPolicy {
    double sample_rate = 0.01;  // share of successful, fast requests that are logged
    std::chrono::milliseconds slow_threshold{500};
    bool log_client_errors = false;  // 5xx are always logged; 4xx only when set
};

struct ListenerSpec {
    std::string name;        // "api", "admin": the `listener` label of metrics
    std::string address;     // "0.0.0.0", "127.0.0.1", "::"
    std::uint16_t port = 0;  // 0 picks a free port (tests)
    const Router* router = nullptr;
    bool all_workers = true;  // false: accept on the first worker only
    Headers default_headers;  // added to every response that does not set them (security headers)
    bool traced = true;       // false: no server spans (health checks and metrics scrapes)
};

class Server {
public:
    Server(std::vector<boost::asio::io_context*> workers, ServerLimits limits, RequestLogPolicy log_policy,
           metrics::Registry& registry);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds the listener on every worker it runs on; returns the bound port.
    // Throws std::system_error when the address cannot be bound.
    std::uint16_t listen(const ListenerSpec& spec);
    // Starts accepting. Call once, before the workers run.
    void start();
    // Stops accepting, closes idle keep-alive connections and lets in-flight
    // requests finish (their responses say Connection: close). Thread-safe.
    void drain();
    // After the drain deadline: closes every connection still open and stops
    // the sweepers, so the workers run out of work. Thread-safe.
    void close_all();
    [[nodiscard]] bool draining() const noexcept;
    [[nodiscard]] std::size_t open_connections() const noexcept;
    // True once the drain has begun, every worker has taken in the
    // connections its backlog held (drain() does so on each worker, later),
    // and no connection is open.
    [[nodiscard]] bool drained() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ecom::http
