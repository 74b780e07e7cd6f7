// The inter-service HTTP client against a real in-process server: retries
// for idempotent requests only, the circuit breaker, timeouts, propagation.

#include "ecom/http/client.hpp"
#include "ecom/http/error.hpp"
#include "ecom/service.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <future>

namespace ecom::http {
namespace {

namespace asio = boost::asio;

class ClientTest : public ::testing::Test {
protected:
    void SetUp() override {
        ServiceConfig config;
        config.name = "upstream";
        config.bind_address = "127.0.0.1";
        config.port = 0;
        config.admin_port = 0;
        config.request_log.sample_rate = 0;
        upstream_ = std::make_unique<Service>(config);
        auto& api = upstream_->api();
        api.add({Method::get, Method::post}, "/flaky", [this](Request&) -> asio::awaitable<Response> {
            // Fails until `failures_left` reaches zero.
            if (failures_left_.fetch_sub(1) > 0) {
                co_return error_response(503, "unavailable", "try again");
            }
            co_return Response::json(200, R"({"ok":true})");
        });
        api.add({Method::get}, "/echo-headers", [](Request& r) -> asio::awaitable<Response> {
            std::string body = "{\"request_id\":\"" + std::string(r.header("X-Request-Id").value_or("")) +
                "\",\"traceparent\":\"" + std::string(r.header("traceparent").value_or("")) + "\",\"tracestate\":\"" +
                std::string(r.header("tracestate").value_or("")) + "\",\"amzn\":\"" +
                std::string(r.header("X-Amzn-Trace-Id").value_or("")) + "\"}";
            co_return Response::json(200, body);
        });
        api.add({Method::get}, "/slow", [](Request&) -> asio::awaitable<Response> {
            asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(500));
            co_await t.async_wait(asio::use_awaitable);
            co_return Response::json(200, "{}");
        });
        port_ = upstream_->bind();
        runner_ = std::async(std::launch::async, [this] { return upstream_->run(); });
    }

    void TearDown() override {
        upstream_->request_stop();
        runner_.get();
    }

    ClientOptions options() {
        ClientOptions o;
        o.name = "upstream";
        o.base_url = "http://127.0.0.1:" + std::to_string(port_);
        o.request_timeout = std::chrono::milliseconds(200);
        o.backoff_base = std::chrono::milliseconds(1);
        o.backoff_max = std::chrono::milliseconds(5);
        return o;
    }

    // Runs `body` on a private io_context with a Client made from `o`.
    template <typename Body>
    void with_client(ClientOptions o, Body body) {
        asio::io_context io;
        metrics::Registry registry;
        Client client({&io}, o, registry);
        std::exception_ptr failure;
        asio::co_spawn(
            io,
            [&]() -> asio::awaitable<void> {
                try {
                    co_await body(client);
                } catch (...) {
                    failure = std::current_exception();
                }
                client.close();
            },
            asio::detached);
        io.run();
        if (failure) {
            std::rethrow_exception(failure);
        }
    }

    std::unique_ptr<Service> upstream_;
    std::uint16_t port_ = 0;
    std::future<int> runner_;
    std::atomic<int> failures_left_{0};
};

TEST_F(ClientTest, RetriesIdempotentRequestsOn5xx) {
    failures_left_ = 2;
    with_client(options(), [](Client& c) -> asio::awaitable<void> {
        OutgoingRequest r;
        r.target = "/flaky";
        r.idempotent = true;
        const auto response = co_await c.send(r);
        EXPECT_EQ(response.status, 200u);
    });
}

TEST_F(ClientTest, DoesNotRetryOtherRequestsThatWereSent) {
    failures_left_ = 1;
    with_client(options(), [](Client& c) -> asio::awaitable<void> {
        OutgoingRequest r;
        r.method = Method::post;
        r.target = "/flaky";
        r.body = "{}";
        const auto response = co_await c.send(r);
        EXPECT_EQ(response.status, 503u);  // returned as is: the caller decides
    });
    EXPECT_EQ(failures_left_.load(), 0);  // exactly one call reached the server
}

TEST_F(ClientTest, PropagatesRequestIdAndTrace) {
    with_client(options(), [](Client& c) -> asio::awaitable<void> {
        RequestContext ctx;
        ctx.request_id = "req-123";
        ctx.trace.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
        ctx.trace.tracestate = "congo=t61rcWkgMzE";
        ctx.trace.sampled = true;
        OutgoingRequest r;
        r.target = "/echo-headers";
        r.context = &ctx;
        const auto response = co_await c.send(r);
        EXPECT_NE(response.body.find("\"request_id\":\"req-123\""), std::string::npos);
        EXPECT_NE(response.body.find("00-4bf92f3577b34da6a3ce929d0e0e4736-"), std::string::npos);
        EXPECT_NE(response.body.find("-01\""), std::string::npos);
        EXPECT_NE(response.body.find("\"tracestate\":\"congo=t61rcWkgMzE\""), std::string::npos);
        EXPECT_NE(response.body.find("\"amzn\":\"Root=1-4bf92f35-77b34da6a3ce929d0e0e4736;Parent="), std::string::npos);
    });
}

TEST_F(ClientTest, TimesOut) {
    auto o = options();
    o.max_attempts = 1;
    with_client(o, [](Client& c) -> asio::awaitable<void> {
        OutgoingRequest r;
        r.target = "/slow";
        bool timed_out = false;
        try {
            co_await c.send(r);
        } catch (const UpstreamError& e) {
            timed_out = e.kind() == UpstreamError::Kind::timeout;
        }
        EXPECT_TRUE(timed_out);
    });
}

TEST_F(ClientTest, CircuitOpensThenRecovers) {
    auto o = options();
    o.base_url = "http://127.0.0.1:1";  // nothing listens
    o.max_attempts = 1;
    o.breaker_failures = 3;
    o.breaker_open = std::chrono::milliseconds(100);
    with_client(o, [](Client& c) -> asio::awaitable<void> {
        OutgoingRequest r;
        r.target = "/";
        r.idempotent = true;
        int unavailable = 0;
        int fast_fails = 0;
        for (int i = 0; i < 6; ++i) {
            try {
                co_await c.send(r);
            } catch (const UpstreamError& e) {
                (e.kind() == UpstreamError::Kind::circuit_open ? fast_fails : unavailable)++;
            }
        }
        EXPECT_EQ(unavailable, 3);
        EXPECT_EQ(fast_fails, 3);
        EXPECT_TRUE(c.circuit_open());
        asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(150));
        co_await t.async_wait(asio::use_awaitable);
        EXPECT_FALSE(c.circuit_open());  // half-open: the next call is a probe
    });
}

TEST_F(ClientTest, ReusesConnections) {
    with_client(options(), [](Client& c) -> asio::awaitable<void> {
        for (int i = 0; i < 50; ++i) {
            OutgoingRequest r;
            r.target = "/echo-headers";
            const auto response = co_await c.send(r);
            EXPECT_EQ(response.status, 200u);
        }
    });
    const auto metrics = upstream_->metrics().render();
    EXPECT_NE(metrics.find("http_server_connections_accepted_total 1\n"), std::string::npos) << metrics;
}

}  // namespace
}  // namespace ecom::http
