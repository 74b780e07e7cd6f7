#include "ecom/tracing.hpp"

#include "ecom/ascii.hpp"
#include "ecom/http/client.hpp"
#include "ecom/json_writer.hpp"
#include "ecom/log.hpp"
#include "ecom/metrics.hpp"
#include "ecom/trace_context.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include <cctype>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace ecom::trace {
namespace {

namespace asio = boost::asio;
namespace bj = boost::json;

// Runs one request on the exporter's own io_context.
http::IncomingResponse send_blocking(asio::io_context& io, http::Client& client, http::OutgoingRequest request) {
    auto future = asio::co_spawn(io, client.send(std::move(request)), asio::use_future);
    io.restart();
    io.run();
    return future.get();
}

// GETs the task and container documents of the ECS metadata endpoint v4.
std::vector<std::pair<std::string, std::string>> fetch_ecs_resource(asio::io_context& io, const std::string& uri,
                                                                    std::chrono::milliseconds timeout) {
    constexpr std::string_view scheme = "http://";
    const auto slash = uri.find('/', scheme.size());
    const std::string base = uri.substr(0, slash);
    const std::string path = slash == std::string::npos ? std::string("/") : uri.substr(slash);
    metrics::Registry own_metrics;
    http::ClientOptions options;
    options.name = "ecs-metadata";
    options.base_url = base;
    options.request_timeout = timeout;
    options.connect_timeout = timeout;
    http::Client client({&io}, options, own_metrics);
    std::string task;
    std::string container;
    try {
        http::OutgoingRequest task_request;
        task_request.target = path + (path.ends_with('/') ? "task" : "/task");
        task_request.idempotent = true;
        auto response = send_blocking(io, client, std::move(task_request));
        if (response.status == 200) {
            task = std::move(response.body);
        }
        http::OutgoingRequest container_request;
        container_request.target = path;
        container_request.idempotent = true;
        response = send_blocking(io, client, std::move(container_request));
        if (response.status == 200) {
            container = std::move(response.body);
        }
    } catch (const std::exception& e) {
        log::warn("ECS task metadata unavailable; spans carry no task attributes", {{"error", e.what()}});
    }
    client.close();
    io.restart();
    io.run();
    return ecs_resource_attributes(task, container);
}

// The exporter's client: one attempt per batch and no circuit breaker (the
// exporter pauses by itself).
http::ClientOptions collector_client_options(const TracerSettings& settings) {
    http::ClientOptions options;
    options.name = "otel-collector";
    options.base_url = settings.endpoint;
    options.request_timeout = settings.export_timeout;
    options.connect_timeout = settings.export_timeout;
    options.max_attempts = 1;
    options.breaker_failures = 1'000'000;  // the exporter pauses by itself
    return options;
}

// The resource of every export: the configured attributes, then the ECS task's.
std::vector<std::pair<std::string, std::string>> export_resource(asio::io_context& io, const TracerSettings& settings) {
    auto resource = settings.resource;
    if (!settings.ecs_metadata_uri.empty()) {
        auto ecs = fetch_ecs_resource(io, settings.ecs_metadata_uri, settings.export_timeout);
        resource.insert(resource.end(), std::make_move_iterator(ecs.begin()), std::make_move_iterator(ecs.end()));
    }
    return resource;
}

// POSTs one encoded batch to the collector: empty when it accepted the
// batch, else why not.
std::string post_batch(asio::io_context& io, http::Client& client, std::string body) {
    http::OutgoingRequest request;
    request.method = http::Method::post;
    request.target = "/v1/traces";
    request.body = std::move(body);
    std::string failure;
    try {
        const auto response = send_blocking(io, client, std::move(request));
        if (response.status >= 300) {
            failure = "the collector answered " + std::to_string(response.status);
        }
    } catch (const std::exception& ex) {
        failure = ex.what();
    }
    return failure;
}

// The first 8 bytes of the id after the epoch part, as a fraction in [0, 1):
// the same trace gets the same decision in every service.
double trace_fraction(std::string_view trace_id) noexcept {
    if (trace_id.size() < 32) {
        return 0;
    }
    std::uint64_t v = 0;
    for (std::size_t i = 16; i < 32; ++i) {
        const char c = trace_id[i];
        const int d = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
        v = (v << 4) | static_cast<std::uint64_t>(d & 0xf);
    }
    return static_cast<double>(v >> 11) * 0x1.0p-53;
}

// Without leading and trailing spaces and tabs.
std::string_view trim_blanks(std::string_view v) {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) {
        v.remove_prefix(1);
    }
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) {
        v.remove_suffix(1);
    }
    return v;
}

// The value of a hexadecimal digit, -1 for any other character.
int hex_digit(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

// 1 to 255 printable ASCII characters, none of them a quote, ';' or '\\'.
bool valid_attribute_key(std::string_view key) {
    if (key.empty() || key.size() > 255) {
        return false;
    }
    for (const char c : key) {
        if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f || c == '"' || c == ';' ||
            c == '\\') {
            return false;
        }
    }
    return true;
}

// A percent-decoded attribute value; nothing for a bad escape or a control
// character, literal or encoded.
std::optional<std::string> decode_attribute_value(std::string_view raw) {
    std::string value;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '%') {
            if (i + 2 >= raw.size() || hex_digit(raw[i + 1]) < 0 || hex_digit(raw[i + 2]) < 0) {
                return std::nullopt;
            }
            const char decoded = static_cast<char>(hex_digit(raw[i + 1]) * 16 + hex_digit(raw[i + 2]));
            if (static_cast<unsigned char>(decoded) < 0x20 || decoded == 0x7f) {
                return std::nullopt;  // no control characters in attributes
            }
            value += decoded;
            i += 2;
        } else if (static_cast<unsigned char>(raw[i]) < 0x20 || raw[i] == 0x7f) {
            return std::nullopt;
        } else {
            value += raw[i];
        }
    }
    return value;
}

}  // namespace

std::int64_t now_unix_nanos() noexcept {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

TracerSettings TracerSettings::from_env(Env& env, std::string_view service, std::string_view version,
                                        std::string_view environment) {
    TracerSettings s;
    s.endpoint = env.http_url("OTEL_EXPORTER_OTLP_ENDPOINT", "");
    s.ecs_metadata_uri = env.string("ECS_CONTAINER_METADATA_URI_V4", "");
    if (!s.ecs_metadata_uri.empty() &&
        (!s.ecs_metadata_uri.starts_with("http://") ||
         s.ecs_metadata_uri.find_first_of(" \r\n?#") != std::string::npos)) {
        env.reject("ECS_CONTAINER_METADATA_URI_V4", "must be the http:// URL ECS sets");
    }
    s.sampler = env.one_of("OTEL_TRACES_SAMPLER", "parentbased_traceidratio",
                           {"always_on", "always_off", "traceidratio", "parentbased_always_on",
                            "parentbased_always_off", "parentbased_traceidratio"});
    s.sample_ratio = env.fraction("OTEL_TRACES_SAMPLER_ARG", 1.0, 0.0, 1.0);
    s.queue_capacity = static_cast<std::size_t>(env.integer("OTEL_BSP_MAX_QUEUE_SIZE", 4096, 16, 1'000'000));
    s.batch_size = static_cast<std::size_t>(env.integer("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", 512, 1, 100'000));
    s.flush_interval = env.millis("OTEL_BSP_SCHEDULE_DELAY", std::chrono::milliseconds(1'000),
                                  std::chrono::milliseconds(10), std::chrono::milliseconds(60'000));
    s.export_timeout = env.millis("OTEL_BSP_EXPORT_TIMEOUT", std::chrono::milliseconds(2'000),
                                  std::chrono::milliseconds(10), std::chrono::milliseconds(60'000));
    s.resource = {{"service.name", std::string(service)},
                  {"service.version", std::string(version)},
                  {"deployment.environment", std::string(environment)},
                  {"telemetry.sdk.language", "cpp"},
                  {"telemetry.sdk.name", "ecom"}};
    auto set = [&s](std::string key, std::string value) {
        for (auto& [k, v] : s.resource) {
            if (k == key) {
                v = std::move(value);
                return;
            }
        }
        s.resource.emplace_back(std::move(key), std::move(value));
    };
    if (const auto extra = env.string("OTEL_RESOURCE_ATTRIBUTES", ""); !extra.empty()) {
        if (auto parsed = parse_resource_attributes(extra)) {
            for (auto& [k, v] : *parsed) {
                set(std::move(k), std::move(v));
            }
        } else {
            env.reject("OTEL_RESOURCE_ATTRIBUTES",
                       "must be key=value pairs separated by commas (values percent-encoded)");
        }
    }
    if (const auto name = env.string("OTEL_SERVICE_NAME", ""); !name.empty()) {
        set("service.name", name);  // takes precedence, as the specification says
    }
    return s;
}

std::optional<std::vector<std::pair<std::string, std::string>>> parse_resource_attributes(std::string_view text) {
    std::vector<std::pair<std::string, std::string>> out;
    while (!text.empty()) {
        const auto comma = text.find(',');
        const auto pair = text.substr(0, comma);
        text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
        const auto eq = pair.find('=');
        if (eq == std::string_view::npos) {
            return std::nullopt;
        }
        const auto key = trim_blanks(pair.substr(0, eq));
        const auto raw = trim_blanks(pair.substr(eq + 1));
        if (!valid_attribute_key(key) || raw.size() > 1024) {
            return std::nullopt;
        }
        auto value = decode_attribute_value(raw);
        if (!value) {
            return std::nullopt;
        }
        out.emplace_back(std::string(key), std::move(*value));
    }
    return out;
}

std::vector<std::pair<std::string, std::string>> ecs_resource_attributes(std::string_view task,
                                                                         std::string_view container) {
    std::vector<std::pair<std::string, std::string>> out;
    auto parse = [](std::string_view text) -> bj::object {
        boost::system::error_code ec;
        auto value = bj::parse(text, ec);
        if (ec || !value.is_object()) {
            return {};
        }
        return std::move(value.as_object());
    };
    auto text = [](const bj::object& o, std::string_view key) -> std::string {
        const auto* v = o.if_contains(key);
        return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
    };
    auto add = [&](std::string key, std::string value) {
        if (!value.empty()) {
            out.emplace_back(std::move(key), std::move(value));
        }
    };
    const bj::object t = parse(task);
    const bj::object c = parse(container);
    if (t.empty() && c.empty()) {
        return out;
    }
    add("cloud.provider", "aws");
    add("cloud.platform", "aws_ecs");
    const std::string task_arn = text(t, "TaskARN");
    // arn:aws:ecs:<region>:<account>:task/<cluster>/<id>
    if (task_arn.starts_with("arn:")) {
        std::size_t field_start = 0;
        for (int i = 0; i < 3 && field_start != std::string::npos; ++i) {
            field_start = task_arn.find(':', field_start + 1);
        }
        if (field_start != std::string::npos) {
            const auto end = task_arn.find(':', field_start + 1);
            if (end != std::string::npos) {
                add("cloud.region", task_arn.substr(field_start + 1, end - field_start - 1));
                const auto account_end = task_arn.find(':', end + 1);
                if (account_end != std::string::npos) {
                    add("cloud.account.id", task_arn.substr(end + 1, account_end - end - 1));
                }
            }
        }
    }
    add("cloud.availability_zone", text(t, "AvailabilityZone"));
    add("aws.ecs.cluster.arn", text(t, "Cluster"));
    add("aws.ecs.task.arn", task_arn);
    add("aws.ecs.task.family", text(t, "Family"));
    add("aws.ecs.task.revision", text(t, "Revision"));
    add("aws.ecs.launchtype", ascii::to_lower(text(t, "LaunchType")));
    add("aws.ecs.container.arn", text(c, "ContainerARN"));
    add("container.name", text(c, "Name"));
    add("container.id", text(c, "DockerId"));
    if (const auto* options = c.if_contains("LogOptions"); options != nullptr && options->is_object()) {
        add("aws.log.group.names", text(options->as_object(), "awslogs-group"));
        add("aws.log.stream.names", text(options->as_object(), "awslogs-stream"));
    }
    return out;
}

bool should_sample(const TracerSettings& s, std::string_view trace_id, bool has_parent, bool parent_sampled) noexcept {
    const bool parent_based = s.sampler.starts_with("parentbased_");
    if (parent_based && has_parent) {
        return parent_sampled;
    }
    if (s.sampler == "always_on" || s.sampler == "parentbased_always_on") {
        return true;
    }
    if (s.sampler == "always_off" || s.sampler == "parentbased_always_off") {
        return false;
    }
    return trace_fraction(trace_id) < s.sample_ratio;
}

// The background side: a queue, a thread with its own io_context and HTTP
// client, and a pause after a failed export (a dead collector then costs
// only the queue push).
struct Tracer::Exporter {
    std::mutex mutex;
    std::condition_variable wake;
    std::vector<SpanData> queue;
    bool stopping = false;
    std::thread thread;
    metrics::Registry own_registry;  // when the caller has none
    metrics::Counter* exported = nullptr;
    metrics::Counter* dropped_queue_full = nullptr;
    metrics::Counter* dropped_export_failed = nullptr;
    metrics::Counter* failures = nullptr;
    std::chrono::steady_clock::time_point last_failure_log{};

    // The counters, in the caller's registry or the exporter's own.
    void count_in(metrics::Registry& registry);
    // The thread: exports batches until stopped, then closes its client.
    void run(Tracer& tracer);
    // Waits up to the flush interval for a full batch (or the stop) and
    // takes up to a batch off the queue; false once stopping with nothing left.
    bool take_batch(const TracerSettings& settings, std::vector<SpanData>& batch);
    // Counts the batch as dropped, pauses exports for 5 s and logs (once a minute).
    void export_failed(Tracer& tracer, std::size_t spans, const std::string& failure);
};

Tracer& Tracer::instance() {
    static Tracer tracer;
    return tracer;
}

Tracer::Tracer() = default;

Tracer::~Tracer() {
    stop();
}

std::uint64_t Tracer::dropped() const noexcept {
    return exporter_ ? exporter_->dropped_queue_full->value() + exporter_->dropped_export_failed->value() : 0;
}

std::uint64_t Tracer::exported() const noexcept {
    return exporter_ ? exporter_->exported->value() : 0;
}

namespace {

// One OTLP attribute: {"key":..,"value":{"stringValue"|"intValue"|"boolValue":..}}.
void write_attribute(JsonWriter& w, const Attribute& a) {
    w.begin_object().field("key", a.key).key("value").begin_object();
    std::visit(
        [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::string>) {
                w.field("stringValue", v);
            } else if constexpr (std::is_same_v<T, std::int64_t>) {
                w.field("intValue", std::to_string(v));  // OTLP JSON: int64 as a string
            } else {
                w.field("boolValue", v);
            }
        },
        a.value);
    w.end_object().end_object();
}

// A failed span's "exception" event and its error status.
void write_span_outcome(JsonWriter& w, const SpanData& s) {
    if (s.error) {
        w.key("events")
            .begin_array()
            .begin_object()
            .field("name", "exception")
            .field("timeUnixNano", std::to_string(s.end_ns))
            .key("attributes")
            .begin_array();
        write_attribute(w, {"exception.message", s.error_message});
        w.end_array().end_object().end_array();
    }
    w.key("status").begin_object().field("code", s.error ? 2 : 0);
    if (s.error) {
        w.field("message", s.error_message);
    }
    w.end_object();
}

// One OTLP span object.
void write_span(JsonWriter& w, const SpanData& s) {
    w.begin_object().field("traceId", s.trace_id).field("spanId", s.span_id);
    if (!s.parent_span_id.empty()) {
        w.field("parentSpanId", s.parent_span_id);
    }
    if (!s.trace_state.empty()) {
        w.field("traceState", s.trace_state);
    }
    w.field("name", s.name)
        .field("kind", static_cast<int>(s.kind))
        .field("startTimeUnixNano", std::to_string(s.start_ns))
        .field("endTimeUnixNano", std::to_string(s.end_ns));
    w.key("attributes").begin_array();
    for (const auto& a : s.attributes) {
        write_attribute(w, a);
    }
    w.end_array();
    write_span_outcome(w, s);
    w.end_object();
}

std::int64_t steady_nanos() noexcept {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}
}  // namespace

bool Tracer::paused() const noexcept {
    return steady_nanos() < paused_until_ns_.load(std::memory_order_relaxed);
}

bool Tracer::admit() noexcept {
    if (!enabled()) {
        return false;
    }
    if (paused()) {  // the collector failed moments ago: drop before building the span
        exporter_->dropped_export_failed->inc();
        return false;
    }
    return true;
}

void Tracer::record(SpanData span) {
    if (!enabled()) {
        return;
    }
    if (paused()) {
        exporter_->dropped_export_failed->inc();
        return;
    }
    auto& e = *exporter_;
    std::unique_lock lock(e.mutex);
    if (e.queue.size() >= settings_.queue_capacity) {
        e.dropped_queue_full->inc();
        return;
    }
    e.queue.push_back(std::move(span));
    const bool full_batch = e.queue.size() >= settings_.batch_size;
    lock.unlock();
    if (full_batch) {
        e.wake.notify_one();
    }
}

std::string Tracer::encode(const std::vector<SpanData>& spans,
                           const std::vector<std::pair<std::string, std::string>>& resource) {
    std::string out;
    out.reserve(spans.size() * 400 + 256);
    JsonWriter w(out);
    w.begin_object().key("resourceSpans").begin_array().begin_object();
    w.key("resource").begin_object().key("attributes").begin_array();
    for (const auto& [key, value] : resource) {
        write_attribute(w, {key, value});
    }
    w.end_array().end_object();
    w.key("scopeSpans").begin_array().begin_object();
    w.key("scope").begin_object().field("name", "ecom").end_object();
    w.key("spans").begin_array();
    for (const auto& s : spans) {
        write_span(w, s);
    }
    w.end_array().end_object().end_array().end_object().end_array().end_object();
    return out;
}

void Tracer::start(TracerSettings settings, metrics::Registry* registry) {
    if (enabled() || settings.endpoint.empty()) {
        return;
    }
    if (exporter_) {  // started and stopped before (tests)
        stop();
        exporter_.reset();
    }
    paused_until_ns_.store(0, std::memory_order_relaxed);
    settings_ = std::move(settings);
    exporter_ = std::make_unique<Exporter>();
    exporter_->count_in(registry != nullptr ? *registry : exporter_->own_registry);
    exporter_->thread = std::thread([this] { exporter_->run(*this); });
    enabled_.store(true);
}

void Tracer::Exporter::count_in(metrics::Registry& registry) {
    exported = &registry.counter("otel_spans_exported_total", "Spans accepted by the collector");
    dropped_queue_full =
        &registry.counter("otel_spans_dropped_total", "Spans not exported", {{"reason", "queue_full"}});
    dropped_export_failed =
        &registry.counter("otel_spans_dropped_total", "Spans not exported", {{"reason", "export_failed"}});
    failures = &registry.counter("otel_export_failures_total", "Exports the collector did not accept");
}

void Tracer::Exporter::run(Tracer& tracer) {
    const TracerSettings& settings = tracer.settings_;
    asio::io_context io(1);
    metrics::Registry own_metrics;
    http::Client client({&io}, collector_client_options(settings), own_metrics);
    const auto resource = export_resource(io, settings);
    std::vector<SpanData> batch;
    while (take_batch(settings, batch)) {
        if (batch.empty()) {
            continue;
        }
        if (tracer.paused()) {  // queued before the collector failed: not worth a timeout each
            dropped_export_failed->inc(batch.size());
        } else if (const std::string failure = post_batch(io, client, encode(batch, resource)); failure.empty()) {
            exported->inc(batch.size());
        } else {
            export_failed(tracer, batch.size(), failure);
        }
        batch.clear();
    }
    client.close();
    io.restart();
    io.run();
}

bool Tracer::Exporter::take_batch(const TracerSettings& settings, std::vector<SpanData>& batch) {
    std::unique_lock lock(mutex);
    wake.wait_for(lock, settings.flush_interval, [&] { return stopping || queue.size() >= settings.batch_size; });
    const std::size_t n = std::min(queue.size(), settings.batch_size);
    batch.assign(std::make_move_iterator(queue.begin()),
                 std::make_move_iterator(queue.begin() + static_cast<std::ptrdiff_t>(n)));
    queue.erase(queue.begin(), queue.begin() + static_cast<std::ptrdiff_t>(n));
    return !(batch.empty() && stopping);
}

void Tracer::Exporter::export_failed(Tracer& tracer, std::size_t spans, const std::string& failure) {
    failures->inc();
    dropped_export_failed->inc(spans);
    const auto now = std::chrono::steady_clock::now();
    tracer.paused_until_ns_.store(steady_nanos() + std::chrono::nanoseconds(std::chrono::seconds(5)).count(),
                                  std::memory_order_relaxed);
    if (now - last_failure_log > std::chrono::minutes(1)) {
        last_failure_log = now;
        log::warn("trace export failed; spans are dropped for 5 s (logged once a minute)",
                  {{"endpoint", tracer.settings_.endpoint}, {"error", failure}});
    }
}

void Tracer::stop() {
    if (!exporter_) {
        return;
    }
    enabled_.store(false);
    {
        std::lock_guard lock(exporter_->mutex);
        exporter_->stopping = true;
    }
    exporter_->wake.notify_one();
    if (exporter_->thread.joinable()) {
        exporter_->thread.join();
    }
}

Span::Span(std::string name, SpanKind kind, const SpanContext* parent) {
    auto& tracer = Tracer::instance();
    if (parent == nullptr || !parent->sampled || parent->trace_id.empty() || !tracer.admit()) {
        return;
    }
    data_ = std::make_unique<SpanData>();
    data_->trace_id = parent->trace_id;
    data_->span_id = new_span_id();
    data_->parent_span_id = parent->span_id;
    data_->trace_state = parent->tracestate;
    data_->name = std::move(name);
    data_->kind = kind;
    data_->start_ns = now_unix_nanos();
}

std::string_view Span::id() const noexcept {
    return data_ ? std::string_view(data_->span_id) : std::string_view();
}

void Span::attribute(std::string key, std::string value) {
    if (data_) {
        data_->attributes.push_back({std::move(key), std::move(value)});
    }
}

void Span::attribute(std::string key, std::int64_t value) {
    if (data_) {
        data_->attributes.push_back({std::move(key), value});
    }
}

void Span::fail(std::string message) {
    if (data_) {
        data_->error = true;
        data_->error_message = std::move(message);
    }
}

void Span::end() {
    if (!data_) {
        return;
    }
    data_->end_ns = now_unix_nanos();
    Tracer::instance().record(std::move(*data_));
    data_.reset();
}

}  // namespace ecom::trace
