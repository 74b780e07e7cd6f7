#include "ecom/pg/database.hpp"

#include "ecom/log.hpp"
#include "ecom/metrics.hpp"
#include "ecom/tracing.hpp"
#include "pg/connection.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <libpq-fe.h>

#include <atomic>
#include <deque>
#include <unordered_map>

namespace ecom::pg {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;
using LeaseHandler = asio::any_completion_handler<void(std::exception_ptr, Connection*)>;

constexpr Statement ping_statement{"ecom_ping", "SELECT 1", true};

}  // namespace

Settings Settings::from_env(Env& env, std::string_view application_name, std::string_view default_url) {
    Settings s;
    s.conninfo = env.string("DATABASE_URL", default_url);
    s.pool_size = static_cast<std::size_t>(env.integer("DB_POOL_SIZE", 4, 2, 64));
    using ms = std::chrono::milliseconds;
    s.statement_timeout = env.millis("DB_STATEMENT_TIMEOUT_MS", ms(5'000), ms(10), ms(600'000));
    s.acquire_timeout = env.millis("DB_ACQUIRE_TIMEOUT_MS", ms(2'000), ms(10), ms(600'000));
    s.connect_timeout = env.millis("DB_CONNECT_TIMEOUT_MS", ms(5'000), ms(100), ms(600'000));
    s.startup_timeout = env.millis("DB_STARTUP_TIMEOUT_MS", ms(60'000), ms(0), ms(3'600'000));
    s.application_name = std::string(application_name);
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(s.conninfo.c_str(), &error);
    if (options == nullptr) {
        PQfreemem(error);
        env.reject("DATABASE_URL", "is not a valid libpq connection string or postgresql:// URI");
    } else {
        PQconninfoFree(options);
    }
    return s;
}

std::string redact_conninfo(std::string_view conninfo) {
    const std::string text(conninfo);
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(text.c_str(), &error);
    if (options == nullptr) {
        PQfreemem(error);
        return "(invalid connection string)";
    }
    std::string out;
    for (auto* o = options; o->keyword != nullptr; ++o) {
        if (o->val == nullptr || *o->val == '\0') {
            continue;
        }
        if (!out.empty()) {
            out += ' ';
        }
        out += o->keyword;
        out += '=';
        out += std::string_view(o->keyword) == "password" ? "***" : o->val;
    }
    PQconninfoFree(options);
    return out;
}

// The connections of one worker. Everything here runs on that worker's
// thread, except the atomics read by the metrics endpoint.
class Pool final : public ConnectionEvents {
public:
    Pool(asio::io_context& io, const Settings& settings, const std::vector<Statement>& statements,
         metrics::Registry& registry, std::size_t index)
        : io_(io), settings_(settings), statements_(statements), registry_(registry), index_(index), sweeper_(io) {
        wait_histogram_ =
            &registry.histogram("db_pool_wait_seconds", "Time a transaction waited to lease a connection");
        reconnects_ = &registry.counter("db_reconnects_total", "Database connections re-established");
        errors_ = &registry.counter("db_query_errors_total", "Statements that failed");
    }

    asio::io_context& io() noexcept { return io_; }

    void start() {
        asio::post(io_, [this] {
            shared_ = make_connection("shared");
            shared_->start();
            asio::co_spawn(io_, sweep(), asio::detached);
        });
    }

    void close() {
        asio::post(io_, [this] {
            closed_ = true;
            sweeper_.cancel();
            if (shared_) {
                shared_->close();
            }
            for (auto& c : leasable_) {
                c->close();
            }
            while (!lease_waiters_.empty()) {
                auto waiter = std::move(lease_waiters_.front());
                lease_waiters_.pop_front();
                deliver_lease(std::move(waiter.handler),
                              std::make_exception_ptr(Error(Error::Kind::closed, "", "the database pool is closed")),
                              nullptr);
            }
            waiting_.store(0);
        });
    }

    template <typename Token>
    auto execute(const Statement& statement, Params params, Token&& token) {
        return asio::async_initiate<Token, void(std::exception_ptr, Result)>(
            [this, &statement](auto handler, Params p) {
                auto q = std::make_unique<PendingQuery>(QueryHandler(std::move(handler)));
                q->statement = &statement;
                q->params = std::move(p);
                q->submitted = Clock::now();
                q->deadline = q->submitted + settings_.acquire_timeout;
                submit_shared(std::move(q));
            },
            token, std::move(params));
    }

    template <typename Token>
    auto execute_on(Connection* connection, const Statement* statement, const char* raw_sql, Params params,
                    std::uint64_t generation, Token&& token) {
        return asio::async_initiate<Token, void(std::exception_ptr, Result)>(
            [this, connection, statement, raw_sql, generation](auto handler, Params p) {
                auto q = std::make_unique<PendingQuery>(QueryHandler(std::move(handler)));
                q->statement = statement;
                q->raw_sql = raw_sql;
                q->params = std::move(p);
                q->submitted = Clock::now();
                q->deadline = q->submitted + settings_.acquire_timeout;
                q->generation = generation;
                q->retry_on_abort = false;
                connection->submit(std::move(q));
            },
            token, std::move(params));
    }

    // A command whose result nobody awaits (the rollback of an abandoned transaction).
    void fire_and_forget(Connection* connection, const char* raw_sql, std::uint64_t generation) {
        auto q = std::make_unique<PendingQuery>();
        q->raw_sql = raw_sql;
        q->submitted = Clock::now();
        q->deadline = q->submitted + settings_.acquire_timeout;
        q->generation = generation;
        q->retry_on_abort = false;
        connection->submit(std::move(q));
    }

    template <typename Token>
    auto lease(Token&& token) {
        return asio::async_initiate<Token, void(std::exception_ptr, Connection*)>(
            [this](auto handler) {
                if (closed_) {
                    deliver_lease(
                        LeaseHandler(std::move(handler)),
                        std::make_exception_ptr(Error(Error::Kind::closed, "", "the database pool is closed")),
                        nullptr);
                    return;
                }
                if (Connection* c = idle_connection()) {
                    deliver_lease(LeaseHandler(std::move(handler)), nullptr, c);
                    return;
                }
                lease_waiters_.push_back(
                    {LeaseHandler(std::move(handler)), Clock::now(), Clock::now() + settings_.acquire_timeout});
                waiting_.fetch_add(1);
            },
            token);
    }

    void release(Connection* connection) {
        auto it = leased_.find(connection);
        if (it == leased_.end()) {
            return;
        }
        if (!lease_waiters_.empty() && !closed_) {
            auto waiter = std::move(lease_waiters_.front());
            lease_waiters_.pop_front();
            waiting_.fetch_sub(1);
            wait_histogram_->observe(Clock::now() - waiter.since);
            deliver_lease(std::move(waiter.handler), nullptr, connection);
            return;
        }
        leased_.erase(it);
        in_use_.fetch_sub(1);
    }

    // Up, and not sitting on an unanswered statement for longer than `limit`.
    [[nodiscard]] bool shared_healthy(std::chrono::milliseconds limit) const noexcept {
        return shared_ && shared_->state() == Connection::State::ready && !shared_->stalled(Clock::now(), limit);
    }

    // Read by the metrics endpoint from another thread.
    std::atomic<std::int64_t> in_use_{0};
    std::atomic<std::int64_t> open_{0};
    std::atomic<std::int64_t> waiting_{0};

    void query_finished(const PendingQuery& query, bool ok) override {
        if (!ok) {
            errors_->inc();
        }
        if (query.statement == nullptr) {
            return;
        }
        auto it = durations_.find(query.statement->name);
        if (it == durations_.end()) {
            auto& h = registry_.histogram("db_query_duration_seconds", "Time from submitting a statement to its result",
                                          {{"statement", query.statement->name}});
            it = durations_.emplace(query.statement->name, &h).first;
        }
        it->second->observe(Clock::now() - query.submitted);
    }

    void reconnected() override { reconnects_->inc(); }

private:
    struct LeaseWaiter {
        LeaseHandler handler;
        Clock::time_point since;
        Clock::time_point deadline;
    };

    std::unique_ptr<Connection> make_connection(std::string_view role) {
        open_.fetch_add(1);
        return std::make_unique<Connection>(io_, settings_, statements_, *this,
                                            std::string(role) + "-" + std::to_string(index_));
    }

    void submit_shared(std::unique_ptr<PendingQuery> q) {
        if (!shared_) {
            shared_ = make_connection("shared");
            shared_->start();
        }
        shared_->submit(std::move(q));
    }

    Connection* idle_connection() {
        Connection* candidate = nullptr;
        for (auto& c : leasable_) {
            if (leased_.contains(c.get())) {
                continue;
            }
            if (candidate == nullptr || c->state() == Connection::State::ready) {
                candidate = c.get();
            }
        }
        if (candidate == nullptr && leasable_.size() + 1 < settings_.pool_size) {
            leasable_.push_back(make_connection("tx"));
            leasable_.back()->start();
            candidate = leasable_.back().get();
        }
        if (candidate != nullptr) {
            leased_.emplace(candidate, true);
            in_use_.fetch_add(1);
        }
        return candidate;
    }

    void deliver_lease(LeaseHandler handler, std::exception_ptr error, Connection* connection) {
        asio::post(io_, [handler = std::move(handler), error, connection]() mutable {
            std::move(handler)(error, connection);
        });
    }

    asio::awaitable<void> sweep() {
        while (!closed_) {
            sweeper_.expires_after(std::chrono::milliseconds(100));
            error_code ec;
            co_await sweeper_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            if (ec || closed_) {
                co_return;
            }
            const auto now = Clock::now();
            if (shared_) {
                shared_->expire(now);
            }
            for (auto& c : leasable_) {
                c->expire(now);
            }
            while (!lease_waiters_.empty() && lease_waiters_.front().deadline <= now) {
                auto waiter = std::move(lease_waiters_.front());
                lease_waiters_.pop_front();
                waiting_.fetch_sub(1);
                deliver_lease(std::move(waiter.handler),
                              std::make_exception_ptr(Error(Error::Kind::unavailable, "",
                                                            "no database connection became available in time")),
                              nullptr);
            }
        }
    }

    asio::io_context& io_;
    const Settings& settings_;
    const std::vector<Statement>& statements_;
    metrics::Registry& registry_;
    std::size_t index_;
    asio::steady_timer sweeper_;
    bool closed_ = false;
    std::unique_ptr<Connection> shared_;
    std::vector<std::unique_ptr<Connection>> leasable_;
    std::unordered_map<Connection*, bool> leased_;
    std::deque<LeaseWaiter> lease_waiters_;
    std::unordered_map<std::string_view, metrics::Histogram*> durations_;
    metrics::Histogram* wait_histogram_;
    metrics::Counter* reconnects_;
    metrics::Counter* errors_;
};

Transaction::Transaction(Pool* pool, Connection* connection, std::uint64_t generation)
    : pool_(pool), connection_(connection), generation_(generation) {}

Transaction::Transaction(Transaction&& other) noexcept
    : pool_(other.pool_), connection_(other.connection_), generation_(other.generation_), finished_(other.finished_) {
    other.connection_ = nullptr;
    other.finished_ = true;
}

Transaction::~Transaction() {
    if (connection_ != nullptr && !finished_) {
        pool_->fire_and_forget(connection_, "ROLLBACK", generation_);
    }
    release();
}

void Transaction::release() {
    if (connection_ != nullptr) {
        pool_->release(connection_);
        connection_ = nullptr;
    }
}

asio::awaitable<Result> Transaction::query(const Statement& statement, Params params) {
    if (connection_ == nullptr || finished_) {
        throw Error(Error::Kind::closed, "", "the transaction has ended");
    }
    co_return co_await pool_->execute_on(connection_, &statement, nullptr, std::move(params), generation_,
                                         asio::use_awaitable);
}

asio::awaitable<void> Transaction::commit() {
    if (connection_ == nullptr || finished_) {
        throw Error(Error::Kind::closed, "", "the transaction has ended");
    }
    finished_ = true;
    Result result;
    try {
        result = co_await pool_->execute_on(connection_, nullptr, "COMMIT", Params{}, generation_, asio::use_awaitable);
    } catch (...) {
        release();
        throw;
    }
    release();
    // COMMIT of a transaction that already failed answers ROLLBACK.
    if (result.command() == "ROLLBACK") {
        throw Error(Error::Kind::server, "40000", "the transaction was rolled back");
    }
}

asio::awaitable<void> Transaction::rollback() {
    if (connection_ == nullptr || finished_) {
        co_return;
    }
    finished_ = true;
    try {
        co_await pool_->execute_on(connection_, nullptr, "ROLLBACK", Params{}, generation_, asio::use_awaitable);
    } catch (const Error&) {
        // A lost connection rolled the transaction back already.
    }
    release();
}

Database::Database(const std::vector<asio::io_context*>& workers, Settings settings, std::vector<Statement> statements,
                   metrics::Registry& registry)
    : settings_(std::move(settings)), statements_(std::move(statements)) {
    statements_.push_back(ping_statement);
    for (std::size_t i = 0; i < workers.size(); ++i) {
        pools_.push_back(std::make_unique<Pool>(*workers[i], settings_, statements_, registry, i));
    }
    auto sum = [this](std::atomic<std::int64_t> Pool::*field) {
        return [this, field] {
            std::int64_t total = 0;
            for (const auto& p : pools_) {
                total += ((*p).*field).load();
            }
            return static_cast<double>(total);
        };
    };
    registry.callback_gauge("db_pool_connections", "Database connections by state", {{"state", "open"}},
                            sum(&Pool::open_));
    registry.callback_gauge("db_pool_connections", "Database connections by state", {{"state", "in_use"}},
                            sum(&Pool::in_use_));
    registry.callback_gauge("db_pool_waiting", "Transactions waiting for a connection", {}, sum(&Pool::waiting_));
}

Database::~Database() = default;

void Database::start() {
    for (auto& p : pools_) {
        p->start();
    }
}

void Database::close() {
    for (auto& p : pools_) {
        p->close();
    }
}

Pool& Database::pool_for(asio::execution_context& context) {
    for (auto& p : pools_) {
        if (&p->io() == &context) {
            return *p;
        }
    }
    throw std::logic_error("database used from a thread that is not one of its workers");
}

asio::awaitable<Result> Database::query(const Statement& statement, Params params, const trace::SpanContext* parent) {
    auto executor = co_await asio::this_coro::executor;
    Pool& pool = pool_for(asio::query(executor, asio::execution::context));
    trace::Span span(statement.name, trace::SpanKind::client, parent);
    if (!span.recording()) {
        co_return co_await pool.execute(statement, std::move(params), asio::use_awaitable);
    }
    span.attribute("db.system.name", std::string("postgresql"));
    span.attribute("db.operation.name", std::string(statement.name));
    std::optional<Error> failure;
    try {
        Result result = co_await pool.execute(statement, std::move(params), asio::use_awaitable);
        co_return result;
    } catch (const Error& e) {
        failure = e;
    }
    // The SQLSTATE only: a server message may quote row values.
    span.attribute("db.response.status_code", failure->sqlstate());
    span.fail("database error " + failure->sqlstate());
    span.end();
    throw *failure;
}

asio::awaitable<Transaction> Database::begin(Isolation isolation) {
    auto executor = co_await asio::this_coro::executor;
    Pool& pool = pool_for(asio::query(executor, asio::execution::context));
    Connection* connection = co_await pool.lease(asio::use_awaitable);
    Transaction tx(&pool, connection, 0);
    const char* sql = isolation == Isolation::serializable ? "BEGIN ISOLATION LEVEL SERIALIZABLE"
        : isolation == Isolation::repeatable_read          ? "BEGIN ISOLATION LEVEL REPEATABLE READ"
                                                           : "BEGIN";
    // BEGIN may wait for the connection to come up; the statements after it
    // must run in the same server session, so they carry its generation.
    const Result begun = co_await pool.execute_on(connection, nullptr, sql, Params{}, 0, asio::use_awaitable);
    tx.generation_ = begun.session();
    co_return tx;
}

asio::awaitable<bool> Database::ping(std::chrono::milliseconds timeout) {
    auto executor = co_await asio::this_coro::executor;
    Pool& pool = pool_for(asio::query(executor, asio::execution::context));
    if (!pool.shared_healthy(timeout)) {
        co_return false;
    }
    try {
        co_await pool.execute(statements_.back(), Params{}, asio::use_awaitable);
        co_return true;
    } catch (const Error&) {
        co_return false;
    }
}

}  // namespace ecom::pg
