// rate_load: an open-loop HTTP/1.1 load generator. Sends GET requests at a
// fixed rate over keep-alive connections and reports latency percentiles
// measured from each request's *intended* send time, so a stalled server
// cannot hide its queueing delay (no coordinated omission). wrk measures
// peak throughput; this measures latency at a chosen fraction of it.
//
//   rate_load --host 127.0.0.1 --port 8080 --path /api/products/1
//             --rate 35000 --connections 64 --seconds 10
//
// Prints one JSON object: achieved rate, errors, p50/p90/p99/p99.9/max in ms.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Options {
    std::string host = "127.0.0.1";
    std::string port = "8080";
    std::string path = "/";
    std::string method = "GET";
    std::string body;                  // sent as application/json when not empty
    bool idempotency_keys = false;     // a unique Idempotency-Key per request
    std::vector<std::string> headers;  // "Name: value", sent with every request
    double rate = 1000;
    int connections = 64;
    double seconds = 10;
    double warmup = 1;
};

// Microsecond-resolution latency histogram up to 60 s (log-linear buckets).
class Histogram {
public:
    void record(std::chrono::nanoseconds latency) {
        const auto us =
            std::max<std::int64_t>(0, std::chrono::duration_cast<std::chrono::microseconds>(latency).count());
        samples_.push_back(us);
    }
    [[nodiscard]] double percentile_ms(double p) {
        if (samples_.empty()) {
            return 0;
        }
        const auto index = static_cast<std::size_t>(p / 100.0 * static_cast<double>(samples_.size() - 1));
        std::nth_element(samples_.begin(), samples_.begin() + static_cast<std::ptrdiff_t>(index), samples_.end());
        return static_cast<double>(samples_[index]) / 1000.0;
    }
    [[nodiscard]] std::size_t count() const { return samples_.size(); }
    void reserve(std::size_t n) { samples_.reserve(n); }

private:
    std::vector<std::int64_t> samples_;
};

struct State {
    Options options;
    std::string first_error;
    void fail(const std::string& what) {
        ++errors;
        if (first_error.empty()) {
            first_error = what;
        }
    }
    Clock::time_point start;
    Clock::time_point measure_from;
    Clock::time_point end;
    Histogram histogram;
    std::size_t completed = 0;
    std::size_t errors = 0;
    std::size_t late_starts = 0;
};

asio::awaitable<void> connection(State& s, int index, tcp::endpoint endpoint) {
    auto executor = co_await asio::this_coro::executor;
    tcp::socket socket(executor);
    boost::system::error_code ec;
    co_await socket.async_connect(endpoint, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
        s.fail("connect: " + ec.message());
        co_return;
    }
    socket.set_option(tcp::no_delay(true));
    // Everything but a per-request Idempotency-Key is fixed.
    std::string head = s.options.method + " " + s.options.path + " HTTP/1.1\r\nHost: " + s.options.host + "\r\n";
    if (!s.options.body.empty()) {
        head += "Content-Type: application/json\r\nContent-Length: " + std::to_string(s.options.body.size()) + "\r\n";
    }
    for (const auto& header : s.options.headers) {
        head += header + "\r\n";
    }
    const std::string key_prefix =
        "rate-load-" + std::to_string(Clock::now().time_since_epoch().count()) + "-" + std::to_string(index) + "-";
    std::uint64_t sent = 0;
    std::string request;
    asio::steady_timer timer(executor);
    // One fixed buffer per connection and a hand-rolled response reader:
    // the generator must cost far less per request than the server.
    std::vector<char> buffer(64 * 1024);
    std::size_t filled = 0;
    const double interval_s = static_cast<double>(s.options.connections) / s.options.rate;
    const auto interval = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(interval_s));
    // Spread the connections' schedules evenly over one interval.
    auto intended = s.start + interval * index / s.options.connections;
    while (intended < s.end) {
        if (Clock::now() < intended) {
            timer.expires_at(intended);
            co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        } else if (Clock::now() - intended > std::chrono::milliseconds(1)) {
            ++s.late_starts;
        }
        request = head;
        if (s.options.idempotency_keys) {
            request += "Idempotency-Key: " + key_prefix + std::to_string(sent++) + "\r\n";
        }
        request += "\r\n";
        request += s.options.body;
        co_await asio::async_write(socket, asio::buffer(request), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            s.fail("write: " + ec.message());
            co_return;
        }
        std::size_t response_size = 0;
        bool ok = false;
        std::string status_line;
        while (true) {
            const std::string_view have(buffer.data(), filled);
            const auto header_end = have.find("\r\n\r\n");
            if (header_end != std::string_view::npos) {
                std::size_t length = 0;
                const auto cl = have.find("Content-Length: ");
                if (cl != std::string_view::npos && cl < header_end) {
                    std::from_chars(have.data() + cl + 16, have.data() + header_end, length);
                }
                if (filled >= header_end + 4 + length) {
                    response_size = header_end + 4 + length;
                    ok = have.starts_with("HTTP/1.1 2") || have.starts_with("HTTP/1.1 3");
                    if (!ok) {
                        status_line = std::string(have.substr(0, 12));
                    }
                    break;
                }
            }
            if (filled == buffer.size()) {
                s.fail("response larger than the read buffer");
                co_return;
            }
            const std::size_t n =
                co_await socket.async_read_some(asio::buffer(buffer.data() + filled, buffer.size() - filled),
                                                asio::redirect_error(asio::use_awaitable, ec));
            if (ec) {
                s.fail("read: " + ec.message());
                co_return;
            }
            filled += n;
        }
        // Keep any bytes past this response (there should be none).
        std::memmove(buffer.data(), buffer.data() + response_size, filled - response_size);
        filled -= response_size;
        const auto done = Clock::now();
        if (intended >= s.measure_from) {
            if (ok) {
                s.histogram.record(done - intended);
                ++s.completed;
            } else {
                s.fail("status: " + status_line);
            }
        }
        intended += interval;
    }
}

bool parse(int argc, char** argv, Options& o) {
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string key = argv[i];
        const std::string value = argv[i + 1];
        if (key == "--host")
            o.host = value;
        else if (key == "--port")
            o.port = value;
        else if (key == "--path")
            o.path = value;
        else if (key == "--method")
            o.method = value;
        else if (key == "--body")
            o.body = value;
        else if (key == "--idempotency-keys")
            o.idempotency_keys = value == "1" || value == "true";
        else if (key == "--header")
            o.headers.push_back(value);
        else if (key == "--rate")
            o.rate = std::atof(value.c_str());
        else if (key == "--connections")
            o.connections = std::atoi(value.c_str());
        else if (key == "--seconds")
            o.seconds = std::atof(value.c_str());
        else if (key == "--warmup")
            o.warmup = std::atof(value.c_str());
        else {
            std::cerr << "rate_load: unknown option " << key << "\n";
            return false;
        }
    }
    if (o.rate <= 0 || o.connections <= 0 || o.seconds <= 0) {
        std::cerr << "rate_load: --rate, --connections and --seconds must be positive\n";
        return false;
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    State s;
    if (argc % 2 == 0 || !parse(argc, argv, s.options)) {
        std::cerr << "usage: rate_load --host H --port P --path /x --rate R --connections C --seconds S [--warmup W]\n"
                     "                 [--method POST --body JSON --idempotency-keys 1] [--header 'Name: value']...\n";
        return 2;
    }
    asio::io_context io(1);
    tcp::resolver resolver(io);
    const auto endpoint = *resolver.resolve(s.options.host, s.options.port).begin();
    s.start = Clock::now() + std::chrono::milliseconds(200);
    s.measure_from =
        s.start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s.options.warmup));
    s.end =
        s.measure_from + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s.options.seconds));
    s.histogram.reserve(static_cast<std::size_t>(s.options.rate * (s.options.seconds + s.options.warmup + 1)));
    for (int i = 0; i < s.options.connections; ++i) {
        asio::co_spawn(io, connection(s, i, endpoint.endpoint()), asio::detached);
    }
    io.run();
    const double measured = static_cast<double>(s.completed) / s.options.seconds;
    std::printf(
        "{\"target_rate\":%.0f,\"achieved_rate\":%.0f,\"requests\":%zu,\"errors\":%zu,\"late_starts\":%zu,"
        "\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,\"max_ms\":%.3f}\n",
        s.options.rate, measured, s.completed, s.errors, s.late_starts, s.histogram.percentile_ms(50),
        s.histogram.percentile_ms(90), s.histogram.percentile_ms(99), s.histogram.percentile_ms(99.9),
        s.histogram.percentile_ms(100));
    if (!s.first_error.empty()) {
        std::fprintf(stderr, "rate_load: %zu errors; first: %s\n", s.errors, s.first_error.c_str());
    }
    return s.errors == 0 ? 0 : 1;
}
