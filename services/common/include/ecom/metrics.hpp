#pragma once

// Prometheus metrics: counters, gauges and histograms with labels, rendered
// in the text exposition format on the admin port. Updates are lock-free
// atomics; only creating a new labelled series takes a lock, so callers keep
// the references they get.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ecom::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
public:
    void inc(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
    [[nodiscard]] std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<std::uint64_t> value_{0};
};

class Gauge {
public:
    void set(std::int64_t v) noexcept { value_.store(v, std::memory_order_relaxed); }
    void add(std::int64_t d) noexcept { value_.fetch_add(d, std::memory_order_relaxed); }
    [[nodiscard]] std::int64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<std::int64_t> value_{0};
};

class Histogram {
public:
    // `bounds`: ascending upper bounds of the buckets; +Inf is implicit.
    explicit Histogram(std::vector<double> bounds);

    void observe(double value) noexcept;
    void observe(std::chrono::nanoseconds elapsed) noexcept { observe(static_cast<double>(elapsed.count()) / 1e9); }

    [[nodiscard]] std::span<const double> bounds() const noexcept { return bounds_; }
    // Cumulative count of observations <= bounds()[i]; index bounds().size() is +Inf.
    [[nodiscard]] std::uint64_t cumulative(std::size_t i) const noexcept;
    [[nodiscard]] std::uint64_t count() const noexcept { return count_.load(std::memory_order_relaxed); }
    [[nodiscard]] double sum() const noexcept { return sum_.load(std::memory_order_relaxed); }

private:
    std::vector<double> bounds_;
    std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;
    std::atomic<std::uint64_t> count_{0};
    std::atomic<double> sum_{0.0};
};

// Request latency buckets in seconds, 0.5 ms to 10 s.
const std::vector<double>& latency_buckets();

class Registry {
public:
    Registry();
    ~Registry();
    Registry(const Registry&) = delete;
    Registry& operator=(const Registry&) = delete;

    // Returns the series of that name and labels, creating it on first use.
    // Throws std::invalid_argument when the name is invalid or already used
    // by a metric of another type.
    Counter& counter(std::string_view name, std::string_view help, const Labels& labels = {});
    Gauge& gauge(std::string_view name, std::string_view help, const Labels& labels = {});
    Histogram& histogram(std::string_view name, std::string_view help, const Labels& labels = {},
                         const std::vector<double>& bounds = latency_buckets());
    // A gauge whose value is read when the metrics are rendered.
    void callback_gauge(std::string_view name, std::string_view help, const Labels& labels,
                        std::function<double()> read);

    // The current value of a counter or gauge series (callback gauges are
    // read now); nothing when the series does not exist or is a histogram.
    [[nodiscard]] std::optional<double> read(std::string_view name, const Labels& labels = {}) const;

    // The Prometheus text exposition format (version 0.0.4).
    [[nodiscard]] std::string render() const;

private:
    struct Family;
    Family& family(std::string_view name, std::string_view help, int type);

    mutable std::mutex mutex_;
    std::map<std::string, std::unique_ptr<Family>, std::less<>> families_;
};

// {a="x",b="y"} with Prometheus escaping; "" for no labels.
std::string render_labels(const Labels& labels);

}  // namespace ecom::metrics
