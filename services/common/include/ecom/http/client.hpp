#pragma once

// An HTTP/1.1 client for calls between services: a keep-alive connection
// pool per worker, connect and request timeouts, retries with exponential
// backoff and full jitter (idempotent requests only, or requests that were
// never sent), a circuit breaker that fails fast while the upstream is down,
// and propagation of the request id and trace context.

#include "ecom/component.hpp"
#include "ecom/http/message.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace ecom::metrics {
class Registry;
}

namespace ecom::http {

struct ClientOptions {
    std::string name;      // the upstream, for metrics and logs: "product-service"
    std::string base_url;  // http://host:port
    std::chrono::milliseconds connect_timeout{1'000};
    std::chrono::milliseconds request_timeout{2'000};  // per attempt
    int max_attempts = 3;
    std::chrono::milliseconds backoff_base{50};
    std::chrono::milliseconds backoff_max{1'000};
    std::chrono::milliseconds idle_timeout{30'000};  // pooled connections (< the server's 75 s)
    std::size_t max_idle_per_worker = 64;
    std::size_t max_response_bytes = 1024 * 1024;
    int breaker_failures = 5;  // consecutive failures that open the circuit
    std::chrono::milliseconds breaker_open{5'000};
    std::string bearer_token;  // sent as Authorization when set
};

struct OutgoingRequest {
    Method method = Method::get;
    std::string target;  // path and query
    std::string body;    // sent as application/json when not empty
    Headers headers;
    bool idempotent = false;                  // safe to send again after an unknown outcome
    const RequestContext* context = nullptr;  // request id and trace to propagate
};

struct IncomingResponse {
    unsigned status = 0;
    Headers headers;
    std::string body;
};

class UpstreamError : public std::runtime_error {
public:
    enum class Kind { unavailable, timeout, circuit_open, bad_response };
    UpstreamError(Kind kind, const std::string& message, bool maybe_processed)
        : std::runtime_error(message), kind_(kind), maybe_processed_(maybe_processed) {}

    [[nodiscard]] Kind kind() const noexcept { return kind_; }
    // The request may have reached the upstream (its outcome is unknown).
    [[nodiscard]] bool maybe_processed() const noexcept { return maybe_processed_; }

private:
    Kind kind_;
    bool maybe_processed_;
};

class Client : public Component {
public:
    Client(const std::vector<boost::asio::io_context*>& workers, ClientOptions options, metrics::Registry& registry);
    ~Client() override;
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    // Sends the request from the calling worker. A 5xx response of an
    // idempotent request is retried; the last response (whatever its status)
    // is returned. Throws UpstreamError when no response came back.
    boost::asio::awaitable<IncomingResponse> send(OutgoingRequest request);

    [[nodiscard]] bool circuit_open() const noexcept;
    // How long the circuit stays open, rounded up to whole seconds (at least 1).
    [[nodiscard]] std::chrono::seconds retry_after() const noexcept;
    // Closes pooled connections (on shutdown). Thread-safe.
    void close();
    void stop() override { close(); }

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

// Full-jitter exponential backoff: a uniform delay in [0, min(max, base * 2^attempt)].
std::chrono::milliseconds backoff_delay(int attempt, std::chrono::milliseconds base, std::chrono::milliseconds max,
                                        double unit_random);

}  // namespace ecom::http
