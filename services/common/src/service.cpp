#include "ecom/service.hpp"

#include "ecom/health_probe.hpp"
#include "ecom/http/error.hpp"
#include "ecom/json_writer.hpp"
#include "ecom/pg/result.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <thread>

namespace ecom {
namespace {

namespace asio = boost::asio;

double resident_memory_bytes() {
    std::ifstream statm("/proc/self/statm");
    long pages_total = 0;
    long pages_resident = 0;
    statm >> pages_total >> pages_resident;
    return static_cast<double>(pages_resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

double cpu_seconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval& tv) {
        return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
    };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Raises the soft descriptor limit to the hard one; returns the new limit.
std::size_t raise_descriptor_limit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        return 1024;
    }
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
        getrlimit(RLIMIT_NOFILE, &limit);
    }
    return static_cast<std::size_t>(limit.rlim_cur);
}

// Watches the drain from the first worker: once no connection is left (the
// backlogs taken in first), or at the deadline (connections then cut), calls
// `finish` once.
class DrainWatch {
public:
    DrainWatch(asio::io_context& io, http::Server& server, std::function<void()> finish)
        : timer_(io), server_(server), finish_(std::move(finish)) {}

    void start(std::chrono::milliseconds timeout) {
        deadline_ = std::chrono::steady_clock::now() + timeout;
        poll();
    }
    [[nodiscard]] bool forced() const noexcept { return forced_; }

private:
    void poll() {
        if (server_.drained()) {
            finish_();
            return;
        }
        if (std::chrono::steady_clock::now() >= deadline_) {
            forced_ = true;
            log::warn("drain deadline passed; closing remaining connections",
                      {{"open_connections", static_cast<std::uint64_t>(server_.open_connections())}});
            finish_();
            return;
        }
        timer_.expires_after(std::chrono::milliseconds(10));
        timer_.async_wait([this](const boost::system::error_code& ec) {
            if (!ec) {
                poll();
            }
        });
    }

    asio::steady_timer timer_;
    http::Server& server_;
    std::function<void()> finish_;
    std::chrono::steady_clock::time_point deadline_{};
    bool forced_ = false;
};

// Stops the workers when some component does not stop by itself within
// `limit` of the drain's start.
class Watchdog {
public:
    Watchdog(const std::vector<std::unique_ptr<asio::io_context>>& workers, std::chrono::milliseconds limit)
        : thread_([this, &workers, limit] {
              std::unique_lock lock(mutex_);
              wake_.wait(lock, [this] { return done_ || draining_; });
              if (!wake_.wait_for(lock, limit, [this] { return done_; })) {
                  log::error("workers did not stop after the drain; stopping them");
                  for (const auto& io : workers) {
                      io->stop();
                  }
              }
          }) {}
    ~Watchdog() {
        workers_done();
        thread_.join();
    }
    Watchdog(const Watchdog&) = delete;
    Watchdog& operator=(const Watchdog&) = delete;

    void drain_started() { set(draining_); }
    void workers_done() { set(done_); }

private:
    void set(bool& flag) {
        {
            std::lock_guard lock(mutex_);
            flag = true;
        }
        wake_.notify_all();
    }

    std::mutex mutex_;
    std::condition_variable wake_;
    bool draining_ = false;
    bool done_ = false;
    std::thread thread_;  // last: starts once the members above exist
};

std::string status_body(std::string_view status) {
    std::string body;
    JsonWriter(body).begin_object().field("status", status).end_object();
    return body;
}

}  // namespace

ServiceConfig ServiceConfig::from_env(Env& env, std::string name) {
    ServiceConfig c;
    c.name = std::move(name);
    c.version = env.string("SERVICE_VERSION", "dev");
    c.environment = env.string("DEPLOYMENT_ENVIRONMENT", "local");
    c.bind_address = env.string("BIND_ADDRESS", "0.0.0.0");
    c.port = static_cast<std::uint16_t>(env.integer("PORT", 8080, 0, 65535));
    c.admin_port = static_cast<std::uint16_t>(env.integer("ADMIN_PORT", 9090, 0, 65535));
    c.threads = static_cast<unsigned>(env.integer("HTTP_THREADS", 1, 1, 64));
    c.limits.max_connections = static_cast<std::size_t>(env.integer("HTTP_MAX_CONNECTIONS", 10'000, 1, 1'000'000));
    using ms = std::chrono::milliseconds;
    c.limits.idle_timeout = env.millis("HTTP_IDLE_TIMEOUT_MS", ms(75'000), ms(100), ms(3'600'000));
    c.limits.read_timeout = env.millis("HTTP_READ_TIMEOUT_MS", ms(10'000), ms(100), ms(600'000));
    c.limits.write_timeout = env.millis("HTTP_WRITE_TIMEOUT_MS", ms(10'000), ms(100), ms(600'000));
    c.drain_timeout = std::chrono::seconds(env.integer("DRAIN_TIMEOUT_SECONDS", 20, 0, 3600));
    c.request_log.sample_rate = env.fraction("LOG_SAMPLE_RATE", 0.01, 0.0, 1.0);
    c.request_log.slow_threshold = env.millis("LOG_SLOW_MS", ms(500), ms(1), ms(600'000));
    c.request_log.log_client_errors = env.boolean("LOG_CLIENT_ERRORS", false);
    c.log_level = log::level_from_string(env.one_of("LOG_LEVEL", "info", {"debug", "info", "warn", "error"}));
    c.tracing = trace::TracerSettings::from_env(env, c.name, c.version, c.environment);
    c.emf = emf::Settings::from_env(env);
    if (c.port != 0 && c.port == c.admin_port) {
        env.check();  // report earlier problems first
        throw ConfigError("invalid configuration: PORT and ADMIN_PORT must differ");
    }
    return c;
}

Service::Service(ServiceConfig config) : config_(std::move(config)), created_(std::chrono::steady_clock::now()) {
    for (unsigned i = 0; i < config_.threads; ++i) {
        workers_.push_back(std::make_unique<asio::io_context>(1));
        worker_ptrs_.push_back(workers_.back().get());
    }
    registry_ = std::make_unique<metrics::Registry>();
    const std::size_t descriptors = raise_descriptor_limit();
    if (config_.limits.max_connections + 256 > descriptors) {
        const std::size_t capped = descriptors > 512 ? descriptors - 256 : descriptors / 2;
        log::warn("connection cap lowered to fit the descriptor limit",
                  {{"requested", static_cast<std::uint64_t>(config_.limits.max_connections)},
                   {"cap", static_cast<std::uint64_t>(capped)}});
        config_.limits.max_connections = capped;
    }
    server_ = std::make_unique<http::Server>(worker_ptrs_, config_.limits, config_.request_log, *registry_);

    const auto start_seconds = static_cast<double>(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    auto& r = *registry_;
    r.callback_gauge("process_resident_memory_bytes", "Resident memory size in bytes", {}, resident_memory_bytes);
    r.callback_gauge("process_cpu_seconds_total", "User and system CPU time in seconds", {}, cpu_seconds);
    r.callback_gauge("process_start_time_seconds", "Start time since the Unix epoch in seconds", {},
                     [start_seconds] { return start_seconds; });
    r.callback_gauge("log_lines_dropped_total", "Log lines dropped because the log queue was full", {},
                     [] { return static_cast<double>(log::dropped_lines()); });
    r.gauge("service_info", "Service build information",
            {{"service", config_.name}, {"version", config_.version}, {"environment", config_.environment}})
        .set(1);

    const auto health = [](http::Request&) -> asio::awaitable<http::Response> {
        auto response = http::Response::json(200, status_body("ok"));
        response.headers.add("Cache-Control", "no-store");
        co_return response;
    };
    http::RouteOptions probe;
    probe.traced = false;
    api_.add({http::Method::get}, "/health", health, probe);
    api_.add(
        {http::Method::get}, "/ready", [this](http::Request& r2) { return ready(r2); }, probe);
    admin_.add({http::Method::get}, "/health", health);
    admin_.add({http::Method::get}, "/metrics", [this](http::Request&) -> asio::awaitable<http::Response> {
        http::Response response;
        response.headers.add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        response.headers.add("Cache-Control", "no-store");
        response.body = registry_->render();
        co_return response;
    });
}

Service::~Service() {
    // Asio objects must go before the io_contexts they were made from.
    server_.reset();
}

void Service::add_readiness_check(ReadinessCheck check) {
    readiness_.push_back(std::move(check));
}

void Service::add(Component& component) {
    components_.push_back(&component);
}

void Service::on_drain(std::function<void()> callback) {
    drain_callbacks_.push_back(std::move(callback));
}

asio::awaitable<http::Response> Service::ready(http::Request&) {
    std::string_view status = "ready";
    if (stopping_.load()) {
        status = "draining";
    } else {
        for (const auto& check : readiness_) {
            if (!co_await check()) {
                status = "unavailable";
                break;
            }
        }
    }
    auto response = http::Response::json(status == "ready" ? 200 : 503, status_body(status));
    response.headers.add("Cache-Control", "no-store");
    response.expected_unavailable = true;
    co_return response;
}

std::uint16_t Service::bind() {
    if (bound_) {
        return api_port_;
    }
    api_port_ = server_->listen({"api", config_.bind_address, config_.port, &api_, true, default_headers_});
    admin_port_ = server_->listen({"admin", config_.bind_address, config_.admin_port, &admin_, false, {}, false});
    bound_ = true;
    return api_port_;
}

void Service::request_stop() {
    asio::post(*workers_.front(), [this] { begin_drain(); });
}

void Service::begin_drain() {
    if (stopping_.exchange(true)) {
        return;
    }
    log::info("draining",
              {{"open_connections", static_cast<std::uint64_t>(server_->open_connections())},
               {"deadline_ms", static_cast<std::int64_t>(config_.drain_timeout.count())}});
    server_->drain();
    for (auto it = components_.rbegin(); it != components_.rend(); ++it) {
        (*it)->drain();
    }
    for (auto& callback : drain_callbacks_) {
        callback();
    }
}

int Service::run() {
    bind();
    auto& tracer = trace::Tracer::instance();
    tracer.start(config_.tracing, registry_.get());
    for (auto* component : components_) {
        component->start();
    }
    server_->start();

    using Guard = asio::executor_work_guard<asio::io_context::executor_type>;
    std::vector<Guard> guards;
    for (auto& io : workers_) {
        guards.emplace_back(io->get_executor());
    }
    auto& main_io = *workers_.front();
    asio::signal_set signals(main_io, SIGINT, SIGTERM);
    signals.async_wait([this](const boost::system::error_code& ec, int signal) {
        if (!ec) {
            log::info("signal received", {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}});
            begin_drain();
        }
    });
    emf::Reporter business_metrics(emf::Catalog::builtin(config_.name), *registry_, config_.name, config_.environment);
    business_metrics.start(main_io, config_.emf.interval);

    // After the drain: close what is left, stop the components newest first
    // and let the workers end.
    DrainWatch drain(main_io, *server_, [&] {
        server_->close_all();
        business_metrics.stop();  // the last, partial interval
        for (auto it = components_.rbegin(); it != components_.rend(); ++it) {
            (*it)->stop();
        }
        signals.cancel();
        guards.clear();
    });
    Watchdog watchdog(workers_, config_.drain_timeout + std::chrono::seconds(5));
    on_drain([&] {
        drain.start(config_.drain_timeout);
        watchdog.drain_started();
    });

    log_listening();
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < workers_.size(); ++i) {
        threads.emplace_back([io = workers_[i].get()] { io->run(); });
    }
    main_io.run();
    for (auto& t : threads) {
        t.join();
    }
    watchdog.workers_done();
    tracer.stop();  // exports the spans of the last requests
    log::info("stopped", {{"forced", drain.forced()}});
    return 0;
}

void Service::log_listening() const {
    const auto ready_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - created_).count();
    log::info("listening",
              {{"port", static_cast<unsigned>(api_port_)},
               {"admin_port", static_cast<unsigned>(admin_port_)},
               {"threads", config_.threads},
               {"version", config_.version},
               {"tracing", config_.tracing.endpoint.empty() ? std::string("off") : config_.tracing.endpoint},
               {"startup_ms", ready_ms}});
}

int run_main(std::string_view service, const std::function<int()>& body) {
    log::Options options;
    options.service = std::string(service);
    log::start(options);
    int code = 0;
    try {
        code = body();
    } catch (const ConfigError& e) {
        log::fatal("invalid configuration", {{"error", e.what()}});
        code = 2;
    } catch (const std::exception& e) {
        log::fatal("start-up failed", {{"error", e.what()}});
        code = 1;
    }
    log::stop();
    return code;
}

int service_main(int argc, char** argv, std::string_view service, const std::function<int()>& body,
                 const std::vector<pg::Statement>& statements) {
    const std::string_view option = argc == 2 ? std::string_view(argv[1]) : std::string_view();
    if (argc == 1) {
        return run_main(service, body);
    }
    if (option == "--health-check") {
        return health_check_main();
    }
    if (option == "--print-statements" && !statements.empty()) {
        std::string out;
        JsonWriter w(out);
        w.begin_object();
        for (const auto& statement : statements) {
            w.field(statement.name, statement.sql);
        }
        w.end_object();
        std::puts(out.c_str());
        return 0;
    }
    std::fprintf(stderr, "usage: %.*s [%s--health-check]\n(settings come from the environment; see README)\n",
                 static_cast<int>(service.size()), service.data(), statements.empty() ? "" : "--print-statements | ");
    return 2;
}

int service_main(int argc, char** argv, std::string_view service, const std::function<int()>& body) {
    return service_main(argc, argv, service, body, {});
}

}  // namespace ecom
