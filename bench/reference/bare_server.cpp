// A measuring instrument, never shipped: a bare Beast HTTP/1.1 server that
// answers every request with the same JSON body (the bench passes it the
// body product-service serves for a cached GET /api/products/{id}), to
// measure the service's cached reads against (bench/lib/bench_product_service.py).
//
// One thread, keep-alive sessions as coroutines, the response headers the
// service sends (Date, Content-Type, ETag, Cache-Control, X-Request-Id,
// X-Content-Type-Options, Content-Length) with constant values. No routing,
// metrics, logging, timeouts or limits.
//
//   bare_server --port P --body-file FILE

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

std::string http_date() {
    static std::time_t second = 0;
    static std::string value;
    const std::time_t now = std::time(nullptr);
    if (now != second) {
        second = now;
        std::tm tm{};
        gmtime_r(&now, &tm);
        char buf[40];
        value.assign(buf, std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm));
    }
    return value;
}

asio::awaitable<void> session(tcp::socket socket, const std::string& body) {
    socket.set_option(tcp::no_delay(true));
    boost::beast::flat_buffer buffer;
    while (true) {
        http::request<http::empty_body> request;
        error_code ec;
        co_await http::async_read(socket, buffer, request, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            break;
        }
        http::response<http::string_body> response{http::status::ok, request.version()};
        response.set(http::field::date, http_date());
        response.set(http::field::content_type, "application/json");
        response.set(http::field::etag, "\"v1\"");
        response.set(http::field::cache_control, "no-cache");
        response.set("X-Request-Id", "0123456789abcdef0123456789abcdef");
        response.set("X-Content-Type-Options", "nosniff");
        response.keep_alive(request.keep_alive());
        response.body() = body;
        response.prepare_payload();
        co_await http::async_write(socket, response, asio::redirect_error(asio::use_awaitable, ec));
        if (ec || !request.keep_alive()) {
            break;
        }
    }
    error_code ignored;
    socket.shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, const std::string& body) {
    while (true) {
        tcp::socket socket = co_await acceptor.async_accept(asio::use_awaitable);
        asio::co_spawn(acceptor.get_executor(), session(std::move(socket), body), asio::detached);
    }
}

}  // namespace

int main(int argc, char** argv) {
    unsigned short port = 0;
    const char* body_file = nullptr;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string_view flag = argv[i];
        if (flag == "--port") {
            port = static_cast<unsigned short>(std::atoi(argv[i + 1]));
        } else if (flag == "--body-file") {
            body_file = argv[i + 1];
        }
    }
    std::ifstream in(body_file == nullptr ? "" : body_file, std::ios::binary);
    if (port == 0 || !in) {
        std::fprintf(stderr, "usage: bare_server --port P --body-file FILE (a readable file)\n");
        return 2;
    }
    const std::string body{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    asio::io_context io(1);
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    asio::co_spawn(io, accept_loop(acceptor, body), asio::detached);
    std::printf("listening on %u\n", port);
    std::fflush(stdout);
    io.run();
}
