#pragma once

// Business metrics for CloudWatch without an agent: every interval, the
// service writes CloudWatch Embedded Metric Format (EMF) documents to its
// log (stdout), and CloudWatch Logs turns them into metrics. What is written
// is declared once, in config/emf_metrics.json (compiled in): for this
// service's entries, a counter's increase per label value, a gauge, or a
// cache hit ratio, all read from the Prometheus registry. Counts are written
// only when non-zero: CloudWatch bills a custom metric only for the hours it
// receives data.

#include "ecom/config.hpp"
#include "ecom/metrics.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ecom::emf {

struct Settings {
    std::chrono::seconds interval{0};  // METRICS_EMF_INTERVAL_SECONDS (0: off)

    static Settings from_env(Env& env);
};

// One metric of the catalog, for one value of its dimension.
struct Source {
    enum class Kind { count, gauge, ratio };
    Kind kind = Kind::count;
    std::string metric;           // CloudWatch metric name, e.g. "Orders"
    std::string unit;             // "Count", "Percent"
    std::string dimension_name;   // e.g. "Outcome"; empty: only the common dimensions
    std::string dimension_value;  // e.g. "confirmed"
    std::string series;           // count/gauge: the Prometheus series; ratio: the hits counter
    std::string misses;           // ratio: the misses counter
    std::string label;            // the series' label that carries dimension_value
};

struct Catalog {
    std::string metric_namespace;
    std::vector<std::string> common_dimensions;  // "Service", "Environment"
    std::vector<Source> sources;                 // of one service

    // Parses the catalog JSON and keeps the entries of `service`. Throws
    // std::invalid_argument naming what is wrong.
    static Catalog parse(std::string_view json, std::string_view service);
    // The catalog compiled into the binary (config/emf_metrics.json).
    static Catalog builtin(std::string_view service);
};

class Reporter {
public:
    Reporter(Catalog catalog, const metrics::Registry& registry, std::string service, std::string environment);
    ~Reporter();
    Reporter(const Reporter&) = delete;
    Reporter& operator=(const Reporter&) = delete;

    // The EMF documents for the interval since the previous call (one per
    // set of dimension values), one JSON object per string. The first call
    // takes the baselines of the counters and reports counts since start.
    std::vector<std::string> collect(std::int64_t timestamp_ms);

    // Writes collect() to the log every `interval` on `io` until stop().
    void start(boost::asio::io_context& io, std::chrono::seconds interval);
    // Cancels the timer and writes the last, partial interval.
    void stop();

private:
    void schedule();

    Catalog catalog_;
    const metrics::Registry& registry_;
    std::string service_;
    std::string environment_;
    std::map<std::string, double> previous_;  // counter series -> value at the last collect
    std::chrono::seconds interval_{0};
    std::unique_ptr<boost::asio::steady_timer> timer_;
};

}  // namespace ecom::emf
