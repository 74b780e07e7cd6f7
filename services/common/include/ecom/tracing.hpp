#pragma once

// Distributed tracing: spans recorded on the request path into a bounded
// queue, exported in batches by a background thread as OTLP/HTTP JSON to
// OTEL_EXPORTER_OTLP_ENDPOINT (the ADOT collector on ECS forwards them to
// X-Ray). Recording never blocks: a full queue drops the span and counts
// it. Sampling is parent-based: a request that arrives with a trace keeps
// its sampling decision; a new trace is sampled at OTEL_TRACES_SAMPLER_ARG.
// Span attributes never carry payment or customer data.

#include "ecom/config.hpp"
#include "ecom/trace_context.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace ecom::metrics {
class Registry;
}

namespace ecom::trace {

enum class SpanKind { internal = 1, server = 2, client = 3 };

struct Attribute {
    std::string key;
    std::variant<std::string, std::int64_t, bool> value;
};

struct SpanData {
    std::string trace_id;
    std::string span_id;
    std::string parent_span_id;
    std::string trace_state;  // W3C tracestate of the span's context (validated)
    std::string name;
    SpanKind kind = SpanKind::internal;
    std::int64_t start_ns = 0;  // since the Unix epoch
    std::int64_t end_ns = 0;
    std::vector<Attribute> attributes;
    bool error = false;
    std::string error_message;  // never client input
};

struct TracerSettings {
    std::string endpoint;       // OTEL_EXPORTER_OTLP_ENDPOINT, e.g. http://localhost:4318; empty: tracing off
    double sample_ratio = 1.0;  // OTEL_TRACES_SAMPLER_ARG for parentbased_traceidratio
    std::string sampler = "parentbased_traceidratio";  // OTEL_TRACES_SAMPLER
    std::size_t queue_capacity = 4096;
    std::size_t batch_size = 512;
    std::chrono::milliseconds flush_interval{1'000};
    std::chrono::milliseconds export_timeout{2'000};
    std::vector<std::pair<std::string, std::string>> resource;  // service.name, service.version, ...
    // ECS_CONTAINER_METADATA_URI_V4: read once by the exporter for the task's
    // resource attributes (cluster, task ARN, family, revision, zone, container).
    std::string ecs_metadata_uri;

    // OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_TRACES_SAMPLER (always_on, always_off,
    // traceidratio, parentbased_always_on, parentbased_always_off,
    // parentbased_traceidratio), OTEL_TRACES_SAMPLER_ARG, OTEL_BSP_MAX_QUEUE_SIZE,
    // OTEL_BSP_MAX_EXPORT_BATCH_SIZE, OTEL_BSP_SCHEDULE_DELAY, OTEL_BSP_EXPORT_TIMEOUT.
    static TracerSettings from_env(Env& env, std::string_view service, std::string_view version,
                                   std::string_view environment);
};

// OTel resource attributes from the ECS task metadata endpoint v4 answers
// (`task`: GET ${uri}/task, `container`: GET ${uri}); missing fields are
// skipped, malformed JSON gives none. Exposed for tests.
// OTEL_RESOURCE_ATTRIBUTES: "key=value,key2=value2" with percent-encoded
// values; nothing when malformed (no '=', empty key, control characters).
std::optional<std::vector<std::pair<std::string, std::string>>> parse_resource_attributes(std::string_view text);

std::vector<std::pair<std::string, std::string>> ecs_resource_attributes(std::string_view task,
                                                                         std::string_view container);

// The sampling decision for a request. `has_parent`: the request carried a
// trace context; `parent_sampled`: its flag.
bool should_sample(const TracerSettings& settings, std::string_view trace_id, bool has_parent,
                   bool parent_sampled) noexcept;

std::int64_t now_unix_nanos() noexcept;

// The process-wide tracer. Off until start() is called with an endpoint.
class Tracer {
public:
    // The tracer the server, client and database spans go to.
    static Tracer& instance();
    Tracer();  // a private one (tests)

    void start(TracerSettings settings, metrics::Registry* registry);
    // Exports what is queued (up to the export timeout) and stops.
    void stop();
    [[nodiscard]] bool enabled() const noexcept { return enabled_.load(std::memory_order_relaxed); }
    [[nodiscard]] const TracerSettings& settings() const noexcept { return settings_; }

    // Never blocks; drops (and counts) the span when the queue is full or
    // the exporter is paused after a failed export.
    void record(SpanData span);
    // Whether a span started now would be queued: false when tracing is off,
    // and false (counting the span as dropped) for 5 s after a failed
    // export, so a dead collector costs a request no span building at all.
    [[nodiscard]] bool admit() noexcept;

    [[nodiscard]] std::uint64_t dropped() const noexcept;
    [[nodiscard]] std::uint64_t exported() const noexcept;

    // OTLP/HTTP JSON for a batch; exposed for tests.
    static std::string encode(const std::vector<SpanData>& spans,
                              const std::vector<std::pair<std::string, std::string>>& resource);

    Tracer(const Tracer&) = delete;
    Tracer& operator=(const Tracer&) = delete;
    ~Tracer();

private:
    struct Exporter;
    [[nodiscard]] bool paused() const noexcept;

    TracerSettings settings_;
    std::atomic<bool> enabled_{false};
    std::atomic<std::int64_t> paused_until_ns_{0};  // steady clock
    std::unique_ptr<Exporter> exporter_;
};

// A span in progress, recorded when ended (or destroyed). Inert when the
// request is not sampled or tracing is off, so it costs next to nothing.
class Span {
public:
    Span() = default;
    // A child of the request's current span.
    Span(std::string name, SpanKind kind, const SpanContext* parent);
    Span(Span&&) noexcept = default;
    Span& operator=(Span&&) noexcept = default;
    ~Span() { end(); }

    [[nodiscard]] bool recording() const noexcept { return data_ != nullptr; }
    // The id to propagate to a callee (empty when not recording).
    [[nodiscard]] std::string_view id() const noexcept;
    void attribute(std::string key, std::string value);
    void attribute(std::string key, std::int64_t value);
    void fail(std::string message);
    void end();

private:
    std::unique_ptr<SpanData> data_;
};

}  // namespace ecom::trace
