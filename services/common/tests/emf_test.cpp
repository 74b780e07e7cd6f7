// CloudWatch Embedded Metric Format: the catalog's parsing and validation,
// and the reporter's documents checked against the EMF specification
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).

#include "ecom/emf.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <set>
#include <stdexcept>

namespace ecom::emf {
namespace {

namespace bj = boost::json;

constexpr std::string_view kCatalog = R"({
  "namespace": "Shop",
  "common_dimensions": ["Service", "Environment"],
  "metrics": [
    {"name": "Orders", "service": "orders", "unit": "Count", "kind": "count", "dimension": "Outcome",
     "values": ["confirmed", "rejected"], "source": {"counter": "orders_total", "label": "outcome"}},
    {"name": "Held", "service": "catalog", "unit": "Count", "kind": "gauge", "source": {"gauge": "held"}},
    {"name": "HitRatio", "service": "catalog", "unit": "Percent", "kind": "ratio", "dimension": "Cache",
     "values": ["product"], "source": {"hits": "hits_total", "misses": "misses_total", "label": "cache"}}
  ]
})";

// Every rule of the specification a CloudWatch Logs ingester enforces:
// `_aws` with an integer Timestamp and a CloudWatchMetrics array of
// directives, each with a Namespace, Dimensions (arrays of at most 30
// strings, each naming a top-level string member) and Metrics (at most 100,
// each naming a top-level number, with an allowed unit).
void expect_valid_emf(const std::string& line) {
    SCOPED_TRACE(line);
    boost::system::error_code ec;
    const bj::value doc = bj::parse(line, ec);
    ASSERT_FALSE(ec);
    ASSERT_TRUE(doc.is_object());
    const auto& root = doc.as_object();
    ASSERT_TRUE(root.contains("_aws") && root.at("_aws").is_object());
    const auto& aws = root.at("_aws").as_object();
    ASSERT_TRUE(aws.contains("Timestamp") && aws.at("Timestamp").is_int64());
    EXPECT_GT(aws.at("Timestamp").as_int64(), 0);
    ASSERT_TRUE(aws.contains("CloudWatchMetrics") && aws.at("CloudWatchMetrics").is_array());
    const std::set<std::string> units = {"Seconds", "Microseconds", "Milliseconds", "Bytes",
                                         "Count",   "Percent",      "Count/Second", "None"};
    for (const auto& directive : aws.at("CloudWatchMetrics").as_array()) {
        ASSERT_TRUE(directive.is_object());
        const auto& d = directive.as_object();
        ASSERT_TRUE(d.contains("Namespace") && d.at("Namespace").is_string());
        EXPECT_FALSE(d.at("Namespace").as_string().empty());
        ASSERT_TRUE(d.contains("Dimensions") && d.at("Dimensions").is_array());
        for (const auto& set : d.at("Dimensions").as_array()) {
            ASSERT_TRUE(set.is_array());
            EXPECT_LE(set.as_array().size(), 30U);
            for (const auto& name : set.as_array()) {
                ASSERT_TRUE(name.is_string());
                const auto* member = root.if_contains(name.as_string());
                ASSERT_NE(member, nullptr) << "dimension " << name.as_string() << " has no value";
                EXPECT_TRUE(member->is_string());
            }
        }
        ASSERT_TRUE(d.contains("Metrics") && d.at("Metrics").is_array());
        EXPECT_LE(d.at("Metrics").as_array().size(), 100U);
        EXPECT_FALSE(d.at("Metrics").as_array().empty());
        for (const auto& metric : d.at("Metrics").as_array()) {
            ASSERT_TRUE(metric.is_object());
            const auto& m = metric.as_object();
            ASSERT_TRUE(m.contains("Name") && m.at("Name").is_string());
            const auto* value = root.if_contains(m.at("Name").as_string());
            ASSERT_NE(value, nullptr) << "metric " << m.at("Name").as_string() << " has no value";
            EXPECT_TRUE(value->is_number());
            if (m.contains("Unit")) {
                EXPECT_TRUE(units.contains(std::string(m.at("Unit").as_string())));
            }
        }
    }
}

bj::object parse_object(const std::string& line) {
    return bj::parse(line).as_object();
}

TEST(EmfCatalog, KeepsTheEntriesOfOneServiceOnePerDimensionValue) {
    const auto orders = Catalog::parse(kCatalog, "orders");
    EXPECT_EQ(orders.metric_namespace, "Shop");
    EXPECT_EQ(orders.common_dimensions, (std::vector<std::string>{"Service", "Environment"}));
    ASSERT_EQ(orders.sources.size(), 2U);
    EXPECT_EQ(orders.sources[0].metric, "Orders");
    EXPECT_EQ(orders.sources[0].dimension_name, "Outcome");
    EXPECT_EQ(orders.sources[0].dimension_value, "confirmed");
    EXPECT_EQ(orders.sources[1].dimension_value, "rejected");
    EXPECT_EQ(orders.sources[1].series, "orders_total");
    EXPECT_EQ(orders.sources[1].label, "outcome");

    const auto catalog = Catalog::parse(kCatalog, "catalog");
    ASSERT_EQ(catalog.sources.size(), 2U);
    EXPECT_EQ(catalog.sources[0].kind, Source::Kind::gauge);
    EXPECT_TRUE(catalog.sources[0].dimension_name.empty());
    EXPECT_EQ(catalog.sources[1].kind, Source::Kind::ratio);
    EXPECT_EQ(catalog.sources[1].misses, "misses_total");

    EXPECT_TRUE(Catalog::parse(kCatalog, "nobody").sources.empty());
}

TEST(EmfCatalog, RefusesMalformedEntriesNamingThem) {
    auto message = [](std::string_view json) {
        try {
            (void)Catalog::parse(json, "s");
        } catch (const std::invalid_argument& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    EXPECT_NE(message("[1]").find("not a JSON object"), std::string::npos);
    EXPECT_NE(message(R"({"common_dimensions":[],"metrics":[]})").find("namespace"), std::string::npos);
    EXPECT_NE(message(R"({"namespace":"N","common_dimensions":["Region"],"metrics":[]})").find("common_dimensions"),
              std::string::npos);
    EXPECT_NE(message(R"({"namespace":"N","common_dimensions":[],"metrics":[
        {"name":"M","service":"s","unit":"Count","kind":"histogram","source":{}}]})")
                  .find("metric M: kind"),
              std::string::npos);
    EXPECT_NE(message(R"({"namespace":"N","common_dimensions":[],"metrics":[
        {"name":"M","service":"s","unit":"Count","kind":"count","dimension":"D","values":[],
         "source":{"counter":"c","label":"l"}}]})")
                  .find("needs values"),
              std::string::npos);
    EXPECT_NE(message(R"({"namespace":"N","common_dimensions":[],"metrics":[
        {"name":"M","service":"s","unit":"Count","kind":"count","source":{}}]})")
                  .find("\"counter\""),
              std::string::npos);
}

TEST(EmfCatalog, TheBuiltInCatalogDeclaresEachServicesBusinessMetrics) {
    const auto orders = Catalog::builtin("order-service");
    EXPECT_EQ(orders.metric_namespace, "ECommerce");
    std::set<std::string> names;
    for (const auto& s : orders.sources) {
        names.insert(s.metric);
    }
    EXPECT_EQ(names, (std::set<std::string>{"OrderRefunds", "Orders", "PaymentDeclines", "ReconcilerActions"}));
    names.clear();
    for (const auto& s : Catalog::builtin("product-service").sources) {
        names.insert(s.metric);
    }
    EXPECT_EQ(names, (std::set<std::string>{"ReservationsHeld", "CacheHitRatio"}));
    EXPECT_FALSE(Catalog::builtin("frontend").sources.empty());
}

TEST(EmfReporter, WritesEachIntervalsIncreaseOnlyWhenNonZero) {
    metrics::Registry registry;
    auto& confirmed = registry.counter("orders_total", "orders", {{"outcome", "confirmed"}});
    auto& rejected = registry.counter("orders_total", "orders", {{"outcome", "rejected"}});
    confirmed.inc(3);
    Reporter reporter(Catalog::parse(kCatalog, "orders"), registry, "order-service", "dev");

    auto first = reporter.collect(1'700'000'000'000);
    ASSERT_EQ(first.size(), 1U);  // rejected is still zero: no document
    expect_valid_emf(first[0]);
    auto doc = parse_object(first[0]);
    EXPECT_EQ(doc.at("Orders").to_number<double>(), 3.0);
    EXPECT_EQ(doc.at("Outcome").as_string(), "confirmed");
    EXPECT_EQ(doc.at("Service").as_string(), "order-service");
    EXPECT_EQ(doc.at("Environment").as_string(), "dev");
    EXPECT_EQ(doc.at("_aws").as_object().at("Timestamp").as_int64(), 1'700'000'000'000);
    const auto& directive = doc.at("_aws").as_object().at("CloudWatchMetrics").as_array().at(0).as_object();
    EXPECT_EQ(directive.at("Namespace").as_string(), "Shop");
    EXPECT_EQ(bj::serialize(directive.at("Dimensions")), R"([["Service","Environment","Outcome"]])");

    EXPECT_TRUE(reporter.collect(1'700'000'060'000).empty());  // nothing happened

    confirmed.inc(2);
    rejected.inc();
    auto next = reporter.collect(1'700'000'120'000);
    ASSERT_EQ(next.size(), 2U);
    for (const auto& line : next) {
        expect_valid_emf(line);
    }
    EXPECT_EQ(parse_object(next[0]).at("Orders").to_number<double>(), 2.0);  // the increase, not the total
    EXPECT_EQ(parse_object(next[1]).at("Outcome").as_string(), "rejected");
    EXPECT_EQ(parse_object(next[1]).at("Orders").to_number<double>(), 1.0);
}

TEST(EmfReporter, WritesGaugesEveryIntervalAndRatiosOfTheIntervalsReads) {
    metrics::Registry registry;
    auto& held = registry.gauge("held", "held reservations");
    auto& hits = registry.counter("hits_total", "hits", {{"cache", "product"}});
    auto& misses = registry.counter("misses_total", "misses", {{"cache", "product"}});
    held.set(7);
    hits.inc(9);
    misses.inc(1);
    Reporter reporter(Catalog::parse(kCatalog, "catalog"), registry, "product-service", "prod");

    auto first = reporter.collect(1);
    ASSERT_EQ(first.size(), 2U);  // the gauge alone, the ratio with its dimension
    for (const auto& line : first) {
        expect_valid_emf(line);
    }
    EXPECT_EQ(parse_object(first[0]).at("Held").to_number<double>(), 7.0);
    EXPECT_FALSE(parse_object(first[0]).contains("Cache"));
    EXPECT_DOUBLE_EQ(parse_object(first[1]).at("HitRatio").to_number<double>(), 90.0);

    hits.inc(1);
    misses.inc(3);
    auto second = reporter.collect(2);
    ASSERT_EQ(second.size(), 2U);
    EXPECT_DOUBLE_EQ(parse_object(second[1]).at("HitRatio").to_number<double>(), 25.0);  // this interval's reads

    auto third = reporter.collect(3);  // no reads: no ratio, the gauge still reported
    ASSERT_EQ(third.size(), 1U);
    EXPECT_EQ(parse_object(third[0]).at("Held").to_number<double>(), 7.0);
}

TEST(EmfReporter, ASeriesThatDoesNotExistYetIsZero) {
    metrics::Registry registry;
    Reporter reporter(Catalog::parse(kCatalog, "orders"), registry, "order-service", "dev");
    EXPECT_TRUE(reporter.collect(1).empty());
    registry.counter("orders_total", "orders", {{"outcome", "rejected"}}).inc();
    const auto docs = reporter.collect(2);
    ASSERT_EQ(docs.size(), 1U);
    EXPECT_EQ(parse_object(docs[0]).at("Outcome").as_string(), "rejected");
}

TEST(EmfSettings, IntervalIsOffByDefaultAndBounded) {
    {
        Env env([](const char*) -> const char* { return nullptr; });
        EXPECT_EQ(Settings::from_env(env).interval.count(), 0);
        env.check();
    }
    {
        Env env([](const char* name) -> const char* {
            return std::string_view(name) == "METRICS_EMF_INTERVAL_SECONDS" ? "60" : nullptr;
        });
        EXPECT_EQ(Settings::from_env(env).interval.count(), 60);
        env.check();
    }
    {
        Env env([](const char* name) -> const char* {
            return std::string_view(name) == "METRICS_EMF_INTERVAL_SECONDS" ? "-5" : nullptr;
        });
        (void)Settings::from_env(env);
        EXPECT_THROW(env.check(), ConfigError);
    }
}

}  // namespace
}  // namespace ecom::emf
