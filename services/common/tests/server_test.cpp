// The HTTP server in-process: framing, limits, errors and the drain, with
// raw bytes on a loopback socket.

#include "ecom/http/error.hpp"
#include "ecom/service.hpp"

#include <gtest/gtest.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <future>
#include <thread>

namespace ecom {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

class ServerTest : public ::testing::Test {
protected:
    void SetUp() override {
        ServiceConfig config;
        config.name = "test";
        config.bind_address = "127.0.0.1";
        config.port = 0;
        config.admin_port = 0;
        config.drain_timeout = std::chrono::seconds(5);
        config.limits.read_timeout = std::chrono::milliseconds(500);
        config.request_log.sample_rate = 0;
        configure(config);
        service_ = std::make_unique<Service>(config);
        auto& api = service_->api();
        api.add({http::Method::get}, "/hello", [](http::Request&) -> asio::awaitable<http::Response> {
            co_return http::Response::json(200, R"({"hello":"world"})");
        });
        api.add(
            {http::Method::post}, "/echo",
            [](http::Request& r) -> asio::awaitable<http::Response> { co_return http::Response::json(200, r.body); },
            {.json_body = true});
        api.add({http::Method::get}, "/slow", [](http::Request&) -> asio::awaitable<http::Response> {
            asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(300));
            co_await t.async_wait(asio::use_awaitable);
            co_return http::Response::json(200, "{}");
        });
        api.add({http::Method::get}, "/fail", [](http::Request&) -> asio::awaitable<http::Response> {
            throw std::runtime_error("secret internal detail");
            co_return http::Response{};
        });
        api.add({http::Method::get}, "/teapot", [](http::Request&) -> asio::awaitable<http::Response> {
            throw http::HttpError(418, "teapot", "short and stout");
            co_return http::Response{};
        });
        port_ = service_->bind();
        runner_ = std::async(std::launch::async, [this] { return service_->run(); });
    }

    virtual void configure(ServiceConfig&) {}

    void TearDown() override {
        service_->request_stop();
        EXPECT_EQ(runner_.get(), 0);
    }

    // Sends `request` and reads until the server closes or `until` is seen.
    std::string exchange(std::string_view request, std::string_view until = "") {
        asio::io_context io;
        tcp::socket socket(io);
        socket.connect({asio::ip::make_address("127.0.0.1"), port_});
        asio::write(socket, asio::buffer(request.data(), request.size()));
        std::string response;
        std::array<char, 4096> buf;
        while (true) {
            boost::system::error_code ec;
            const auto n = socket.read_some(asio::buffer(buf), ec);
            response.append(buf.data(), n);
            if (ec || (!until.empty() && response.find(until) != std::string::npos)) {
                break;
            }
        }
        return response;
    }

    std::unique_ptr<Service> service_;
    std::uint16_t port_ = 0;
    std::future<int> runner_;
};

TEST_F(ServerTest, ServesKeepAliveRequests) {
    const std::string one = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n";
    const auto response = exchange(one + one + "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    std::size_t count = 0;
    for (auto pos = response.find("HTTP/1.1 200 OK"); pos != std::string::npos;
         pos = response.find("HTTP/1.1 200 OK", pos + 1)) {
        ++count;
    }
    EXPECT_EQ(count, 3u);
    EXPECT_NE(response.find("X-Request-Id: "), std::string::npos);
    EXPECT_NE(response.find("Connection: close"), std::string::npos);
}

TEST_F(ServerTest, KeepsAWellFormedRequestId) {
    auto r = exchange("GET /hello HTTP/1.1\r\nHost: x\r\nX-Request-Id: abc-123\r\nConnection: close\r\n\r\n");
    EXPECT_NE(r.find("X-Request-Id: abc-123\r\n"), std::string::npos);
    r = exchange("GET /hello HTTP/1.1\r\nHost: x\r\nX-Request-Id: a b<c>\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(r.find("a b<c>"), std::string::npos);
}

TEST_F(ServerTest, UnknownPathIsJson404) {
    const auto r = exchange("GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_NE(r.find("HTTP/1.1 404"), std::string::npos);
    EXPECT_NE(r.find(R"({"error":{"code":"not_found")"), std::string::npos);
    EXPECT_EQ(r.find("/nope"), std::string::npos);  // the path is never echoed
}

TEST_F(ServerTest, WrongMethodIs405WithAllow) {
    const auto r = exchange("DELETE /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_NE(r.find("HTTP/1.1 405"), std::string::npos);
    EXPECT_NE(r.find("Allow: GET, HEAD\r\n"), std::string::npos);
}

TEST_F(ServerTest, HeadHasNoBody) {
    const auto r = exchange("HEAD /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_NE(r.find("Content-Length: 17"), std::string::npos);
    EXPECT_EQ(r.find("world"), std::string::npos);
}

TEST_F(ServerTest, EnforcesBodyAndHeaderLimits) {
    auto r =
        exchange("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 70000\r\n\r\n");
    EXPECT_NE(r.find("HTTP/1.1 413"), std::string::npos);
    r = exchange("GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(9000, 'a') + "\r\n\r\n");
    EXPECT_NE(r.find("HTTP/1.1 431"), std::string::npos);
}

// The limits' errors name the configured sizes, not the defaults.
class SmallLimitsServerTest : public ServerTest {
protected:
    void configure(ServiceConfig& config) override {
        config.limits.max_header_bytes = 1500;
        config.limits.max_body_bytes = 2 * 1024;
    }
};

TEST_F(SmallLimitsServerTest, ErrorsNameTheConfiguredLimits) {
    auto r =
        exchange("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 3000\r\n\r\n");
    EXPECT_NE(r.find("HTTP/1.1 413"), std::string::npos);
    EXPECT_NE(r.find("the request body exceeds 2 KiB"), std::string::npos) << r;
    r = exchange("GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(1600, 'a') + "\r\n\r\n");
    EXPECT_NE(r.find("HTTP/1.1 431"), std::string::npos);
    EXPECT_NE(r.find("the request header exceeds 1500 bytes"), std::string::npos) << r;
}

TEST_F(ServerTest, LimitErrorsNameTheDefaultSizes) {
    auto r =
        exchange("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 70000\r\n\r\n");
    EXPECT_NE(r.find("the request body exceeds 64 KiB"), std::string::npos) << r;
}

TEST_F(ServerTest, RefusesSmuggling) {
    const auto r = exchange(
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4\r\n"
        "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    EXPECT_NE(r.find("HTTP/1.1 400"), std::string::npos);
    const auto te_first = exchange(
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked, gzip\r\n"
        "Content-Length: 4\r\n\r\n{}{}");
    EXPECT_TRUE(te_first.find("HTTP/1.1 400") != std::string::npos ||
                te_first.find("HTTP/1.1 501") != std::string::npos);
}

TEST_F(ServerTest, ChunkedBodiesWork) {
    const auto r = exchange(
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
        "Connection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
    EXPECT_NE(r.find("HTTP/1.1 200"), std::string::npos);
    EXPECT_NE(r.find("\r\n\r\n{}"), std::string::npos);
}

TEST_F(ServerTest, JsonRoutesNeedJsonContentType) {
    const auto r =
        exchange("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}");
    EXPECT_NE(r.find("HTTP/1.1 415"), std::string::npos);
    const auto ok = exchange(
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: Application/JSON; charset=utf-8\r\nContent-Length: 2\r\n"
        "Connection: close\r\n\r\n{}");
    EXPECT_NE(ok.find("HTTP/1.1 200"), std::string::npos);
}

TEST_F(ServerTest, MalformedRequestsGet400) {
    for (const auto* bad : {"GARBAGE\r\n\r\n", "GET /hello HTTP/9.9\r\nHost: x\r\n\r\n", "GET /hello\r\n\r\n",
                            "GET /hello HTTP/1.1\r\n\r\n", "GET hello HTTP/1.1\r\nHost: x\r\n\r\n",
                            "GET /hello HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n"}) {
        const auto r = exchange(bad);
        EXPECT_TRUE(r.starts_with("HTTP/1.1 4") || r.starts_with("HTTP/1.1 505")) << bad << " -> " << r;
        EXPECT_NE(r.find("\"error\""), std::string::npos) << bad;
    }
}

TEST_F(ServerTest, HandlerErrorsAreEnvelopedAndNeverLeakDetails) {
    auto r = exchange("GET /fail HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_NE(r.find("HTTP/1.1 500"), std::string::npos);
    EXPECT_EQ(r.find("secret"), std::string::npos);
    r = exchange("GET /teapot HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_NE(r.find("HTTP/1.1 418"), std::string::npos);
    EXPECT_NE(r.find("\"code\":\"teapot\""), std::string::npos);
}

TEST_F(ServerTest, ExpectContinueIsHonoured) {
    asio::io_context io;
    tcp::socket socket(io);
    socket.connect({asio::ip::make_address("127.0.0.1"), port_});
    const std::string head =
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
        "Expect: 100-continue\r\nConnection: close\r\n\r\n";
    asio::write(socket, asio::buffer(head));
    std::array<char, 64> buf{};
    const auto n = socket.read_some(asio::buffer(buf));
    EXPECT_EQ(std::string(buf.data(), n), "HTTP/1.1 100 Continue\r\n\r\n");
    asio::write(socket, asio::buffer(std::string("{}")));
    std::string rest;
    boost::system::error_code ec;
    asio::read(socket, asio::dynamic_buffer(rest), ec);
    EXPECT_NE(rest.find("HTTP/1.1 200"), std::string::npos);
}

TEST_F(ServerTest, SlowHeadersAreCutOff) {
    asio::io_context io;
    tcp::socket socket(io);
    socket.connect({asio::ip::make_address("127.0.0.1"), port_});
    asio::write(socket, asio::buffer(std::string("GET /hello HTTP/1.1\r\nHo")));
    const auto start = std::chrono::steady_clock::now();
    std::array<char, 64> buf{};
    boost::system::error_code ec;
    socket.read_some(asio::buffer(buf), ec);  // the server closes after the read timeout
    EXPECT_TRUE(ec);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

TEST_F(ServerTest, DrainFinishesInFlightRequests) {
    asio::io_context io;
    tcp::socket socket(io);
    socket.connect({asio::ip::make_address("127.0.0.1"), port_});
    asio::write(socket, asio::buffer(std::string("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    service_->request_stop();
    std::string response;
    boost::system::error_code ec;
    asio::read(socket, asio::dynamic_buffer(response), ec);
    EXPECT_NE(response.find("HTTP/1.1 200"), std::string::npos);
    EXPECT_NE(response.find("Connection: close"), std::string::npos);
}

TEST_F(ServerTest, MetricsAreOnTheAdminListener) {
    (void)exchange("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    asio::io_context io;
    tcp::socket socket(io);
    socket.connect({asio::ip::make_address("127.0.0.1"), service_->admin_port()});
    asio::write(socket, asio::buffer(std::string("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")));
    std::string response;
    boost::system::error_code ec;
    asio::read(socket, asio::dynamic_buffer(response), ec);
    EXPECT_NE(
        response.find(
            R"(http_server_request_duration_seconds_count{listener="api",method="GET",route="/hello",status="200"} 1)"),
        std::string::npos)
        << response;
    // /metrics is not on the API port.
    EXPECT_NE(exchange("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").find("404"), std::string::npos);
}

}  // namespace
}  // namespace ecom
