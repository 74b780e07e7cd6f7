#include "pg/connection.hpp"

#include "ecom/dns.hpp"
#include "ecom/log.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <libpq-fe.h>

#include <algorithm>

namespace ecom::pg {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;

std::string one_line(const char* text) {
    std::string s = text != nullptr ? text : "";
    std::replace(s.begin(), s.end(), '\n', ' ');
    while (!s.empty() && s.back() == ' ') {
        s.pop_back();
    }
    return s;
}

std::exception_ptr server_error(const PGresult* result) {
    const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
    return std::make_exception_ptr(Error(Error::Kind::server, state != nullptr ? state : "XX000",
                                         one_line(primary != nullptr ? primary : "error")));
}

struct ConnectParams {
    std::vector<std::string> keys;
    std::vector<std::string> values;

    void set(std::string_view key, std::string value) {
        for (std::size_t i = 0; i < keys.size(); ++i) {
            if (keys[i] == key) {
                values[i] = std::move(value);
                return;
            }
        }
        keys.emplace_back(key);
        values.push_back(std::move(value));
    }
    [[nodiscard]] const std::string* get(std::string_view key) const {
        for (std::size_t i = 0; i < keys.size(); ++i) {
            if (keys[i] == key) {
                return &values[i];
            }
        }
        return nullptr;
    }
};

ConnectParams parse_conninfo(const std::string& conninfo) {
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
    if (options == nullptr) {
        std::string message = one_line(error);
        PQfreemem(error);
        throw Error(Error::Kind::unavailable, "", "invalid connection string: " + message);
    }
    ConnectParams params;
    for (auto* o = options; o->keyword != nullptr; ++o) {
        if (o->val != nullptr && *o->val != '\0') {
            params.set(o->keyword, o->val);
        }
    }
    PQconninfoFree(options);
    return params;
}

// A host that needs a DNS lookup: not empty, not a socket directory, not an
// address literal, not a list.
bool needs_lookup(const std::string& host) {
    if (host.empty() || host.front() == '/' || host.front() == '@' || host.find(',') != std::string::npos) {
        return false;
    }
    error_code ec;
    asio::ip::make_address(host, ec);
    return static_cast<bool>(ec);
}

// Whether libpq would look the host up with a blocking call: a host name
// without a hostaddr beside it.
bool host_needs_lookup(const ConnectParams& params) {
    const std::string* host = params.get("host");
    return host != nullptr && params.get("hostaddr") == nullptr && needs_lookup(*host);
}

asio::awaitable<dns::Lookup> lookup_host(const ConnectParams& params, std::chrono::milliseconds timeout) {
    const std::string* port = params.get("port");
    // Named locals, not temporaries, in the co_await expression: GCC 12
    // mis-destroyed the "?:" temporary: services connecting to the database
    // by host name (RDS, compose) crashed in free().
    std::string host_name = *params.get("host");
    std::string service = port != nullptr ? *port : "5432";
    co_return co_await dns::resolve(std::move(host_name), std::move(service), timeout);
}

// The pool's session settings: its statement timeout, and its application
// name unless the connection string names one.
void add_session_settings(ConnectParams& params, const Settings& settings) {
    std::string options = params.get("options") != nullptr ? *params.get("options") + " " : "";
    options += "-c statement_timeout=" + std::to_string(settings.statement_timeout.count());
    params.set("options", options);
    if (params.get("application_name") == nullptr && !settings.application_name.empty()) {
        params.set("application_name", settings.application_name);
    }
}

// Starts a non-blocking connection; null when libpq is out of memory.
PGconn* connect_start(const ConnectParams& params) {
    std::vector<const char*> keys;
    std::vector<const char*> values;
    for (std::size_t i = 0; i < params.keys.size(); ++i) {
        keys.push_back(params.keys[i].c_str());
        values.push_back(params.values[i].c_str());
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);
    return PQconnectStartParams(keys.data(), values.data(), 0);
}

}  // namespace

Connection::Connection(asio::io_context& io, const Settings& settings, const std::vector<Statement>& statements,
                       ConnectionEvents& events, std::string name)
    : io_(io), settings_(settings), statements_(statements), events_(events), name_(std::move(name)), timer_(io) {}

Connection::~Connection() {
    if (socket_) {
        socket_->release();
    }
    if (conn_ != nullptr) {
        PQfinish(conn_);
    }
}

void Connection::start() {
    if (state_ != State::created) {
        return;
    }
    state_ = State::connecting;
    asio::co_spawn(io_, run(), asio::detached);
}

void Connection::close() {
    if (state_ == State::closed) {
        return;
    }
    state_ = State::closed;
    timer_.cancel();
    if (socket_) {
        error_code ignored;
        socket_->cancel(ignored);
    }
    while (!waiting_.empty()) {
        auto q = std::move(waiting_.front());
        waiting_.pop_front();
        complete(std::move(q), std::make_exception_ptr(Error(Error::Kind::closed, "", "the database pool is closed")),
                 {});
    }
}

void Connection::submit(std::unique_ptr<PendingQuery> query) {
    if (state_ == State::closed) {
        complete(std::move(query),
                 std::make_exception_ptr(Error(Error::Kind::closed, "", "the database pool is closed")), {});
        return;
    }
    waiting_.push_back(std::move(query));
    if (state_ == State::ready) {
        schedule_flush();
    }
}

void Connection::expire(Clock::time_point now) {
    if (state_ != State::ready) {
        // Queries waiting for a connection give up at their deadline.
        for (auto it = waiting_.begin(); it != waiting_.end();) {
            if ((*it)->deadline <= now) {
                auto q = std::move(*it);
                it = waiting_.erase(it);
                complete(std::move(q),
                         std::make_exception_ptr(
                             Error(Error::Kind::unavailable, "", "no database connection became available in time")),
                         {});
            } else {
                ++it;
            }
        }
        return;
    }
    // The server enforces statement_timeout; no answer well after it means
    // the server or the network is gone.
    if (!in_flight_.empty()) {
        const auto limit = settings_.statement_timeout + std::chrono::seconds(2);
        if (now - in_flight_.front().sent > limit) {
            break_connection("no answer from the server");
        }
    }
}

asio::awaitable<void> Connection::run() {
    auto backoff = std::chrono::milliseconds(100);
    while (state_ != State::closed) {
        state_ = State::connecting;
        const bool ok = co_await establish();
        if (state_ == State::closed) {
            teardown();
            break;
        }
        if (!ok) {
            teardown();
            state_ = State::broken;
            timer_.expires_after(backoff);
            error_code ec;
            co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
            continue;
        }
        backoff = std::chrono::milliseconds(100);
        ++generation_;
        if (generation_ > 1 || failures_logged_ > 0) {
            log::info("database connection restored", {{"connection", name_}});
            events_.reconnected();
        }
        failures_logged_ = 0;
        state_ = State::ready;
        if (on_ready) {
            on_ready();
        }
        schedule_flush();
        co_await read_loop();
        if (on_lost) {
            on_lost();
        }
        teardown();
    }
}

bool Connection::attach_socket() {
    const int fd = PQsocket(conn_);
    if (fd < 0) {
        return false;
    }
    if (fd != socket_fd_ || !socket_) {
        if (socket_) {
            socket_->release();
        }
        socket_ = std::make_unique<asio::posix::stream_descriptor>(io_, fd);
        socket_fd_ = fd;
    }
    return true;
}

asio::awaitable<bool> Connection::establish() {
    ConnectParams params = parse_conninfo(settings_.conninfo);
    if (host_needs_lookup(params)) {
        // libpq would resolve the name with a blocking call; do it here.
        auto lookup = co_await lookup_host(params, settings_.connect_timeout);
        if (lookup.error || lookup.endpoints.empty()) {
            if (note_failure()) {
                log::warn("database host lookup failed", {{"connection", name_}, {"error", lookup.error.message()}});
            }
            co_return false;
        }
        params.set("hostaddr", lookup.endpoints.front().address().to_string());
    }
    add_session_settings(params, settings_);
    conn_ = connect_start(params);
    if (!adopt_started_connection()) {
        co_return false;
    }
    const bool accepted = co_await handshake();
    if (!accepted || !attach_socket() || PQenterPipelineMode(conn_) != 1) {
        co_return false;
    }
    co_return co_await prepare_statements();
}

bool Connection::note_failure() {
    return failures_logged_++ % 30 == 0;
}

bool Connection::adopt_started_connection() {
    if (conn_ != nullptr) {
        // Server notices go to the JSON log, not to stderr.
        PQsetNoticeProcessor(
            conn_,
            [](void* name, const char* message) {
                log::debug("database notice",
                           {{"connection", *static_cast<const std::string*>(name)}, {"notice", one_line(message)}});
            },
            &name_);
    }
    if (conn_ == nullptr || PQstatus(conn_) == CONNECTION_BAD || PQsetnonblocking(conn_, 1) != 0) {
        if (note_failure()) {
            log::warn("database connection failed",
                      {{"connection", name_}, {"error", one_line(conn_ ? PQerrorMessage(conn_) : "out of memory")}});
        }
        return false;
    }
    return true;
}

void Connection::arm_connect_deadline() {
    const std::uint64_t attempt = ++connect_attempt_;
    connect_timed_out_ = false;
    timer_.expires_after(settings_.connect_timeout);
    timer_.async_wait([this, attempt](const error_code& ec) {
        if (!ec && attempt == connect_attempt_ && state_ == State::connecting) {
            connect_timed_out_ = true;
            if (socket_) {
                error_code ignored;
                socket_->cancel(ignored);
            }
        }
    });
}

asio::awaitable<bool> Connection::handshake() {
    arm_connect_deadline();
    PostgresPollingStatusType poll = PGRES_POLLING_WRITING;
    while (poll != PGRES_POLLING_OK) {
        if (poll == PGRES_POLLING_FAILED || !attach_socket()) {
            timer_.cancel();
            if (note_failure()) {
                log::warn("database connection failed",
                          {{"connection", name_}, {"error", one_line(PQerrorMessage(conn_))}});
            }
            co_return false;
        }
        const auto wait = poll == PGRES_POLLING_READING ? asio::posix::stream_descriptor::wait_read
                                                        : asio::posix::stream_descriptor::wait_write;
        error_code ec;
        co_await socket_->async_wait(wait, asio::redirect_error(asio::use_awaitable, ec));
        if (ec || connect_timed_out_ || state_ == State::closed) {
            timer_.cancel();
            if (connect_timed_out_ && note_failure()) {
                log::warn("database connection timed out", {{"connection", name_}});
            }
            co_return false;
        }
        poll = PQconnectPoll(conn_);
    }
    timer_.cancel();
    co_return true;
}

asio::awaitable<bool> Connection::prepare_statements() {
    for (const auto& s : statements_) {
        if (PQsendPrepare(conn_, s.name, s.sql, 0, nullptr) != 1) {
            co_return false;
        }
    }
    if (PQpipelineSync(conn_) != 1) {
        co_return false;
    }
    error_code ec;
    while (true) {
        const int flushed = PQflush(conn_);
        if (flushed < 0) {
            co_return false;
        }
        if (flushed == 0) {
            break;
        }
        co_await socket_->async_wait(asio::posix::stream_descriptor::wait_write,
                                     asio::redirect_error(asio::use_awaitable, ec));
        if (ec || state_ == State::closed) {
            co_return false;
        }
    }
    std::size_t next = 0;  // statement whose result comes next
    bool ok = true;
    while (true) {
        while (PQisBusy(conn_) == 0) {
            PGresult* r = PQgetResult(conn_);
            if (next == statements_.size()) {
                // Only the Sync is left.
                const bool synced = r != nullptr && PQresultStatus(r) == PGRES_PIPELINE_SYNC;
                PQclear(r);
                co_return synced&& ok;
            }
            if (r == nullptr) {
                ++next;
                continue;
            }
            const auto status = PQresultStatus(r);
            if (status == PGRES_FATAL_ERROR) {
                ok = false;
                log::error("preparing a statement failed",
                           {{"connection", name_},
                            {"statement", statements_[next].name},
                            {"error", one_line(PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY))}});
            } else if (status != PGRES_COMMAND_OK && status != PGRES_PIPELINE_ABORTED) {
                ok = false;
            }
            PQclear(r);
        }
        co_await socket_->async_wait(asio::posix::stream_descriptor::wait_read,
                                     asio::redirect_error(asio::use_awaitable, ec));
        if (ec || state_ == State::closed || PQconsumeInput(conn_) != 1) {
            co_return false;
        }
    }
}

asio::awaitable<void> Connection::read_loop() {
    const std::uint64_t generation = generation_;
    while (state_ == State::ready && generation == generation_) {
        error_code ec;
        co_await socket_->async_wait(asio::posix::stream_descriptor::wait_read,
                                     asio::redirect_error(asio::use_awaitable, ec));
        if (state_ != State::ready) {
            co_return;
        }
        if (ec) {
            break_connection(ec.message());
            co_return;
        }
        if (PQconsumeInput(conn_) != 1) {
            break_connection(one_line(PQerrorMessage(conn_)));
            co_return;
        }
        process_results();
        if (on_notify) {
            while (PGnotify* n = PQnotifies(conn_)) {
                on_notify(n->relname, n->extra != nullptr ? n->extra : "");
                PQfreemem(n);
            }
        }
        if (state_ == State::ready) {
            try_flush();
        }
    }
}

asio::awaitable<void> Connection::write_loop(std::uint64_t generation) {
    while (state_ == State::ready && generation == generation_) {
        error_code ec;
        co_await socket_->async_wait(asio::posix::stream_descriptor::wait_write,
                                     asio::redirect_error(asio::use_awaitable, ec));
        if (state_ != State::ready || generation != generation_) {
            break;
        }
        if (ec) {
            writing_ = false;
            break_connection(ec.message());
            co_return;
        }
        const int flushed = PQflush(conn_);
        if (flushed < 0) {
            writing_ = false;
            break_connection(one_line(PQerrorMessage(conn_)));
            co_return;
        }
        if (flushed == 0) {
            break;
        }
    }
    if (generation == generation_) {
        writing_ = false;
    }
}

void Connection::schedule_flush() {
    if (flush_scheduled_ || waiting_.empty()) {
        return;
    }
    flush_scheduled_ = true;
    // Everything submitted in this turn of the event loop goes out together.
    asio::post(io_, [this] {
        flush_scheduled_ = false;
        flush();
    });
}

void Connection::flush() {
    if (state_ != State::ready || waiting_.empty()) {
        return;
    }
    // Group commit: with two batches in flight (one running, one queued
    // behind it) new statements wait and go out together when a batch
    // completes. Each batch is one implicit transaction, so one WAL flush:
    // when flushes are slow, batches grow instead of queueing up one small
    // batch, and one flush, per event-loop turn.
    std::size_t batches_in_flight = 0;
    for (const auto& entry : in_flight_) {
        if (!entry.query) {
            ++batches_in_flight;
        }
    }
    if (batches_in_flight >= 2) {
        return;
    }
    const auto now = Clock::now();
    bool sent = false;
    while (!waiting_.empty()) {
        auto q = std::move(waiting_.front());
        waiting_.pop_front();
        if (q->generation != 0 && q->generation != generation_) {
            complete(std::move(q),
                     std::make_exception_ptr(
                         Error(Error::Kind::connection, "08006", "the connection was lost during the transaction")),
                     {});
            continue;
        }
        int ok = 0;
        if (q->statement != nullptr) {
            const auto values = q->params.pointers();
            const int result_format = q->statement->results == Format::binary ? 1 : 0;
            ok = PQsendQueryPrepared(conn_, q->statement->name, q->params.size(), values.data(), nullptr, nullptr,
                                     result_format);
        } else {
            ok = PQsendQueryParams(conn_, q->raw_sql, 0, nullptr, nullptr, nullptr, nullptr, 0);
        }
        if (ok != 1) {
            waiting_.push_front(std::move(q));
            break_connection(one_line(PQerrorMessage(conn_)));
            return;
        }
        q->ran_on = generation_;
        ++q->attempts;
        in_flight_.push_back({std::move(q), now});
        sent = true;
    }
    if (sent) {
        if (PQpipelineSync(conn_) != 1) {
            break_connection(one_line(PQerrorMessage(conn_)));
            return;
        }
        in_flight_.push_back({nullptr, now});
        try_flush();
    }
}

void Connection::try_flush() {
    if (writing_) {
        return;
    }
    const int flushed = PQflush(conn_);
    if (flushed < 0) {
        break_connection(one_line(PQerrorMessage(conn_)));
    } else if (flushed == 1) {
        writing_ = true;
        asio::co_spawn(io_, write_loop(generation_), asio::detached);
    }
}

void Connection::process_results() {
    while (state_ == State::ready && !in_flight_.empty()) {
        if (PQisBusy(conn_) != 0) {
            return;
        }
        auto& front = in_flight_.front();
        PGresult* r = PQgetResult(conn_);
        if (!front.query) {
            const bool synced = r != nullptr && PQresultStatus(r) == PGRES_PIPELINE_SYNC;
            PQclear(r);
            if (!synced) {
                break_connection("unexpected result in the pipeline");
                return;
            }
            in_flight_.pop_front();
            finish_batch();
            schedule_flush();  // what waited for a batch to complete
            continue;
        }
        if (r == nullptr) {
            batch_.push_back(std::move(front.query));
            in_flight_.pop_front();
            continue;
        }
        auto& q = *front.query;
        switch (PQresultStatus(r)) {
            case PGRES_TUPLES_OK:
            case PGRES_COMMAND_OK:
            case PGRES_EMPTY_QUERY: q.result = Result(r); break;
            case PGRES_PIPELINE_ABORTED:
                q.aborted = true;
                PQclear(r);
                break;
            case PGRES_FATAL_ERROR:
                q.failed = true;
                q.error = server_error(r);
                PQclear(r);
                break;
            default:
                q.failed = true;
                q.error = std::make_exception_ptr(Error(Error::Kind::server, "XX000", "unexpected result status"));
                PQclear(r);
        }
    }
}

void Connection::finish_batch() {
    auto batch = std::move(batch_);
    batch_.clear();
    const auto failed = std::find_if(batch.begin(), batch.end(), [](const auto& q) { return q->failed; });
    if (failed == batch.end()) {
        for (auto& q : batch) {
            auto result = std::move(q->result);
            complete(std::move(q), nullptr, std::move(result));
        }
        return;
    }
    // Statements between two Syncs run in one implicit transaction: the
    // failure rolled back those before it and skipped those after it. Each
    // of them ran zero times in effect, so they are sent again.
    std::vector<std::unique_ptr<PendingQuery>> again;
    for (auto it = batch.begin(); it != batch.end(); ++it) {
        auto& q = *it;
        if (it == failed) {
            bool retry = false;
            try {
                std::rethrow_exception(q->error);
            } catch (const Error& e) {
                retry = e.serialization_failure() && q->retry_on_abort && q->attempts < 3;
            } catch (...) {
            }
            if (retry) {
                q->failed = false;
                q->error = nullptr;
                again.push_back(std::move(q));
            } else {
                auto error = q->error;
                complete(std::move(q), error, {});
            }
        } else if (q->retry_on_abort && q->attempts < 5) {
            q->aborted = false;
            q->result = Result();
            again.push_back(std::move(q));
        } else {
            complete(std::move(q),
                     std::make_exception_ptr(
                         Error(Error::Kind::server, "25P02", "an earlier statement in the transaction failed")),
                     {});
        }
    }
    requeue_front(again);
}

void Connection::requeue_front(std::vector<std::unique_ptr<PendingQuery>>& queries) {
    for (auto it = queries.rbegin(); it != queries.rend(); ++it) {
        waiting_.push_front(std::move(*it));
    }
    if (state_ == State::ready) {
        schedule_flush();
    }
}

void Connection::complete(std::unique_ptr<PendingQuery> query, std::exception_ptr error, Result result) {
    events_.query_finished(*query, error == nullptr);
    if (!query->handler) {
        return;
    }
    result.set_session(query->ran_on);
    auto handler = std::move(query->handler);
    // Resume the awaiting coroutine from a fresh handler, never from inside
    // this connection's processing loop.
    asio::post(io_, [handler = std::move(handler), error, result = std::move(result)]() mutable {
        std::move(handler)(error, std::move(result));
    });
}

void Connection::break_connection(std::string_view reason) {
    if (state_ != State::ready) {
        return;
    }
    log::warn("database connection lost", {{"connection", name_}, {"reason", reason}});
    state_ = State::broken;
    if (socket_) {
        error_code ignored;
        socket_->cancel(ignored);
    }
}

void Connection::teardown() {
    // Outcomes of queries still in flight are unknown: reads are sent again
    // on the next connection, everything else fails.
    std::vector<std::unique_ptr<PendingQuery>> again;
    auto settle = [&](std::unique_ptr<PendingQuery> q) {
        if (q->statement != nullptr && q->statement->idempotent && q->generation == 0 && q->attempts < 3 &&
            state_ != State::closed) {
            q->failed = false;
            q->aborted = false;
            q->error = nullptr;
            q->result = Result();
            again.push_back(std::move(q));
        } else {
            complete(std::move(q),
                     std::make_exception_ptr(
                         state_ == State::closed
                             ? Error(Error::Kind::closed, "", "the database pool is closed")
                             : Error(Error::Kind::connection, "08006", "the database connection was lost")),
                     {});
        }
    };
    for (auto& q : batch_) {
        settle(std::move(q));
    }
    batch_.clear();
    for (auto& entry : in_flight_) {
        if (entry.query) {
            settle(std::move(entry.query));
        }
    }
    in_flight_.clear();
    for (auto it = again.rbegin(); it != again.rend(); ++it) {
        waiting_.push_front(std::move(*it));
    }
    if (state_ == State::closed) {
        while (!waiting_.empty()) {
            auto q = std::move(waiting_.front());
            waiting_.pop_front();
            settle(std::move(q));
        }
    }
    if (socket_) {
        socket_->release();
        socket_.reset();
    }
    socket_fd_ = -1;
    writing_ = false;
    if (conn_ != nullptr) {
        PQfinish(conn_);
        conn_ = nullptr;
    }
}

}  // namespace ecom::pg
