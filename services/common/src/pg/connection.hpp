#pragma once

// One non-blocking libpq connection in pipeline mode, driven by its
// worker's io_context. Private to the pool.

#include "ecom/pg/database.hpp"

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <vector>

struct pg_conn;

namespace ecom::pg {

using Clock = std::chrono::steady_clock;
using QueryHandler = boost::asio::any_completion_handler<void(std::exception_ptr, Result)>;

struct PendingQuery {
    PendingQuery() = default;
    // The handler is set at construction only: Boost 1.81's
    // any_completion_handler move-assignment recurses forever.
    explicit PendingQuery(QueryHandler h) : handler(std::move(h)) {}

    const Statement* statement = nullptr;  // a prepared statement, or
    const char* raw_sql = nullptr;         // a parameterless command (BEGIN, COMMIT, ...)
    Params params;
    QueryHandler handler;  // empty for fire-and-forget commands
    Clock::time_point submitted{};
    Clock::time_point deadline{};  // for getting onto a ready connection
    std::uint64_t generation = 0;  // 0: any connection; else only that one
    std::uint64_t ran_on = 0;      // the generation it was sent on
    bool retry_on_abort = true;    // re-send when a batch neighbour failed
    int attempts = 0;

    // Filled while its batch is open.
    Result result;
    std::exception_ptr error;
    bool failed = false;
    bool aborted = false;
};

// Pool-wide observers of connection events, for metrics.
struct ConnectionEvents {
    virtual ~ConnectionEvents() = default;
    virtual void query_finished(const PendingQuery& query, bool ok) = 0;
    virtual void reconnected() = 0;
};

class Connection {
public:
    enum class State { created, connecting, ready, broken, closed };

    Connection(boost::asio::io_context& io, const Settings& settings, const std::vector<Statement>& statements,
               ConnectionEvents& events, std::string name);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    void start();
    void close();

    // Hooks for a listening connection: run when the connection becomes
    // ready, when it is lost, and for every notification.
    std::function<void()> on_ready;
    std::function<void()> on_lost;
    std::function<void(std::string_view channel, std::string_view payload)> on_notify;
    void submit(std::unique_ptr<PendingQuery> query);
    // Fails queries that waited past their deadline and drops a connection
    // whose server stopped answering. Called by the pool's sweeper.
    void expire(Clock::time_point now);

    [[nodiscard]] State state() const noexcept { return state_; }
    [[nodiscard]] std::uint64_t generation() const noexcept { return generation_; }
    [[nodiscard]] bool busy() const noexcept { return !in_flight_.empty() || !waiting_.empty(); }
    [[nodiscard]] std::size_t waiting() const noexcept { return waiting_.size(); }
    [[nodiscard]] bool stalled(Clock::time_point now, std::chrono::milliseconds limit) const noexcept {
        return !in_flight_.empty() && now - in_flight_.front().sent > limit;
    }

private:
    struct InFlight {
        std::unique_ptr<PendingQuery> query;  // null for a Sync marker
        Clock::time_point sent;
    };

    boost::asio::awaitable<void> run();
    boost::asio::awaitable<bool> establish();
    // Counts a failed attempt; true for those worth a log line: the first of
    // a run, then every 30th.
    bool note_failure();
    // Sends server notices to the log and makes the connection libpq started
    // non-blocking; false (logged) when it could not start.
    bool adopt_started_connection();
    // The whole handshake shares one deadline: it cancels the socket's wait.
    void arm_connect_deadline();
    // Polls the handshake through to an accepted connection.
    boost::asio::awaitable<bool> handshake();
    boost::asio::awaitable<bool> prepare_statements();
    boost::asio::awaitable<void> read_loop();
    boost::asio::awaitable<void> write_loop(std::uint64_t generation);
    bool attach_socket();
    void schedule_flush();
    void flush();
    void try_flush();
    void process_results();
    void finish_batch();
    void requeue_front(std::vector<std::unique_ptr<PendingQuery>>& queries);
    void complete(std::unique_ptr<PendingQuery> query, std::exception_ptr error, Result result);
    void break_connection(std::string_view reason);
    void teardown();

    boost::asio::io_context& io_;
    const Settings& settings_;
    const std::vector<Statement>& statements_;
    ConnectionEvents& events_;
    std::string name_;

    State state_ = State::created;
    std::uint64_t generation_ = 0;
    pg_conn* conn_ = nullptr;
    int socket_fd_ = -1;
    std::unique_ptr<boost::asio::posix::stream_descriptor> socket_;
    boost::asio::steady_timer timer_;  // connect deadline and reconnect backoff
    bool flush_scheduled_ = false;
    bool writing_ = false;
    int failures_logged_ = 0;
    std::uint64_t connect_attempt_ = 0;
    bool connect_timed_out_ = false;

    std::deque<std::unique_ptr<PendingQuery>> waiting_;
    std::deque<InFlight> in_flight_;
    std::vector<std::unique_ptr<PendingQuery>> batch_;
};

}  // namespace ecom::pg
