// A measuring instrument, never shipped: the smallest honest server of the
// same design as product-service's uncached list, to measure the service
// against (bench/lib/bench_product_service.py).
//
// One thread, one io_context, one PostgreSQL connection in pipeline mode
// with one Sync per event-loop turn (every request that arrived in the turn
// shares it), Beast HTTP/1.1 keep-alive sessions as coroutines. Every GET is
// answered with the first page of the catalog: the statement given with
// --sql ($1 after id = 0, $2 limit = 21), rendered as the same JSON as
// GET /api/products?limit=20 (the bench compares the bodies byte for byte).
// No routing, metrics, logging, ids, tracing, timeouts or limits.
//
//   list_server --port P --conninfo "host=... dbname=..." --sql "SELECT ..."
// (the password, if any, in PGPASSWORD, not on the command line)

#include <libpq-fe.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <deque>
#include <string>
#include <string_view>

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

// --- the same JSON as product-service --------------------------------------

// Copies runs of plain bytes at once; escapes quotes, backslashes and
// control characters as product-service does.
void append_escaped(std::string& out, std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    const char* run = s.data();
    const char* const end = s.data() + s.size();
    for (const char* p = run; p != end; ++p) {
        const auto c = static_cast<unsigned char>(*p);
        if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f) {
            continue;
        }
        out.append(run, static_cast<std::size_t>(p - run));
        run = p + 1;
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default: {
                const char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf]};
                out.append(esc, 6);
            }
        }
    }
    out.append(run, static_cast<std::size_t>(end - run));
}

void append_digits(std::string& out, long long v, int width) {
    char buf[8];
    for (int i = width - 1; i >= 0; --i) {
        buf[i] = static_cast<char>('0' + v % 10);
        v /= 10;
    }
    out.append(buf, static_cast<std::size_t>(width));
}

// Milliseconds since the epoch as 2026-01-02T03:04:05.678Z.
void append_time(std::string& out, long long ms) {
    long long days = ms / 86'400'000;
    long long rest = ms % 86'400'000;
    if (rest < 0) {
        rest += 86'400'000;
        --days;
    }
    long long z = days + 719468;
    const long long era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long y = static_cast<long long>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2 ? 1 : 0;
    append_digits(out, y, 4);
    out += '-';
    append_digits(out, m, 2);
    out += '-';
    append_digits(out, d, 2);
    out += 'T';
    append_digits(out, rest / 3'600'000, 2);
    out += ':';
    append_digits(out, rest / 60'000 % 60, 2);
    out += ':';
    append_digits(out, rest / 1000 % 60, 2);
    out += '.';
    append_digits(out, rest % 1000, 3);
    out += 'Z';
}

std::string cursor(std::string_view id) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const std::string in = "p1:" + std::string(id);
    std::string out;
    std::size_t i = 0;
    auto byte = [&](std::size_t k) { return static_cast<unsigned>(static_cast<unsigned char>(in[k])); };
    for (; i + 2 < in.size(); i += 3) {
        const unsigned n = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
        for (const int shift : {18, 12, 6, 0}) {
            out += alphabet[(n >> shift) & 63];
        }
    }
    if (i + 1 == in.size()) {
        const unsigned n = byte(i) << 16;
        out += alphabet[(n >> 18) & 63];
        out += alphabet[(n >> 12) & 63];
    } else if (i + 2 == in.size()) {
        const unsigned n = (byte(i) << 16) | (byte(i + 1) << 8);
        out += alphabet[(n >> 18) & 63];
        out += alphabet[(n >> 12) & 63];
        out += alphabet[(n >> 6) & 63];
    }
    return out;
}

std::string_view text(const PGresult* r, int row, int col) {
    return {PQgetvalue(r, row, col), static_cast<std::size_t>(PQgetlength(r, row, col))};
}

constexpr int page = 20;

std::string render(const PGresult* r) {
    static constexpr const char* string_columns[] = {nullptr, "sku",      "name",  "description", "category",
                                                     nullptr, "currency", nullptr, "image_url"};
    const int rows = PQntuples(r);
    const int shown = rows > page ? page : rows;
    std::string out;
    out.reserve(static_cast<std::size_t>(shown) * 400 + 64);
    out += "{\"items\":[";
    for (int i = 0; i < shown; ++i) {
        if (i > 0) {
            out += ',';
        }
        out += "{\"id\":";
        out += text(r, i, 0);
        for (int c = 1; c <= 8; ++c) {
            if (c == 5) {
                out += ",\"price_cents\":";
                out += text(r, i, 5);
            } else if (c == 7) {
                out += ",\"stock\":";
                out += text(r, i, 7);
            } else {
                out += ",\"";
                out += string_columns[c];
                out += "\":\"";
                append_escaped(out, text(r, i, c));
                out += '"';
            }
        }
        out += ",\"created_at\":\"";
        append_time(out, std::atoll(PQgetvalue(r, i, 9)));
        out += "\",\"updated_at\":\"";
        append_time(out, std::atoll(PQgetvalue(r, i, 10)));
        out += "\",\"version\":";
        out += text(r, i, 11);
        out += '}';
    }
    out += "],\"next_cursor\":";
    if (rows > page) {
        out += '"';
        out += cursor(text(r, shown - 1, 0));
        out += '"';
    } else {
        out += "null";
    }
    out += '}';
    return out;
}

// --- the pipelined connection ------------------------------------------------

// A request waiting for its rows: woken by cancelling its timer.
struct Waiter {
    asio::steady_timer* wake;
    std::string* body;
    bool* failed;
};

class Database {
public:
    Database(asio::io_context& io, const char* conninfo, const char* sql) : io_(io), socket_(io) {
        conn_ = PQconnectdb(conninfo);
        if (PQstatus(conn_) != CONNECTION_OK) {
            std::fprintf(stderr, "list_server: %s", PQerrorMessage(conn_));
            std::exit(1);
        }
        PGresult* r = PQprepare(conn_, "list", sql, 0, nullptr);
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            std::fprintf(stderr, "list_server: %s", PQerrorMessage(conn_));
            std::exit(1);
        }
        PQclear(r);
        PQsetnonblocking(conn_, 1);
        PQenterPipelineMode(conn_);
        socket_.assign(PQsocket(conn_));
        asio::co_spawn(io_, read_loop(), asio::detached);
    }

    void query(Waiter w) {
        static const char* const params[] = {"0", "21"};
        PQsendQueryPrepared(conn_, "list", 2, params, nullptr, nullptr, 0);
        queue_.push_back({false, w});
        if (!sync_posted_) {
            sync_posted_ = true;
            asio::post(io_, [this] { sync(); });
        }
    }

private:
    struct Item {
        bool sync;
        Waiter waiter;
    };

    // Once per turn: one Sync for every query sent in it.
    void sync() {
        sync_posted_ = false;
        PQpipelineSync(conn_);
        queue_.push_back({true, {}});
        flush();
    }

    void flush() {
        if (PQflush(conn_) == 1 && !write_waiting_) {
            write_waiting_ = true;
            socket_.async_wait(asio::posix::stream_descriptor::wait_write, [this](error_code) {
                write_waiting_ = false;
                flush();
            });
        }
    }

    asio::awaitable<void> read_loop() {
        while (true) {
            error_code ec;
            co_await socket_.async_wait(asio::posix::stream_descriptor::wait_read,
                                        asio::redirect_error(asio::use_awaitable, ec));
            if (ec || PQconsumeInput(conn_) == 0) {
                std::fprintf(stderr, "list_server: connection lost: %s", PQerrorMessage(conn_));
                std::exit(1);
            }
            drain();
        }
    }

    void drain() {
        while (!PQisBusy(conn_)) {
            if (!expect_null_ && queue_.empty()) {
                return;
            }
            PGresult* r = PQgetResult(conn_);
            if (r == nullptr) {
                if (!expect_null_) {
                    return;
                }
                expect_null_ = false;
                continue;
            }
            const auto status = PQresultStatus(r);
            if (status == PGRES_PIPELINE_SYNC) {
                queue_.pop_front();
            } else {
                const Waiter w = queue_.front().waiter;
                queue_.pop_front();
                expect_null_ = true;
                if (status == PGRES_TUPLES_OK) {
                    *w.body = render(r);
                } else {
                    *w.failed = true;
                }
                w.wake->cancel();
            }
            PQclear(r);
        }
    }

    asio::io_context& io_;
    asio::posix::stream_descriptor socket_;
    PGconn* conn_ = nullptr;
    std::deque<Item> queue_;
    bool sync_posted_ = false;
    bool write_waiting_ = false;
    bool expect_null_ = false;
};

// --- HTTP ----------------------------------------------------------------------

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

asio::awaitable<void> session(tcp::socket socket, Database& db) {
    socket.set_option(tcp::no_delay(true));
    boost::beast::flat_buffer buffer;
    asio::steady_timer wake(socket.get_executor());
    while (true) {
        http::request<http::empty_body> request;
        error_code ec;
        co_await http::async_read(socket, buffer, request, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            break;
        }
        std::string body;
        bool failed = false;
        wake.expires_at(asio::steady_timer::time_point::max());
        db.query({&wake, &body, &failed});
        co_await wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        http::response<http::string_body> response{failed ? http::status::internal_server_error : http::status::ok,
                                                   request.version()};
        response.set(http::field::date, http_date());
        response.set(http::field::content_type, "application/json");
        response.set(http::field::cache_control, "no-cache");
        response.set("X-Request-Id", "0123456789abcdef0123456789abcdef");
        response.set("X-Content-Type-Options", "nosniff");
        response.keep_alive(request.keep_alive());
        response.body() = std::move(body);
        response.prepare_payload();
        co_await http::async_write(socket, response, asio::redirect_error(asio::use_awaitable, ec));
        if (ec || !request.keep_alive()) {
            break;
        }
    }
    error_code ignored;
    socket.shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, Database& db) {
    while (true) {
        tcp::socket socket = co_await acceptor.async_accept(asio::use_awaitable);
        asio::co_spawn(acceptor.get_executor(), session(std::move(socket), db), asio::detached);
    }
}

}  // namespace

int main(int argc, char** argv) {
    unsigned short port = 0;
    const char* conninfo = nullptr;
    const char* sql = nullptr;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string_view flag = argv[i];
        if (flag == "--port") {
            port = static_cast<unsigned short>(std::atoi(argv[i + 1]));
        } else if (flag == "--conninfo") {
            conninfo = argv[i + 1];
        } else if (flag == "--sql") {
            sql = argv[i + 1];
        }
    }
    if (port == 0 || conninfo == nullptr || sql == nullptr) {
        std::fprintf(stderr, "usage: list_server --port P --conninfo CONNINFO --sql SQL\n");
        return 2;
    }
    asio::io_context io(1);
    Database db(io, conninfo, sql);
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    asio::co_spawn(io, accept_loop(acceptor, db), asio::detached);
    std::printf("listening on %u\n", port);
    std::fflush(stdout);
    io.run();
}
