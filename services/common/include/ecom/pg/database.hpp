#pragma once

// PostgreSQL from the event loop, never blocking a worker thread. Each
// worker has its own pool: one pipelined connection that carries every
// single-statement query (all queries issued in one event-loop turn share
// one network round trip and one Sync), and up to pool_size - 1 connections
// leased to explicit transactions. Connections reconnect by themselves after
// the server restarts; statements are prepared on every new connection.

#include "ecom/component.hpp"
#include "ecom/config.hpp"
#include "ecom/pg/result.hpp"
#include "ecom/trace_context.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace ecom::metrics {
class Registry;
}

namespace ecom::pg {

struct Settings {
    std::string conninfo;  // a libpq URI or key=value string
    std::size_t pool_size = 4;
    std::chrono::milliseconds statement_timeout{5'000};
    std::chrono::milliseconds acquire_timeout{2'000};
    std::chrono::milliseconds connect_timeout{5'000};
    // How long start-up (migrations) waits for the database to accept connections.
    std::chrono::milliseconds startup_timeout{60'000};
    std::string application_name;

    // DATABASE_URL, DB_POOL_SIZE, DB_STATEMENT_TIMEOUT_MS,
    // DB_ACQUIRE_TIMEOUT_MS, DB_CONNECT_TIMEOUT_MS, DB_STARTUP_TIMEOUT_MS. The password may come
    // from PGPASSWORD (libpq reads it), so secrets stay out of the URL.
    static Settings from_env(Env& env, std::string_view application_name, std::string_view default_url);
};

// The conninfo with any password replaced by "***", for logs.
std::string redact_conninfo(std::string_view conninfo);

class Pool;
class Connection;

enum class Isolation { read_committed, repeatable_read, serializable };

class Transaction {
public:
    Transaction(Transaction&& other) noexcept;
    Transaction& operator=(Transaction&&) = delete;
    // Rolls back (without waiting) when neither commit() nor rollback() ran.
    ~Transaction();

    boost::asio::awaitable<Result> query(const Statement& statement, Params params = {});
    template <typename... Args>
    boost::asio::awaitable<Result> run(const Statement& statement, Args&&... args) {
        return query(statement, Params(std::forward<Args>(args)...));
    }
    boost::asio::awaitable<void> commit();
    boost::asio::awaitable<void> rollback();

private:
    friend class Database;
    Transaction(Pool* pool, Connection* connection, std::uint64_t generation);
    void release();

    Pool* pool_;
    Connection* connection_;
    std::uint64_t generation_;
    bool finished_ = false;
};

class Database : public Component {
public:
    Database(const std::vector<boost::asio::io_context*>& workers, Settings settings, std::vector<Statement> statements,
             metrics::Registry& registry);
    ~Database() override;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // Starts connecting every pool (each on its own worker).
    void start() override;
    // Fails waiting queries and closes every connection. Thread-safe.
    void close();
    void stop() override { close(); }

    // One statement in autocommit mode on this worker's pipelined connection.
    // With a trace, the statement is a span of it (named after the prepared
    // statement; parameter values never recorded).
    boost::asio::awaitable<Result> query(const Statement& statement, Params params = {},
                                         const trace::SpanContext* parent = nullptr);
    template <typename... Args>
    boost::asio::awaitable<Result> run(const Statement& statement, Args&&... args) {
        return query(statement, Params(std::forward<Args>(args)...));
    }
    template <typename... Args>
    boost::asio::awaitable<Result> run_traced(const trace::SpanContext* parent, const Statement& statement,
                                              Args&&... args) {
        return query(statement, Params(std::forward<Args>(args)...), parent);
    }
    // BEGIN on a leased connection of this worker's pool.
    boost::asio::awaitable<Transaction> begin(Isolation isolation = Isolation::read_committed);
    // True when this worker's pipelined connection is up and answers SELECT 1
    // within the timeout.
    boost::asio::awaitable<bool> ping(std::chrono::milliseconds timeout);

private:
    Pool& pool_for(boost::asio::execution_context& context);

    Settings settings_;
    std::vector<Statement> statements_;
    std::vector<std::unique_ptr<Pool>> pools_;
};

}  // namespace ecom::pg
