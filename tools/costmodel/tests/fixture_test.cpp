// The hand-made plan fixtures (fixtures/plan-*.json, the shape of `terraform show -json`
// for terraform/ with envs/*.tfvars) priced end to end. The figures are the ones
// README.md explains line by line.

#include <gtest/gtest.h>

#include <algorithm>

#include "costmodel/environment.hpp"
#include "costmodel/scenarios.hpp"
#include "test_support.hpp"

namespace costmodel {
namespace {

using testing::prices;
using testing::source_path;
using testing::usd;

struct Fixture {
  std::vector<Resource> plan;
  EnvironmentSpec spec;
  Usage usage;
};

Fixture load(const std::string& env) {
  return Fixture{load_plan_file(source_path("fixtures/plan-" + env + ".json")),
                 load_spec_file(source_path("fixtures/tfvars-" + env + ".json")),
                 Usage::load_file(source_path("fixtures/usage-" + env + ".json"))};
}

Estimate estimate(const Fixture& f, ScheduleMode mode, bool free_tier = false) {
  PricingOptions options;
  options.free_tier = free_tier;
  options.hours = hours_for(f.spec, mode, ScheduleSettings{});
  options.default_az_count = f.spec.az_count;
  options.endpoint_az_count = std::min(f.spec.interface_endpoint_az_count, f.spec.az_count);
  options.strict = true;  // every resource type of the plan is known
  return price_resources(f.plan, prices(), f.usage, options);
}

TEST(Fixtures, DevTfvarsScheduleIs50HoursAWeek) {
  const Fixture dev = load("dev");
  ASSERT_TRUE(dev.spec.scheduler_weekly_hours);
  EXPECT_EQ(*dev.spec.scheduler_weekly_hours, Decimal::from_int(50));  // Mon-Fri 08:00-18:00
  EXPECT_EQ(hours_for(dev.spec, ScheduleMode::AsConfigured, ScheduleSettings{}).instances, usd("217.261905"));
  EXPECT_FALSE(dev.spec.business_alarms);  // enable_business_alarms = false
  EXPECT_FALSE(dev.spec.task_alarms);      // enable_task_alarms = false
}

TEST(Fixtures, DevAsScheduled) {
  const auto result = estimate(load("dev"), ScheduleMode::AsConfigured, true);
  EXPECT_TRUE(result.warnings.empty());
  EXPECT_EQ(result.total().to_string(2), "38.66");
  EXPECT_EQ(result.component_total("load balancing"), usd("23.956264"));  // always on: 16.425 + 0.231264 + 7.30
  EXPECT_EQ(result.component_total("compute").to_string(2), "1.93");      // 3 Spot tasks x 217.26 h
  EXPECT_EQ(result.component_total("database").to_string(2), "5.78");     // 217.26 h x $0.016 + 20 GB x $0.115
  // $4.40 of alarms and dashboard less the free tier's $4, the custom metrics' $2.14 less
  // their free tier, and the cost report's Cost Explorer requests $0.04.
  EXPECT_EQ(result.component_total("monitoring").to_string(2), "0.44");
  // At list prices (--no-free-tier): + data transfer out 26.28 GB x $0.09 = 2.3652, which
  // the account's free 100 GB covers above.
  EXPECT_EQ(estimate(load("dev"), ScheduleMode::AsConfigured).total().to_string(2), "47.58");
}

TEST(Fixtures, Dev24x7) {
  const auto result = estimate(load("dev"), ScheduleMode::AlwaysOn, true);
  EXPECT_EQ(result.total().to_string(2), "60.33");
  EXPECT_EQ(result.component_total("compute"), usd("6.487875"));  // 3 x $7.20875 x 0.3
  EXPECT_EQ(estimate(load("dev"), ScheduleMode::AlwaysOn).total().to_string(2), "70.11");
}

TEST(Fixtures, Prod24x7) {
  const auto result = estimate(load("prod"), ScheduleMode::AsConfigured);
  EXPECT_EQ(result.total().to_string(2), "442.15");
  EXPECT_EQ(result.component_total("security services"), usd("14.50"));  // GuardDuty, Config, Security Hub
  EXPECT_EQ(result.component_total("compute"), usd("86.505"));           // 6 x (0.5 vCPU, 1 GB) ARM on-demand (base 2)
  // 3 NAT gateways 98.55 + 50 GB 2.25 + 3 EIPs 10.95 + 5 endpoints x 2 AZ x 7.30 + 25 GB x $0.01
  EXPECT_EQ(result.component_total("network"), usd("185"));
  EXPECT_EQ(result.component_total("database"), usd("34.86"));  // Multi-AZ 23.36 + 50 GB x 0.115 x 2
  // Container Insights is on, and priced: its metrics and performance logs.
  EXPECT_TRUE(result.warnings.empty());
  EXPECT_TRUE(std::any_of(result.lines.begin(), result.lines.end(), [](const Line& l) {
    return l.detail.rfind("Container Insights metrics (cluster", 0) == 0 && l.monthly == usd("22.20");
  }));
}

TEST(Fixtures, PlanAndTfvarsAgree) {
  // The what-if baseline (resources derived from the tfvars) prices the same as the plan,
  // with the free tier and without.
  for (const std::string env : {"dev", "prod"}) {
    const Fixture f = load(env);
    for (const bool free_tier : {false, true}) {
      const auto scenarios = what_if(f.spec, prices(), f.usage, ScheduleSettings{}, {"24x7"}, free_tier);
      EXPECT_EQ(scenarios[0].estimate.total(), estimate(f, ScheduleMode::AsConfigured, free_tier).total()) << env;
      EXPECT_EQ(scenarios[1].estimate.total(), estimate(f, ScheduleMode::AlwaysOn, free_tier).total()) << env;
    }
  }
}

TEST(Fixtures, FreeResourcesAreCountedNotPriced) {
  const auto result = estimate(load("dev"), ScheduleMode::AlwaysOn);
  EXPECT_GT(result.free_resources.size(), 100U);
  for (const auto& line : result.lines) {
    EXPECT_NE(line.type, "aws_iam_role") << line.address;
  }
}

}  // namespace
}  // namespace costmodel
