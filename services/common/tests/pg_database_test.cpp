// The async PostgreSQL layer against a real server: pipelined batches,
// exactly-once semantics when a neighbour in a batch fails, transactions,
// timeouts, reconnection, LISTEN/NOTIFY and concurrent migrations.

#include "ecom/metrics.hpp"
#include "ecom/pg/database.hpp"
#include "ecom/pg/listener.hpp"
#include "ecom/pg/migrations.hpp"
#include "pg_test_database.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <array>
#include <atomic>
#include <cstdint>
#include <thread>

namespace ecom::pg {
namespace {

namespace asio = boost::asio;
using ecom::testing::TestDatabase;

constexpr Statement insert_item{"insert_item", "INSERT INTO items (id, note) VALUES ($1, $2)"};
constexpr Statement count_items{"count_items", "SELECT count(*) FROM items", true};
constexpr Statement get_note{"get_note", "SELECT note FROM items WHERE id = $1", true};
constexpr Statement sleep_for{"sleep_for", "SELECT pg_sleep($1::float8)"};
constexpr Statement backend_pid{"backend_pid", "SELECT pg_backend_pid()", true};
constexpr Statement echo_text{"echo_text", "SELECT $1::text", true};
// The same values in both formats: $1 a timestamptz, $2 a jsonb document.
constexpr const char* kTypedValues =
    "SELECT 7::int2, -70000::int4, -5000000000::int8, true, false, $1::timestamptz, $2::jsonb, "
    "'\\x00ff10ab'::bytea, 'plain text'::text, NULL::int8, "
    "floor(extract(epoch FROM $1::timestamptz) * 1000)::bigint, encode('\\x00ff10ab'::bytea, 'hex')";
constexpr Statement typed_text{"typed_text", kTypedValues, true};
constexpr Statement typed_binary{"typed_binary", kTypedValues, true, Format::binary};

class PgTest : public ::testing::Test {
protected:
    void SetUp() override {
        db_.exec("CREATE TABLE items (id int PRIMARY KEY, note text NOT NULL)");
        settings_.conninfo = db_.conninfo();
        settings_.pool_size = 3;
        settings_.statement_timeout = std::chrono::milliseconds(2000);
        settings_.acquire_timeout = std::chrono::milliseconds(1500);
        settings_.application_name = "pg_database_test";
    }

    // Runs `body` on a one-thread io_context with a started Database.
    template <typename Body>
    void run(Body body, Settings settings) {
        asio::io_context io;
        metrics::Registry registry;
        Database database(
            {&io}, settings,
            {insert_item, count_items, get_note, sleep_for, backend_pid, echo_text, typed_text, typed_binary},
            registry);
        database.start();
        std::exception_ptr failure;
        asio::co_spawn(
            io,
            [&]() -> asio::awaitable<void> {
                try {
                    co_await body(database);
                } catch (...) {
                    failure = std::current_exception();
                }
                database.close();
            },
            asio::detached);
        io.run();
        if (failure) {
            std::rethrow_exception(failure);
        }
    }
    template <typename Body>
    void run(Body body) {
        run(body, settings_);
    }

    TestDatabase db_;
    Settings settings_;
};

asio::awaitable<void> sleep_ms(int ms) {
    asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(ms));
    co_await t.async_wait(asio::use_awaitable);
}

TEST_F(PgTest, RunsPreparedStatements) {
    run([](Database& d) -> asio::awaitable<void> {
        co_await d.run(insert_item, 1, "one");
        const Result r = co_await d.run(get_note, 1);
        EXPECT_EQ(r.rows(), 1);
        EXPECT_EQ(r.text(0, 0), "one");
        const Result none = co_await d.run(get_note, 2);
        EXPECT_TRUE(none.empty());
        const Result count = co_await d.run(count_items);
        EXPECT_EQ(count.int64(0, 0), 1);
    });
}

// Result::int64 reads what std::from_chars reads for an int64, in range,
// and refuses the rest.
TEST_F(PgTest, ReadsIntegersAsFromCharsDoes) {
    run([](Database& d) -> asio::awaitable<void> {
        static constexpr std::array<std::pair<const char*, std::int64_t>, 6> good{
            {{"0", 0},
             {"42", 42},
             {"-5", -5},
             {"1796031630123", 1796031630123},
             {"9223372036854775807", INT64_MAX},
             {"-9223372036854775808", INT64_MIN}}};
        static constexpr std::array<const char*, 8> bad{
            "", "-", "+1", "1a", " 1", "9223372036854775808", "-9223372036854775809", "99999999999999999999"};
        for (std::size_t i = 0; i < good.size(); ++i) {
            const std::string text = good[i].first;
            const Result r = co_await d.run(echo_text, text);
            EXPECT_EQ(r.int64(0, 0), good[i].second) << text;
        }
        for (std::size_t i = 0; i < bad.size(); ++i) {
            const std::string text = bad[i];
            const Result r = co_await d.run(echo_text, text);
            EXPECT_THROW((void)r.int64(0, 0), std::runtime_error) << text;
        }
    });
}

// A statement asking for binary results reads the same values through the
// typed accessors as its text-format twin: integers of each width and sign,
// booleans, timestamps (ms rounded down, before and after 1970 and 2000),
// jsonb without its version byte, bytea as hex, text, NULL.
TEST_F(PgTest, ReadsBinaryResultsAsTheirTextTwins) {
    run([](Database& d) -> asio::awaitable<void> {
        static constexpr std::array<const char*, 5> times{"2026-12-07 05:22:54.635999+00",
                                                          "1999-12-31 23:59:59.9995+00", "1969-12-31 23:59:59.999+00",
                                                          "2000-01-01 00:00:00+00", "1960-06-01 12:00:00.0001+00"};
        for (const char* time : times) {
            const std::string t = time;
            const std::string doc = R"({"a": [1, "\u00e9"], "b": null})";
            const Result text = co_await d.run(typed_text, t, doc);
            const Result binary = co_await d.run(typed_binary, t, doc);
            EXPECT_FALSE(text.is_binary(0));
            EXPECT_TRUE(binary.is_binary(0));
            for (int c = 0; c < 3; ++c) {
                EXPECT_EQ(binary.int64(0, c), text.int64(0, c)) << c;
            }
            EXPECT_EQ(binary.int64(0, 0), 7);
            EXPECT_EQ(binary.int64(0, 1), -70000);
            EXPECT_EQ(binary.int64(0, 2), -5000000000);
            EXPECT_TRUE(binary.boolean(0, 3));
            EXPECT_FALSE(binary.boolean(0, 4));
            EXPECT_TRUE(text.boolean(0, 3));
            EXPECT_FALSE(text.boolean(0, 4));
            // The server's own floor(extract(epoch ...) * 1000), in text format.
            EXPECT_EQ(binary.epoch_ms(0, 5), text.int64(0, 10)) << time;
            EXPECT_EQ(text.epoch_ms(0, 10), text.int64(0, 10));
            EXPECT_EQ(binary.json(0, 6), text.json(0, 6));
            EXPECT_EQ(binary.hex(0, 7), "00ff10ab");
            EXPECT_EQ(text.hex(0, 11), "00ff10ab");
            EXPECT_EQ(binary.text(0, 8), "plain text");
            EXPECT_TRUE(binary.is_null(0, 9));
            EXPECT_THROW((void)binary.epoch_ms(0, 2), std::runtime_error);  // an int8 is not a time
            EXPECT_THROW((void)binary.int64(0, 3), std::runtime_error);     // nor is a bool an integer
        }
    });
}

// Queries issued in one event-loop turn share one Sync. When one fails,
// PostgreSQL rolls back the others of its batch: they must be re-sent so
// that each succeeds exactly once.
// A host name (as RDS and docker-compose give) is resolved asynchronously
// before connecting; GCC 12 once mis-destroyed a temporary there and the
// services crashed at start (found by the container suite).
TEST_F(PgTest, ConnectsToADatabaseNamedByHostName) {
    Settings settings = settings_;
    settings.conninfo = db_.conninfo() + " host=localhost";
    run(
        [](Database& d) -> asio::awaitable<void> {
            co_await d.run(insert_item, 7, "by name");
            const Result r = co_await d.run(get_note, 7);
            EXPECT_EQ(r.text(0, 0), "by name");
        },
        settings);
}

TEST_F(PgTest, FailingNeighbourInABatchDoesNotLoseOrDuplicateWrites) {
    db_.exec("INSERT INTO items VALUES (50, 'taken')");
    run([](Database& d) -> asio::awaitable<void> {
        std::atomic<int> done = 0;
        std::atomic<int> failed = 0;
        auto executor = co_await asio::this_coro::executor;
        for (int i = 0; i < 100; ++i) {
            asio::co_spawn(
                executor,
                [&d, &done, &failed, i]() -> asio::awaitable<void> {
                    try {
                        co_await d.run(insert_item, i, "n" + std::to_string(i));
                    } catch (const Error& e) {
                        EXPECT_TRUE(e.unique_violation()) << e.what();
                        ++failed;
                    }
                    ++done;
                },
                asio::detached);
        }
        while (done < 100) {
            co_await sleep_ms(5);
        }
        EXPECT_EQ(failed, 1);
        const Result count = co_await d.run(count_items);
        EXPECT_EQ(count.int64(0, 0), 100);  // 99 new rows + the one that was there
    });
    EXPECT_EQ(db_.scalar("SELECT note FROM items WHERE id = 50"), "taken");
    EXPECT_EQ(db_.scalar("SELECT count(DISTINCT id) FROM items"), "100");
}

TEST_F(PgTest, TransactionsCommitAndRollBack) {
    run([](Database& d) -> asio::awaitable<void> {
        {
            auto tx = co_await d.begin();
            co_await tx.run(insert_item, 1, "kept");
            co_await tx.commit();
        }
        {
            auto tx = co_await d.begin();
            co_await tx.run(insert_item, 2, "undone");
            co_await tx.rollback();
        }
        {
            auto tx = co_await d.begin();
            co_await tx.run(insert_item, 3, "abandoned");
            // Destroyed without commit: rolled back.
        }
        {
            auto tx = co_await d.begin();
            bool failed = false;
            try {
                co_await tx.run(insert_item, 1, "duplicate");
            } catch (const Error& e) {
                failed = e.unique_violation();
            }
            EXPECT_TRUE(failed);
            bool rolled_back = false;
            try {
                co_await tx.commit();
            } catch (const Error& e) {
                rolled_back = e.sqlstate() == "40000";
            }
            EXPECT_TRUE(rolled_back);
        }
        const Result count = co_await d.run(count_items);
        EXPECT_EQ(count.int64(0, 0), 1);
    });
}

TEST_F(PgTest, TransactionsWaitForAFreeConnection) {
    run([](Database& d) -> asio::awaitable<void> {
        // pool_size 3: one shared connection and two for transactions.
        auto executor = co_await asio::this_coro::executor;
        std::atomic<int> finished = 0;
        for (int i = 0; i < 6; ++i) {
            asio::co_spawn(
                executor,
                [&d, &finished, i]() -> asio::awaitable<void> {
                    auto tx = co_await d.begin();
                    co_await tx.run(insert_item, 100 + i, "tx");
                    co_await sleep_ms(20);
                    co_await tx.commit();
                    ++finished;
                },
                asio::detached);
        }
        while (finished < 6) {
            co_await sleep_ms(5);
        }
        const Result count = co_await d.run(count_items);
        EXPECT_EQ(count.int64(0, 0), 6);
    });
}

TEST_F(PgTest, StatementTimeoutIsEnforced) {
    settings_.statement_timeout = std::chrono::milliseconds(100);
    run([](Database& d) -> asio::awaitable<void> {
        bool cancelled = false;
        try {
            co_await d.run(sleep_for, "2");
        } catch (const Error& e) {
            cancelled = e.sqlstate() == "57014" && e.transient();
        }
        EXPECT_TRUE(cancelled);
        const Result r = co_await d.run(count_items);  // the connection still works
        EXPECT_EQ(r.int64(0, 0), 0);
    });
}

TEST_F(PgTest, ReconnectsAfterTheBackendIsKilled) {
    const auto conninfo = db_.conninfo();
    run([conninfo](Database& d) -> asio::awaitable<void> {
        const Result pid = co_await d.run(backend_pid);
        ecom::testing::admin_exec(conninfo, "SELECT pg_terminate_backend(" + std::string(pid.text(0, 0)) + ")");
        // Reads are re-sent on the new connection; give it a moment to notice.
        bool answered = false;
        for (int attempt = 0; attempt < 50 && !answered; ++attempt) {
            try {
                const Result r = co_await d.run(count_items);
                answered = r.rows() == 1;
            } catch (const Error& e) {
                EXPECT_TRUE(e.transient()) << e.what();
            }
            if (!answered) {
                co_await sleep_ms(50);
            }
        }
        EXPECT_TRUE(answered);
        const Result new_pid = co_await d.run(backend_pid);
        EXPECT_NE(new_pid.text(0, 0), pid.text(0, 0));
        EXPECT_TRUE(co_await d.ping(std::chrono::milliseconds(1000)));
    });
}

TEST_F(PgTest, UnreachableServerFailsWithinTheAcquireTimeout) {
    settings_.conninfo = "host=127.0.0.1 port=1 dbname=none user=none";
    settings_.acquire_timeout = std::chrono::milliseconds(300);
    const auto start = std::chrono::steady_clock::now();
    run([](Database& d) -> asio::awaitable<void> {
        EXPECT_FALSE(co_await d.ping(std::chrono::milliseconds(100)));
        bool unavailable = false;
        try {
            co_await d.run(count_items);
        } catch (const Error& e) {
            unavailable = e.kind() == Error::Kind::unavailable && e.transient();
        }
        EXPECT_TRUE(unavailable);
    });
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

TEST_F(PgTest, ListenerDeliversNotificationsAndReportsReconnects) {
    asio::io_context io;
    std::vector<std::string> payloads;
    std::vector<bool> states;
    Listener listener(
        io, settings_, {"test_channel"},
        [&](std::string_view channel, std::string_view payload) {
            EXPECT_EQ(channel, "test_channel");
            payloads.emplace_back(payload);
        },
        [&](bool up) { states.push_back(up); });
    listener.start();
    const auto conninfo = db_.conninfo();
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            for (int i = 0; i < 200 && !listener.listening(); ++i) {
                co_await sleep_ms(10);
            }
            ecom::testing::admin_exec(conninfo, "SELECT pg_notify('test_channel', 'first')");
            for (int i = 0; i < 200 && payloads.empty(); ++i) {
                co_await sleep_ms(10);
            }
            ecom::testing::admin_exec(conninfo,
                                      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                      "WHERE query = 'LISTEN test_channel'");
            for (int i = 0; i < 300 && states.size() < 3; ++i) {
                co_await sleep_ms(10);
            }
            ecom::testing::admin_exec(conninfo, "SELECT pg_notify('test_channel', 'second')");
            for (int i = 0; i < 200 && payloads.size() < 2; ++i) {
                co_await sleep_ms(10);
            }
            listener.close();
        },
        asio::detached);
    io.run();
    EXPECT_EQ(payloads, (std::vector<std::string>{"first", "second"}));
    EXPECT_EQ(states, (std::vector<bool>{true, false, true, false}));  // the last: close()
}

TEST_F(PgTest, ConcurrentMigrationsApplyEachFileOnce) {
    db_.exec("CREATE SCHEMA app");
    const std::vector<MigrationFile> files{
        {"0001_a.sql", "CREATE TABLE counter (n int); INSERT INTO counter VALUES (1);"},
        {"0002_b.sql", "UPDATE counter SET n = n + 1;"},
    };
    std::atomic<int> failures = 0;
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i) {
        threads.emplace_back([&] {
            try {
                migrate({db_.conninfo(), "app", std::chrono::seconds(10)}, files);
            } catch (...) {
                ++failures;
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    EXPECT_EQ(failures, 0);
    EXPECT_EQ(db_.scalar("SELECT n FROM app.counter"), "2");
    EXPECT_EQ(db_.scalar("SELECT count(*) FROM app.schema_migrations"), "2");

    // An applied migration that changed stops start-up.
    const std::vector<MigrationFile> edited{
        {"0001_a.sql", "CREATE TABLE counter (n bigint);"},
        {"0002_b.sql", "UPDATE counter SET n = n + 1;"},
    };
    EXPECT_THROW(migrate({db_.conninfo(), "app", std::chrono::seconds(10)}, edited), std::runtime_error);
    // A failing migration is rolled back and named.
    const std::vector<MigrationFile> broken{
        {"0001_a.sql", files[0].sql}, {"0002_b.sql", files[1].sql}, {"0003_c.sql", "CREATE TABLE t (x int); SELEC 1;"}};
    try {
        migrate({db_.conninfo(), "app", std::chrono::seconds(10)}, broken);
        FAIL();
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("0003_c.sql"), std::string::npos);
    }
    EXPECT_EQ(db_.scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'app' AND tablename = 't'"), "0");
}

TEST(Conninfo, RedactsPasswords) {
    EXPECT_EQ(redact_conninfo("postgresql://u:secret@h:5432/db"), "user=u password=*** dbname=db host=h port=5432");
    EXPECT_EQ(redact_conninfo("host=h password=secret"), "password=*** host=h");
    EXPECT_EQ(redact_conninfo("host='unterminated"), "(invalid connection string)");
}

}  // namespace
}  // namespace ecom::pg
