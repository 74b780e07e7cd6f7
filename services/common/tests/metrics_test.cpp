#include "ecom/metrics.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace ecom::metrics {
namespace {

TEST(Metrics, RendersCountersGaugesAndLabels) {
    Registry r;
    r.counter("requests_total", "Requests", {{"route", "/a"}}).inc(3);
    r.counter("requests_total", "Requests", {{"route", "/b\"x"}}).inc();
    r.gauge("open", "Open things").set(7);
    r.callback_gauge("temp", "A reading", {}, [] { return 1.5; });
    const auto text = r.render();
    EXPECT_NE(text.find("# TYPE requests_total counter\n"), std::string::npos);
    EXPECT_NE(text.find("requests_total{route=\"/a\"} 3\n"), std::string::npos);
    EXPECT_NE(text.find("requests_total{route=\"/b\\\"x\"} 1\n"), std::string::npos);
    EXPECT_NE(text.find("open 7\n"), std::string::npos);
    EXPECT_NE(text.find("temp 1.5\n"), std::string::npos);
}

TEST(Metrics, SameSeriesIsReturnedAgain) {
    Registry r;
    auto& a = r.counter("c_total", "C", {{"k", "v"}});
    auto& b = r.counter("c_total", "C", {{"k", "v"}});
    EXPECT_EQ(&a, &b);
}

TEST(Metrics, RefusesTypeClashesAndBadNames) {
    Registry r;
    r.counter("x_total", "X");
    EXPECT_THROW(r.gauge("x_total", "X"), std::invalid_argument);
    EXPECT_THROW(r.counter("9bad", "X"), std::invalid_argument);
    EXPECT_THROW(r.counter("bad-name", "X"), std::invalid_argument);
}

TEST(Histogram, BucketsAreCumulative) {
    Registry r;
    auto& h = r.histogram("latency_seconds", "L", {{"route", "/a"}}, {0.1, 1.0});
    h.observe(0.05);
    h.observe(0.1);  // upper bounds are inclusive
    h.observe(0.5);
    h.observe(5.0);
    EXPECT_EQ(h.cumulative(0), 2u);
    EXPECT_EQ(h.cumulative(1), 3u);
    EXPECT_EQ(h.cumulative(2), 4u);
    EXPECT_EQ(h.count(), 4u);
    EXPECT_NEAR(h.sum(), 5.65, 1e-9);
    const auto text = r.render();
    EXPECT_NE(text.find("latency_seconds_bucket{route=\"/a\",le=\"0.1\"} 2\n"), std::string::npos);
    EXPECT_NE(text.find("latency_seconds_bucket{route=\"/a\",le=\"+Inf\"} 4\n"), std::string::npos);
    EXPECT_NE(text.find("latency_seconds_count{route=\"/a\"} 4\n"), std::string::npos);
}

TEST(Histogram, CountsFromManyThreads) {
    Histogram h(latency_buckets());
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&h] {
            for (int i = 0; i < 10'000; ++i) {
                h.observe(0.001);
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    EXPECT_EQ(h.count(), 40'000u);
}

}  // namespace
}  // namespace ecom::metrics
