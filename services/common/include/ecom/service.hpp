#pragma once

// The lifecycle every service shares: settings common to all services, the
// worker threads and their io_contexts, the API and admin listeners,
// /health, /ready and /metrics, signal handling and the graceful drain.
// A service's main() builds its components, adds them (add(), in start
// order) and calls run(), which starts, drains and stops them in order.

#include "ecom/component.hpp"
#include "ecom/config.hpp"
#include "ecom/emf.hpp"
#include "ecom/http/router.hpp"
#include "ecom/http/server.hpp"
#include "ecom/log.hpp"
#include "ecom/metrics.hpp"
#include "ecom/tracing.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ecom {

namespace pg {
struct Statement;  // ecom/pg/result.hpp; only its name and SQL are printed here
}

struct ServiceConfig {
    std::string name;
    std::string version;
    std::string environment;  // DEPLOYMENT_ENVIRONMENT
    std::string bind_address;
    std::uint16_t port = 8080;
    std::uint16_t admin_port = 9090;
    unsigned threads = 1;
    http::ServerLimits limits;
    http::RequestLogPolicy request_log;
    log::Level log_level = log::Level::info;
    std::chrono::milliseconds drain_timeout{20'000};
    trace::TracerSettings tracing;  // OTEL_* and ECS_CONTAINER_METADATA_URI_V4 (see tracing.hpp)
    emf::Settings emf;              // METRICS_EMF_INTERVAL_SECONDS (see emf.hpp)

    // PORT, ADMIN_PORT, BIND_ADDRESS, HTTP_THREADS, HTTP_MAX_CONNECTIONS,
    // HTTP_IDLE_TIMEOUT_MS, HTTP_READ_TIMEOUT_MS, HTTP_WRITE_TIMEOUT_MS,
    // DRAIN_TIMEOUT_SECONDS, LOG_LEVEL, LOG_SAMPLE_RATE, LOG_SLOW_MS,
    // LOG_CLIENT_ERRORS, DEPLOYMENT_ENVIRONMENT, SERVICE_VERSION,
    // METRICS_EMF_INTERVAL_SECONDS and the tracing variables of
    // TracerSettings::from_env.
    static ServiceConfig from_env(Env& env, std::string name);
};

class Service {
public:
    using ReadinessCheck = std::function<boost::asio::awaitable<bool>()>;

    explicit Service(ServiceConfig config);
    ~Service();
    Service(const Service&) = delete;
    Service& operator=(const Service&) = delete;

    [[nodiscard]] const ServiceConfig& config() const noexcept { return config_; }
    [[nodiscard]] http::Router& api() noexcept { return api_; }
    [[nodiscard]] http::Router& admin() noexcept { return admin_; }
    [[nodiscard]] metrics::Registry& metrics() noexcept { return *registry_; }
    [[nodiscard]] const std::vector<boost::asio::io_context*>& workers() const noexcept { return worker_ptrs_; }

    // Headers every API-port response carries unless it sets them itself.
    void set_default_headers(http::Headers headers) { default_headers_ = std::move(headers); }

    // A component to start when run() begins (in the order added), to tell
    // when the drain begins and to stop after it (newest first); see
    // component.hpp. The component must outlive run().
    void add(Component& component);
    // /ready answers 200 only while every check passes (and 503 while draining).
    void add_readiness_check(ReadinessCheck check);

    // Binds the listeners; returns the API port (useful with port 0).
    std::uint16_t bind();
    // Runs until SIGTERM/SIGINT (or request_stop()), drains, and returns the
    // process exit code: 0 after a clean drain.
    int run();
    // Starts the drain as a signal would. Thread-safe.
    void request_stop();

    [[nodiscard]] std::uint16_t api_port() const noexcept { return api_port_; }
    [[nodiscard]] std::uint16_t admin_port() const noexcept { return admin_port_; }

private:
    boost::asio::awaitable<http::Response> ready(http::Request& request);
    void begin_drain();
    void log_listening() const;
    // run()'s own steps when the drain begins, after the components'.
    void on_drain(std::function<void()> callback);

    ServiceConfig config_;
    std::chrono::steady_clock::time_point created_;
    std::vector<std::unique_ptr<boost::asio::io_context>> workers_;
    std::vector<boost::asio::io_context*> worker_ptrs_;
    std::unique_ptr<metrics::Registry> registry_;
    http::Router api_;
    http::Router admin_;
    std::unique_ptr<http::Server> server_;
    std::vector<Component*> components_;
    std::vector<ReadinessCheck> readiness_;
    http::Headers default_headers_;
    std::vector<std::function<void()>> drain_callbacks_;
    std::atomic<bool> stopping_{false};
    bool bound_ = false;
    std::uint16_t api_port_ = 0;
    std::uint16_t admin_port_ = 0;
};

// Runs `body` and turns start-up failures into an exit code: a ConfigError
// is logged with the variables it names and returns 2; any other exception
// is logged and returns 1.
int run_main(std::string_view service, const std::function<int()>& body);

// main() of a service binary. Without arguments it runs `body` (run_main);
// `--health-check` probes the running service's admin /health (container
// health checks: no shell or curl in the images); `--print-statements`,
// offered when the service has SQL, prints `statements` as JSON
// ({"name": "sql", ...}) so benchmarks run exactly the service's SQL.
// Anything else prints the usage and returns 2.
int service_main(int argc, char** argv, std::string_view service, const std::function<int()>& body,
                 const std::vector<pg::Statement>& statements);
int service_main(int argc, char** argv, std::string_view service, const std::function<int()>& body);

}  // namespace ecom
