// CloudWatch's always-free allowances (prices/us-east-1.json "free_tier"), each against
// figures computed by hand: one negative line per allowance that covers something, all
// of the charge when the environment uses no more than the allowance, else the
// allowance's quantity at the price.

#include <gtest/gtest.h>

#include <stdexcept>

#include "costmodel/error.hpp"
#include "test_support.hpp"

namespace costmodel {
namespace {

using testing::prices;
using testing::resource;
using testing::usd;

Estimate with_free_tier(const std::vector<Resource>& resources, const Usage& usage = Usage{}) {
  PricingOptions options;
  options.hours = Hours::always_on(Decimal::from_int(730));
  options.strict = true;
  options.free_tier = true;
  return price_resources(resources, prices(), usage, options);
}

std::vector<Line> free_lines(const Estimate& estimate) {
  std::vector<Line> lines;
  for (const auto& line : estimate.lines) {
    if (line.type == kFreeTierType) {
      lines.push_back(line);
    }
  }
  return lines;
}

std::vector<Resource> alarms(int count, const char* values = R"({"period":300})") {
  std::vector<Resource> resources;
  for (int i = 0; i < count; ++i) {
    resources.push_back(resource("aws_cloudwatch_metric_alarm", values, "", std::to_string(i)));
  }
  return resources;
}

// A dashboard body with `metrics` metric entries and one metric-math expression.
std::string dashboard_body(int metrics) {
  std::string list;
  for (int i = 0; i < metrics; ++i) {
    list += std::string(list.empty() ? "" : ",") + R"(["AWS/ECS","CPUUtilization","ServiceName","s)" +
        std::to_string(i) + R"("])";
  }
  const std::string body = R"({"widgets":[{"type":"metric","properties":{"metrics":[)" + list +
      R"(,[{"expression":"m1*2","id":"e1"}]]}},{"type":"alarm","properties":{"alarms":["a"]}}]})";
  return boost::json::serialize(boost::json::object{{"dashboard_body", body}});
}

TEST(FreeTier, ThePriceTableKeepsTheAllowancesAsDatedSourcedData) {
  const auto& allowances = prices().free_tier();
  ASSERT_EQ(allowances.size(), 8U);
  const auto* alarm = prices().allowance_for("cloudwatch.alarm_month");
  ASSERT_NE(alarm, nullptr);
  EXPECT_EQ(alarm->quantity, Decimal::from_int(10));
  const auto* dashboards = prices().allowance_for("cloudwatch.dashboard_month");
  ASSERT_NE(dashboards, nullptr);
  EXPECT_EQ(dashboards->quantity, Decimal::from_int(3));
  EXPECT_EQ(dashboards->max_metrics_per_dashboard, Decimal::from_int(50));
  EXPECT_EQ(prices().allowance_for("cloudwatch_logs.ingest_gb")->quantity, Decimal::from_int(5));
  EXPECT_EQ(prices().allowance_for("cloudwatch_logs.storage_gb_month")->quantity, Decimal::from_int(5));
  EXPECT_EQ(prices().allowance_for("cloudwatch.custom_metric_month")->quantity, Decimal::from_int(10));
  EXPECT_EQ(prices().allowance_for("cloudwatch.high_resolution_alarm_month"), nullptr);
  EXPECT_EQ(prices().allowance_for("cloudwatch.composite_alarm_month"), nullptr);
  EXPECT_EQ(prices().allowance_for("data_transfer.internet_out_gb")->quantity, Decimal::from_int(100));
  EXPECT_EQ(prices().allowance_for("xray.million_traces_recorded")->quantity, usd("0.1"));  // 100,000 traces
  for (const auto& allowance : allowances) {
    if (allowance.offsets.rfind("xray.", 0) == 0) {
      EXPECT_EQ(allowance.source.rfind("https://aws.amazon.com/xray/pricing/", 0), 0U) << allowance.name;
      EXPECT_EQ(allowance.read, "2026-12-06") << allowance.name;
      continue;
    }
    if (allowance.offsets.rfind("data_transfer.", 0) == 0) {
      EXPECT_EQ(allowance.source.rfind("https://aws.amazon.com/ec2/pricing/on-demand/", 0), 0U) << allowance.name;
      EXPECT_EQ(allowance.read, "2026-12-06") << allowance.name;
      continue;
    }
    EXPECT_EQ(allowance.source, "https://aws.amazon.com/cloudwatch/pricing/") << allowance.name;
    EXPECT_EQ(allowance.read, "2026-11-27") << allowance.name;
  }
}

TEST(FreeTier, OffUnlessAsked) {
  EXPECT_TRUE(free_lines(testing::price(alarms(3))).empty());
}

TEST(FreeTier, TenAlarmMetricsOfMore) {
  // 32 alarm metrics (dev's): 32 x $0.10 = $3.20, of which 10 x $0.10 = $1.00 free: $2.20.
  const auto estimate = with_free_tier(alarms(32));
  const auto lines = free_lines(estimate);
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_EQ(lines[0].monthly, usd("-1"));
  EXPECT_EQ(lines[0].component, "monitoring");
  EXPECT_EQ(lines[0].detail,
            "free tier: 10 alarm metrics (standard resolution, no Metrics Insights query), per account and month: "
            "10 of the 32 here x $0.1");
  EXPECT_EQ(estimate.total(), usd("2.2"));
  EXPECT_EQ(estimate.free_tier_total(), usd("-1"));
}

TEST(FreeTier, FewerAlarmMetricsThanTheAllowanceAreAllFree) {
  // A metric-math alarm reading 3 metrics and 4 single-metric alarms: 7 x $0.10 = $0.70, all free.
  std::vector<Resource> resources = alarms(4);
  resources.push_back(resource("aws_cloudwatch_metric_alarm",
                               R"({"metric_query":[{"id":"e","expression":"a+b+c"},{"id":"a","metric":[{}]},
                                   {"id":"b","metric":[{}]},{"id":"c","metric":[{}]}]})",
                               "", "math"));
  const auto estimate = with_free_tier(resources);
  ASSERT_EQ(free_lines(estimate).size(), 1U);
  EXPECT_EQ(free_lines(estimate)[0].monthly, usd("-0.7"));
  EXPECT_EQ(estimate.total(), Decimal{});
}

TEST(FreeTier, HighResolutionAndCompositeAlarmsAreNotCovered) {
  // A 10-second alarm ($0.30) and a composite alarm ($0.50): the allowance covers neither.
  const auto estimate = with_free_tier(
      {resource("aws_cloudwatch_metric_alarm", R"({"period":10})"), resource("aws_cloudwatch_composite_alarm", "{}")});
  EXPECT_TRUE(free_lines(estimate).empty());
  EXPECT_EQ(estimate.total(), usd("0.8"));
}

TEST(FreeTier, ThreeDashboards) {
  // 4 dashboards x $3 = $12, 3 of them free: $3 left.
  std::vector<Resource> resources;
  for (const char* index : {"a", "b", "c", "d"}) {
    resources.push_back(resource("aws_cloudwatch_dashboard", "{}", "", index));
  }
  const auto estimate = with_free_tier(resources);
  ASSERT_EQ(free_lines(estimate).size(), 1U);
  EXPECT_EQ(free_lines(estimate)[0].monthly, usd("-9"));
  EXPECT_EQ(free_lines(estimate)[0].detail,
            "free tier: 3 dashboards (up to 50 metrics each), per account and month: 3 of the 4 here x $3");
  EXPECT_EQ(estimate.total(), usd("3"));
}

TEST(FreeTier, OnlyDashboardsOfUpTo50MetricsAreCovered) {
  // 50 metrics (the expression is not one) is within the allowance; 51 is not.
  const auto within = with_free_tier({resource("aws_cloudwatch_dashboard", dashboard_body(50))});
  EXPECT_EQ(within.lines[0].detail, "dashboard: $3/month (50 metrics)");
  EXPECT_EQ(within.total(), Decimal{});
  const auto over = with_free_tier({resource("aws_cloudwatch_dashboard", dashboard_body(51))});
  EXPECT_EQ(over.lines[0].detail, "dashboard: $3/month (51 metrics)");
  EXPECT_TRUE(free_lines(over).empty());
  EXPECT_EQ(over.total(), usd("3"));
}

TEST(FreeTier, FiveGbOfLogIngestionAndFiveOfArchivedLogs) {
  // Dev's 6 log groups (usage-dev.json): 4 x 0.2 GB + 2 x 0.01 GB = 0.82 GB ingested,
  // $0.41; stored 4 x 0.046027 + 2 x 0.002301 = 0.18871 GB, $0.005662 (each group's
  // 0.046027 GB x $0.03 = $0.001381, 0.002301 GB x $0.03 = $0.000069): all free.
  Usage usage;
  usage.log_ingest_gb_by_group = {{"quiet-a", usd("0.01")}, {"quiet-b", usd("0.01")}};
  std::vector<Resource> groups;
  for (const char* name : {"a", "b", "c", "d", "quiet-a", "quiet-b"}) {
    groups.push_back(resource("aws_cloudwatch_log_group",
                              std::string(R"({"name":")") + name + R"(","retention_in_days":7})", "", name));
  }
  const auto estimate = with_free_tier(groups, usage);
  const auto lines = free_lines(estimate);
  ASSERT_EQ(lines.size(), 2U);
  EXPECT_EQ(lines[0].monthly, usd("-0.41"));
  EXPECT_EQ(lines[0].detail, "free tier: 5 GB of log ingestion, per account and month: all 0.82 here");
  EXPECT_EQ(lines[1].monthly, usd("-0.005662"));
  EXPECT_EQ(lines[1].detail, "free tier: 5 GB of archived logs, per account and month: all 0.18871 here");
  EXPECT_EQ(estimate.component_total("logs"), Decimal{});
}

TEST(FreeTier, LogsBeyondTheAllowancePayForTheRest) {
  // Prod's 5 groups of 1 GB and 30 days: 5 GB ingested, all free ($2.50); stored
  // 5 x 0.986301 = 4.931505 GB, all free. At 2 GB a group: 10 GB ingested = $5.00, of which
  // 5 GB x $0.50 = $2.50 free; stored 5 x 1.972603 = 9.863015 GB = $0.295890, of which
  // 5 GB x $0.03 = $0.15 free.
  Usage usage;
  usage.log_ingest_gb = Decimal::from_int(2);
  std::vector<Resource> groups;
  for (const char* name : {"a", "b", "c", "d", "e"}) {
    groups.push_back(resource("aws_cloudwatch_log_group",
                              std::string(R"({"name":")") + name + R"(","retention_in_days":30})", "", name));
  }
  const auto estimate = with_free_tier(groups, usage);
  const auto lines = free_lines(estimate);
  ASSERT_EQ(lines.size(), 2U);
  EXPECT_EQ(lines[0].monthly, usd("-2.5"));
  EXPECT_EQ(lines[0].detail, "free tier: 5 GB of log ingestion, per account and month: 5 of the 10 here x $0.5");
  EXPECT_EQ(lines[1].monthly, usd("-0.15"));
  EXPECT_EQ(estimate.component_total("logs"), usd("5.295890") - usd("2.5") - usd("0.15"));
}

TEST(FreeTier, AnAllowanceMustOffsetAPriceOfTheTable) {
  const auto table = [](const char* offsets) {
    return std::string(R"({"region":"us-east-1","as_of":"2026-11-27","prices":{"a":{"usd":1,"unit":"u",
        "source":"https://example.com/","read":"2026-11-27"}},"free_tier":{"allowances":{"x":{"quantity":1,
        "unit":"things","offsets":")") +
        offsets + R"(","source":"https://example.com/","read":"2026-11-27"}}}})";
  };
  EXPECT_EQ(PriceTable::parse(table("a"), "t.json").free_tier().size(), 1U);
  try {
    (void)PriceTable::parse(table("b"), "t.json");
    FAIL();
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("'offsets' names 'b', which is not a price of the table"),
              std::string::npos);
  }
}

}  // namespace
}  // namespace costmodel
