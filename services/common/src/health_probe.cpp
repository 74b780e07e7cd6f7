#include "ecom/health_probe.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace ecom {

int health_check_main() {
    namespace asio = boost::asio;
    using asio::ip::tcp;
    const char* port_env = std::getenv("PORT");
    const std::string port = port_env != nullptr && *port_env != '\0' ? port_env : "8080";
    asio::io_context io;
    tcp::socket socket(io);
    std::string response;
    bool done = false;
    boost::system::error_code failure;
    const std::string request = "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    tcp::resolver resolver(io);
    asio::steady_timer deadline(io, std::chrono::seconds(2));
    deadline.async_wait([&](const boost::system::error_code& ec) {
        if (!ec && !done) {
            failure = asio::error::timed_out;
            socket.close();
        }
    });
    asio::async_connect(
        socket, resolver.resolve("127.0.0.1", port), [&](const boost::system::error_code& ec, const tcp::endpoint&) {
            if (ec) {
                failure = ec;
                deadline.cancel();
                return;
            }
            asio::async_write(socket, asio::buffer(request), [&](const boost::system::error_code& wec, std::size_t) {
                if (wec) {
                    failure = wec;
                    deadline.cancel();
                    return;
                }
                asio::async_read(socket, asio::dynamic_buffer(response),
                                 [&](const boost::system::error_code&, std::size_t) {
                                     done = true;
                                     deadline.cancel();
                                 });
            });
        });
    io.run();
    const bool healthy = response.starts_with("HTTP/1.1 200") || response.starts_with("HTTP/1.0 200");
    if (!healthy) {
        std::fprintf(stderr, "health check failed on port %s: %s\n", port.c_str(),
                     failure ? failure.message().c_str() : response.substr(0, response.find('\r')).c_str());
    }
    return healthy ? 0 : 1;
}

}  // namespace ecom
