// Tracing: tracestate validation, sampling, the OTLP/JSON encoding, the
// ECS resource attributes, and the exporter's batching and bounded queue
// against a real in-process OTLP receiver.

#include "ecom/tracing.hpp"
#include "ecom/http/client.hpp"
#include "ecom/http/error.hpp"
#include "ecom/service.hpp"
#include "ecom/trace_context.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>

namespace ecom::trace {
namespace {

namespace asio = boost::asio;
namespace bj = boost::json;

TEST(Tracestate, AcceptsWellFormedLists) {
    EXPECT_TRUE(is_valid_tracestate("congo=t61rcWkgMzE"));
    EXPECT_TRUE(is_valid_tracestate("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"));
    EXPECT_TRUE(is_valid_tracestate("vendor@tenant-1=a b c, xray=1 ,"));
    EXPECT_TRUE(is_valid_tracestate("a*b/c_d-e=value"));
}

TEST(Tracestate, RefusesMalformedOrOversized) {
    for (const auto* bad : {"", ",", "Upper=1", "1abc=x", "key", "key=", "key=a,b", "key= ", "k=v\x01", "k=v=w",
                            "@sys=1", "tenant@=1", "tenant@Sys=1"}) {
        EXPECT_FALSE(is_valid_tracestate(bad)) << bad;
    }
    std::string many;
    for (int i = 0; i < 33; ++i) {
        many += (i ? "," : "") + std::string("k") + std::to_string(i) + "=v";
    }
    EXPECT_FALSE(is_valid_tracestate(many));  // 33 members
    EXPECT_FALSE(is_valid_tracestate("k=" + std::string(600, 'x')));
}

TEST(Sampling, ParentDecisionWinsForParentBasedSamplers) {
    TracerSettings s;
    s.sampler = "parentbased_traceidratio";
    s.sample_ratio = 0.0;
    const auto id = new_trace_id();
    EXPECT_TRUE(should_sample(s, id, true, true));
    EXPECT_FALSE(should_sample(s, id, false, false));  // a root at ratio 0
    s.sample_ratio = 1.0;
    EXPECT_FALSE(should_sample(s, id, true, false));
    EXPECT_TRUE(should_sample(s, id, false, false));
    s.sampler = "traceidratio";  // ignores the parent
    s.sample_ratio = 0.0;
    EXPECT_FALSE(should_sample(s, id, true, true));
    s.sampler = "always_on";
    EXPECT_TRUE(should_sample(s, id, true, false));
    s.sampler = "parentbased_always_off";
    EXPECT_FALSE(should_sample(s, id, false, false));
    EXPECT_TRUE(should_sample(s, id, true, true));
}

TEST(Sampling, RatioIsDeterministicPerTraceAndNearTheTarget) {
    TracerSettings s;
    s.sample_ratio = 0.25;
    int sampled = 0;
    constexpr int n = 20'000;
    for (int i = 0; i < n; ++i) {
        const auto id = new_trace_id();
        const bool first = should_sample(s, id, false, false);
        EXPECT_EQ(first, should_sample(s, id, false, false));
        sampled += first ? 1 : 0;
    }
    EXPECT_NEAR(static_cast<double>(sampled) / n, 0.25, 0.02);
}

TEST(SettingsFromEnv, ReadsOtelVariablesAndRejectsBadOnes) {
    const std::map<std::string, std::string> vars{{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318/"},
                                                  {"OTEL_TRACES_SAMPLER", "traceidratio"},
                                                  {"OTEL_TRACES_SAMPLER_ARG", "0.05"},
                                                  {"OTEL_BSP_MAX_QUEUE_SIZE", "100"}};
    Env env([&](const char* name) -> const char* {
        auto it = vars.find(name);
        return it == vars.end() ? nullptr : it->second.c_str();
    });
    const auto s = TracerSettings::from_env(env, "order-service", "1.2.3", "dev");
    EXPECT_NO_THROW(env.check());
    EXPECT_EQ(s.endpoint, "http://127.0.0.1:4318");
    EXPECT_EQ(s.sampler, "traceidratio");
    EXPECT_DOUBLE_EQ(s.sample_ratio, 0.05);
    EXPECT_EQ(s.queue_capacity, 100u);
    EXPECT_EQ(s.resource.front(), (std::pair<std::string, std::string>{"service.name", "order-service"}));

    const std::map<std::string, std::string> bad{{"OTEL_EXPORTER_OTLP_ENDPOINT", "grpc://x:4317"},
                                                 {"OTEL_TRACES_SAMPLER", "sometimes"},
                                                 {"OTEL_TRACES_SAMPLER_ARG", "2"}};
    Env env2([&](const char* name) -> const char* {
        auto it = bad.find(name);
        return it == bad.end() ? nullptr : it->second.c_str();
    });
    (void)TracerSettings::from_env(env2, "x", "1", "dev");
    EXPECT_EQ(env2.problems().size(), 3u);
}

TEST(SettingsFromEnv, ResourceAttributesAndServiceNameOverride) {
    const std::map<std::string, std::string> vars{
        {"OTEL_RESOURCE_ATTRIBUTES", "team=shop, cloud.region = us-east-1,note=a%2Cb%3Dc,deployment.environment=qa"},
        {"OTEL_SERVICE_NAME", "orders-blue"}};
    Env env([&](const char* name) -> const char* {
        auto it = vars.find(name);
        return it == vars.end() ? nullptr : it->second.c_str();
    });
    const auto s = TracerSettings::from_env(env, "order-service", "1.2.3", "dev");
    EXPECT_NO_THROW(env.check());
    std::map<std::string, std::string> r(s.resource.begin(), s.resource.end());
    EXPECT_EQ(r["service.name"], "orders-blue");
    EXPECT_EQ(r["team"], "shop");
    EXPECT_EQ(r["cloud.region"], "us-east-1");
    EXPECT_EQ(r["note"], "a,b=c");
    EXPECT_EQ(r["deployment.environment"], "qa");
    EXPECT_EQ(r["service.version"], "1.2.3");
}

TEST(ResourceAttributes, RefusesMalformedLists) {
    EXPECT_FALSE(parse_resource_attributes("novalue"));
    EXPECT_FALSE(parse_resource_attributes("=v"));
    EXPECT_FALSE(parse_resource_attributes("k=%zz"));
    EXPECT_FALSE(parse_resource_attributes("k=%4"));
    EXPECT_FALSE(parse_resource_attributes("k=a%0Ab"));  // no newline smuggled into exported data
    EXPECT_FALSE(parse_resource_attributes("a b=c"));
    EXPECT_TRUE(parse_resource_attributes("k="));
    EXPECT_EQ(parse_resource_attributes("a=1,b=2")->size(), 2u);

    const std::map<std::string, std::string> vars{{"OTEL_RESOURCE_ATTRIBUTES", "broken"}};
    Env env([&](const char* name) -> const char* {
        auto it = vars.find(name);
        return it == vars.end() ? nullptr : it->second.c_str();
    });
    (void)TracerSettings::from_env(env, "x", "1", "dev");
    ASSERT_EQ(env.problems().size(), 1u);
}

SpanData sample_span(std::string name) {
    SpanData s;
    s.trace_id = new_trace_id();
    s.span_id = new_span_id();
    s.name = std::move(name);
    s.kind = SpanKind::server;
    s.start_ns = now_unix_nanos();
    s.end_ns = s.start_ns + 1'500'000;
    return s;
}

TEST(Encode, WritesOtlpJson) {
    SpanData a = sample_span("POST /api/orders");
    a.attributes.push_back({"http.response.status_code", std::int64_t{201}});
    a.attributes.push_back({"http.route", std::string("/api/orders")});
    SpanData b = sample_span("reserve");
    b.kind = SpanKind::client;
    b.trace_id = a.trace_id;
    b.parent_span_id = a.span_id;
    b.error = true;
    b.error_message = "database error 40001";
    const auto text = Tracer::encode({a, b}, {{"service.name", "order-service"}});
    const auto doc = bj::parse(text);
    const auto& rs = doc.at("resourceSpans").as_array().at(0).as_object();
    EXPECT_EQ(rs.at("resource").at("attributes").as_array().at(0).at("value").at("stringValue"), "order-service");
    const auto& spans = rs.at("scopeSpans").as_array().at(0).at("spans").as_array();
    ASSERT_EQ(spans.size(), 2u);
    const auto& first = spans[0].as_object();
    EXPECT_EQ(first.at("traceId"), a.trace_id.c_str());
    EXPECT_FALSE(first.contains("parentSpanId"));
    EXPECT_EQ(first.at("kind"), 2);
    EXPECT_EQ(first.at("startTimeUnixNano"), std::to_string(a.start_ns).c_str());  // int64 as a string
    EXPECT_EQ(first.at("attributes").as_array().at(0).at("value").at("intValue"), "201");
    EXPECT_EQ(first.at("status").at("code"), 0);
    const auto& second = spans[1].as_object();
    EXPECT_EQ(second.at("parentSpanId"), a.span_id.c_str());
    EXPECT_EQ(second.at("kind"), 3);
    EXPECT_EQ(second.at("status").at("code"), 2);
    EXPECT_EQ(second.at("events").as_array().at(0).at("name"), "exception");
}

TEST(EcsResource, MapsTaskAndContainerMetadata) {
    const auto attrs = ecs_resource_attributes(
        R"({"Cluster":"arn:aws:ecs:eu-west-1:123456789012:cluster/shop-dev",
            "TaskARN":"arn:aws:ecs:eu-west-1:123456789012:task/shop-dev/0123abcd",
            "Family":"shop-dev-orders","Revision":"7","AvailabilityZone":"eu-west-1b","LaunchType":"FARGATE"})",
        R"({"DockerId":"cafe01","Name":"order-service","ContainerARN":"arn:aws:ecs:eu-west-1:123456789012:container/x",
            "LogOptions":{"awslogs-group":"/ecs/shop-dev/orders","awslogs-stream":"orders/order-service/0123abcd"}})");
    const std::map<std::string, std::string> m(attrs.begin(), attrs.end());
    EXPECT_EQ(m.at("cloud.platform"), "aws_ecs");
    EXPECT_EQ(m.at("cloud.region"), "eu-west-1");
    EXPECT_EQ(m.at("cloud.account.id"), "123456789012");
    EXPECT_EQ(m.at("aws.ecs.task.family"), "shop-dev-orders");
    EXPECT_EQ(m.at("aws.ecs.task.revision"), "7");
    EXPECT_EQ(m.at("aws.ecs.launchtype"), "fargate");
    EXPECT_EQ(m.at("container.id"), "cafe01");
    EXPECT_EQ(m.at("aws.log.group.names"), "/ecs/shop-dev/orders");
    EXPECT_TRUE(ecs_resource_attributes("not json", "[]").empty());
}

http::RouteOptions untraced() {
    http::RouteOptions o;
    o.traced = false;  // the receiver's own requests would be spans too
    return o;
}

// A real OTLP/HTTP receiver on loopback, built on the service runtime: it
// counts spans and can be told to fail.
class Receiver {
public:
    Receiver() {
        ServiceConfig config;
        config.name = "otlp-receiver";
        config.bind_address = "127.0.0.1";
        config.port = 0;
        config.admin_port = 0;
        config.request_log.sample_rate = 0;
        service_ = std::make_unique<Service>(config);
        service_->api().add(
            {http::Method::post}, "/v1/traces",
            [this](http::Request& r) -> asio::awaitable<http::Response> {
                if (fail_.load()) {
                    co_return http::error_response(503, "unavailable", "collector down");
                }
                const auto doc = bj::parse(r.body);
                const auto n = doc.at("resourceSpans")
                                   .as_array()
                                   .at(0)
                                   .at("scopeSpans")
                                   .as_array()
                                   .at(0)
                                   .at("spans")
                                   .as_array()
                                   .size();
                {
                    std::lock_guard lock(mutex_);
                    batches_.push_back(n);
                }
                {
                    std::lock_guard lock(mutex_);
                    bodies_.push_back(r.body);
                }
                spans_.fetch_add(n);
                co_return http::Response::json(200, "{}");
            },
            untraced());
        port_ = service_->bind();
        runner_ = std::async(std::launch::async, [this] { return service_->run(); });
    }
    ~Receiver() {
        service_->request_stop();
        runner_.get();
    }
    [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    [[nodiscard]] std::size_t spans() const { return spans_.load(); }
    std::vector<std::size_t> batches() {
        std::lock_guard lock(mutex_);
        return batches_;
    }
    void fail(bool on) { fail_.store(on); }
    // Every span received, flattened.
    std::vector<bj::object> span_objects() {
        std::lock_guard lock(mutex_);
        std::vector<bj::object> out;
        for (const auto& body : bodies_) {
            const auto doc = bj::parse(body);
            for (const auto& span :
                 doc.at("resourceSpans").as_array().at(0).at("scopeSpans").as_array().at(0).at("spans").as_array()) {
                out.push_back(span.as_object());
            }
        }
        return out;
    }

private:
    std::unique_ptr<Service> service_;
    std::uint16_t port_ = 0;
    std::future<int> runner_;
    std::atomic<std::size_t> spans_{0};
    std::atomic<bool> fail_{false};
    std::mutex mutex_;
    std::vector<std::size_t> batches_;
    std::vector<std::string> bodies_;
};

template <typename Predicate>
bool eventually(Predicate p, std::chrono::milliseconds limit = std::chrono::milliseconds(5'000)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (p()) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return p();
}

TEST(Exporter, SendsBatchesOfAtMostTheBatchSize) {
    Receiver receiver;
    TracerSettings s;
    s.endpoint = receiver.url();
    s.batch_size = 100;
    s.queue_capacity = 10'000;
    s.flush_interval = std::chrono::milliseconds(50);
    metrics::Registry registry;
    Tracer tracer;
    tracer.start(s, &registry);
    for (int i = 0; i < 1'050; ++i) {
        tracer.record(sample_span("GET /x"));
    }
    ASSERT_TRUE(eventually([&] { return receiver.spans() == 1'050; })) << receiver.spans();
    for (const auto n : receiver.batches()) {
        EXPECT_LE(n, 100u);
    }
    EXPECT_GE(receiver.batches().size(), 11u);
    tracer.stop();
    EXPECT_EQ(tracer.exported(), 1'050u);
    EXPECT_EQ(tracer.dropped(), 0u);
    EXPECT_NE(registry.render().find("otel_spans_exported_total 1050"), std::string::npos);
}

TEST(Exporter, StopFlushesWhatIsQueued) {
    Receiver receiver;
    TracerSettings s;
    s.endpoint = receiver.url();
    s.flush_interval = std::chrono::milliseconds(60'000);  // only a stop sends them
    Tracer tracer;
    tracer.start(s, nullptr);
    for (int i = 0; i < 10; ++i) {
        tracer.record(sample_span("GET /x"));
    }
    tracer.stop();
    EXPECT_EQ(receiver.spans(), 10u);
}

TEST(Exporter, AFullQueueDropsAndCountsWithoutBlocking) {
    // A collector that accepts connections and never answers: each export
    // hangs until its timeout, so the queue fills up behind it.
    asio::io_context io;
    asio::ip::tcp::acceptor silent(io, {asio::ip::make_address("127.0.0.1"), 0});
    TracerSettings s;
    s.endpoint = "http://127.0.0.1:" + std::to_string(silent.local_endpoint().port());
    s.queue_capacity = 64;
    s.batch_size = 16;
    s.flush_interval = std::chrono::milliseconds(10);
    s.export_timeout = std::chrono::milliseconds(2'000);
    metrics::Registry registry;
    Tracer tracer;
    tracer.start(s, &registry);
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 10'000; ++i) {
        tracer.record(sample_span("GET /x"));
    }
    const auto elapsed = std::chrono::steady_clock::now() - start;
    // Had recording waited for the export in flight, this would take 2 s.
    EXPECT_LT(elapsed, std::chrono::milliseconds(1'500));
    EXPECT_GE(tracer.dropped(), 10'000u - 64u - 16u);
    EXPECT_NE(registry.render().find(R"(otel_spans_dropped_total{reason="queue_full"})"), std::string::npos);
    tracer.stop();
}

TEST(Exporter, ACollectorFailurePausesExportsAndIsCounted) {
    Receiver receiver;
    receiver.fail(true);
    TracerSettings s;
    s.endpoint = receiver.url();
    s.flush_interval = std::chrono::milliseconds(10);
    metrics::Registry registry;
    Tracer tracer;
    tracer.start(s, &registry);
    tracer.record(sample_span("GET /x"));
    ASSERT_TRUE(
        eventually([&] { return registry.render().find("otel_export_failures_total 1") != std::string::npos; }));
    receiver.fail(false);
    tracer.record(sample_span("GET /y"));  // within the pause: dropped, not queued
    EXPECT_EQ(tracer.dropped(), 2u);
    // Within the pause, a span is refused before it is built, and counted.
    EXPECT_FALSE(tracer.admit());
    EXPECT_EQ(tracer.dropped(), 3u);
    tracer.stop();
    EXPECT_EQ(receiver.spans(), 0u);
    EXPECT_FALSE(tracer.admit());  // stopped: off, nothing counted
    EXPECT_EQ(tracer.dropped(), 3u);
}

// The server side: a traced service records one server span per request,
// named by the route template, child of the caller's span; malformed trace
// headers start a new trace and never fail the request; probes are not traced.
TEST(ServerSpans, ChildOfTheCallerNamedByTheRouteTemplate) {
    Receiver receiver;
    ServiceConfig config;
    config.name = "traced";
    config.bind_address = "127.0.0.1";
    config.port = 0;
    config.admin_port = 0;
    config.request_log.sample_rate = 0;
    config.tracing.endpoint = receiver.url();
    config.tracing.flush_interval = std::chrono::milliseconds(10);
    Service service(config);
    service.api().add({http::Method::get}, "/items/{id}", [](http::Request&) -> asio::awaitable<http::Response> {
        co_return http::Response::json(200, "{}");
    });
    const auto port = service.bind();
    auto runner = std::async(std::launch::async, [&] { return service.run(); });
    ASSERT_TRUE(eventually([] { return Tracer::instance().enabled(); }));

    asio::io_context io;
    metrics::Registry registry;
    http::ClientOptions options;
    options.name = "test";
    options.base_url = "http://127.0.0.1:" + std::to_string(port);
    http::Client client({&io}, options, registry);
    const std::string caller_trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    const std::string caller_span = "00f067aa0ba902b7";
    std::vector<unsigned> statuses;
    auto get = [&](std::string target, std::vector<std::pair<std::string, std::string>> headers) {
        http::OutgoingRequest r;
        r.target = std::move(target);
        for (auto& [name, value] : headers) {
            r.headers.add(name, value);
        }
        auto future = asio::co_spawn(io, client.send(std::move(r)), asio::use_future);
        io.restart();
        io.run();
        statuses.push_back(future.get().status);
    };
    get("/items/customer-42?email=a@b.c", {{"traceparent", "00-" + caller_trace + "-" + caller_span + "-01"}});
    get("/items/1", {{"traceparent", "00-zzzz-not-a-trace"}, {"X-Amzn-Trace-Id", std::string(4'000, 'R')}});
    get("/items/2", {{"traceparent", "00-" + caller_trace + "-" + caller_span + "-00"}});  // caller: not sampled
    get("/health", {});
    client.close();
    io.restart();
    io.run();
    EXPECT_EQ(statuses, (std::vector<unsigned>{200, 200, 200, 200}));
    ASSERT_TRUE(eventually([&] { return receiver.spans() >= 2; }));
    service.request_stop();
    runner.get();  // stops the tracer: everything is exported

    const auto spans = receiver.span_objects();
    ASSERT_EQ(spans.size(), 2u);  // not the unsampled one, not /health
    const auto& child = spans[0];
    EXPECT_EQ(child.at("name"), "GET /items/{id}");
    EXPECT_EQ(child.at("traceId"), caller_trace.c_str());
    EXPECT_EQ(child.at("parentSpanId"), caller_span.c_str());
    EXPECT_EQ(child.at("kind"), 2);
    const std::string serialized = bj::serialize(child);
    EXPECT_EQ(serialized.find("customer-42"), std::string::npos);  // the template, never the raw path
    EXPECT_EQ(serialized.find("a@b.c"), std::string::npos);
    const auto& root = spans[1];
    EXPECT_NE(root.at("traceId"), caller_trace.c_str());  // a new trace
    EXPECT_FALSE(root.contains("parentSpanId"));
}

}  // namespace
}  // namespace ecom::trace
