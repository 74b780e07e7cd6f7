#include "costmodel/scenarios.hpp"

#include <gtest/gtest.h>

#include "costmodel/error.hpp"
#include "costmodel/schedule.hpp"
#include "test_support.hpp"

namespace costmodel {
namespace {

using testing::prices;
using testing::usd;

// A dev environment with a NAT gateway and on-demand tasks, 24/7: the design's first figure.
EnvironmentSpec dev_spec() {
  return spec_from_tfvars(boost::json::parse(R"({"environment":"dev","availability_zone_count":2,
      "nat_strategy":"single","db_instance_class":"db.t4g.micro","log_retention_days":14,
      "enable_slo_alarms":false,"cost_spike_alarm_usd":5,
      "capacity_provider_strategy":{"on_demand_base":0,"on_demand_weight":1,"spot_weight":0}})")
                              .as_object(),
                          "dev.json");
}

const Scenario& find(const std::vector<Scenario>& scenarios, const std::string& name) {
  for (const auto& scenario : scenarios) {
    if (scenario.name == name) {
      return scenario;
    }
  }
  throw std::runtime_error("no scenario " + name);
}

TEST(Scenarios, BaselineFirstThenEveryLever) {
  const auto scenarios = what_if(dev_spec(), prices(), Usage{}, ScheduleSettings{}, {});
  ASSERT_EQ(scenarios.size(), scenario_names().size() + 1);
  EXPECT_EQ(scenarios.front().name, "baseline");
}

TEST(Scenarios, DevWithNatGatewayOnDemand24x7IsAbout111) {
  // 3 tasks 21.62625 + ALB 16.425 + LCUs 0.231264 + 2 ALB IPv4 7.30 + NAT gateway
  // 33.075 + its EIP 3.65 + RDS 11.68 + 2.30 + 5 log groups 5 x 0.102762 + ECR 0.09
  // + S3 0.023 + 7 secrets 2.80 + KMS 1.00 + 17 alarm metrics 1.70 = 102.414324, and
  // the observability of modules/monitoring without the SLO alarms: a dashboard 3.00
  // and 14 business, restart and cost-spike alarm metrics 1.40: 106.814324; and the
  // services' target tracking (min 1 < max 2 by default): per service a CPU policy (2
  // alarms x 1 metric) and a requests policy (2 alarms x 2 metrics, blue + green) =
  // 6 alarm metrics, 18 x $0.10 = 1.80: 108.614324; and the ALB's responses out to the
  // internet, 0.5 req/s x 3,600 s x 730 h x 20 KB = 26.28 GB x $0.09 = 2.3652: 110.979524;
  // and the custom metrics, every hour: 21 EMF series + 3 ServiceStarts filters = 24 x
  // $0.30 = 7.20: 118.179524
  const auto scenarios = what_if(dev_spec(), prices(), Usage{}, ScheduleSettings{}, {"24x7", "naive"});
  EXPECT_EQ(scenarios[0].estimate.total(), usd("118.179524"));
  EXPECT_EQ(scenarios[1].estimate.total(), scenarios[0].estimate.total());
  EXPECT_EQ(scenarios[2].estimate.total(), scenarios[0].estimate.total());
}

TEST(Scenarios, EachLeverMovesTheTotalByItsHandComputedAmount) {
  const auto scenarios = what_if(dev_spec(), prices(), Usage{}, ScheduleSettings{}, {});
  const Decimal base = scenarios.front().estimate.total();
  // NAT gateway + EIP (33.075 + 3.65) vs NAT instance (3.066 + 0.64 + 3.65): -29.369
  EXPECT_EQ(find(scenarios, "nat-instance").estimate.total() - base, usd("-29.369"));
  // A second gateway and EIP, with the 5 GB split between them: +32.85 + 3.65
  EXPECT_EQ(find(scenarios, "nat-per_az").estimate.total() - base, usd("36.5"));
  // Multi-AZ doubles instance hours and storage: +11.68 + 2.30
  EXPECT_EQ(find(scenarios, "rds-multi-az").estimate.total() - base, usd("13.98"));
  // x86: 3 x (9.010025 - 7.20875)
  EXPECT_EQ(find(scenarios, "x86_64").estimate.total() - base, usd("5.403825"));
  // All Spot: 3 x 7.20875 x 0.7
  EXPECT_EQ(find(scenarios, "spot-100").estimate.total() - base, usd("-15.138375"));
  // No NAT: 5 endpoints x 2 AZ x 7.30 + 5 x 1 GB x $0.01 - (33.075 + 3.65)
  EXPECT_EQ(find(scenarios, "nat-none").estimate.total() - base, usd("36.325"));
}

TEST(Scenarios, LeanDevIsAbout49) {
  // Scenarios come in lever order: baseline, business-hours+alb, lean.
  const auto scenarios = what_if(dev_spec(), prices(), Usage{}, ScheduleSettings{}, {"lean", "business-hours+alb"});
  ASSERT_EQ(scenarios[2].name, "lean");
  // 44.73 before target tracking was priced, + its 18 alarm metrics x $0.10 = 1.80, +
  // data transfer out 26.28 GB x $0.09 = 2.3652, + the custom metrics for the 217.261905
  // hours the tasks run, 7.142857 metric-months x $0.30 = 2.142857, + the refunds-refused
  // alarm's metric 0.10
  EXPECT_EQ(scenarios[2].estimate.total().to_string(2), "51.14");
  EXPECT_LT(scenarios[1].estimate.total(), scenarios[0].estimate.total());
}

TEST(Scenarios, AlbTeardownSavesItsHoursAndAddresses) {
  // business-hours+alb - business-hours = (730 - 217.261905) h x ($0.0225 + $0.008 x 0.0396 + 2 x $0.005
  // + 0.036 GB of responses an hour x $0.09): no ALB, no requests and no data transfer out
  const auto scenarios =
      what_if(dev_spec(), prices(), Usage{}, ScheduleSettings{}, {"business-hours", "business-hours+alb"});
  const Decimal saved = scenarios[1].estimate.total() - scenarios[2].estimate.total();
  EXPECT_EQ(saved.to_string(2), "18.49");
}

TEST(Scenarios, SchedulerOnInTfvarsMakesBusinessHoursTheBaseline) {
  EnvironmentSpec spec = dev_spec();
  spec.scheduler_weekly_hours = Decimal::from_int(50);
  // Scenarios come in lever order: baseline, 24x7, business-hours.
  const auto scenarios = what_if(spec, prices(), Usage{}, ScheduleSettings{}, {"business-hours", "24x7"});
  ASSERT_EQ(scenarios[2].name, "business-hours");
  EXPECT_EQ(scenarios[0].estimate.total(), scenarios[2].estimate.total());
  EXPECT_GT(scenarios[1].estimate.total(), scenarios[0].estimate.total());
}

TEST(Scenarios, UnknownScenarioIsNamed) {
  try {
    (void)what_if(dev_spec(), prices(), Usage{}, ScheduleSettings{}, {"nat-magic"});
    FAIL();
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("unknown scenario 'nat-magic'"), std::string::npos);
  }
}

TEST(Tfvars, BadValuesAreNamed) {
  const auto bad = [](const char* json) {
    return [json] { (void)spec_from_tfvars(boost::json::parse(json).as_object(), "vars.json"); };
  };
  EXPECT_THROW(bad(R"({"nat_strategy":"double"})")(), InputError);
  EXPECT_THROW(bad(R"({"capacity_provider_strategy":{"on_demand_weight":0,"spot_weight":0}})")(), InputError);
  EXPECT_THROW(bad(R"({"capacity_provider_strategy":{"on_demand_base":-1}})")(), InputError);
  EXPECT_THROW(bad(R"({"scheduler":{"enabled":true,"start_schedule":"every morning"}})")(), InputError);
  EXPECT_THROW(bad(R"({"availability_zone_count":9})")(), InputError);
  EXPECT_THROW(bad(R"({"log_retention_days":-1})")(), InputError);
  EXPECT_THROW(bad(R"({"db_multi_az":"maybe"})")(), InputError);
  EXPECT_THROW(bad(R"({"services":{"a":{"desired_count":-2}}})")(), InputError);
}

}  // namespace
}  // namespace costmodel

namespace costmodel {
namespace {

TEST(Cron, WeeklyHoursOfBusinessHourSchedules) {
  EXPECT_EQ(weekly_on_hours("cron(0 8 ? * MON-FRI *)", "cron(0 18 ? * * *)"), Decimal::from_int(50));
  EXPECT_EQ(weekly_on_hours("cron(0 7 ? * MON-FRI *)", "cron(0 20 ? * MON-FRI *)"), Decimal::from_int(65));
  EXPECT_EQ(weekly_on_hours("cron(30 8 ? * 2-6 *)", "cron(0 17 ? * 2-6 *)"), *Decimal::parse("42.5"));
  EXPECT_EQ(weekly_on_hours("cron(0 10 ? * SAT,SUN *)", "cron(0 12 ? * * *)"), Decimal::from_int(4));
  // Started on Friday night, stopped on Monday morning: the state carries over the week end.
  EXPECT_EQ(weekly_on_hours("cron(0 22 ? * FRI *)", "cron(0 6 ? * MON *)"), Decimal::from_int(56));
}

TEST(Cron, UnsupportedExpressionsAreNamed) {
  EXPECT_THROW((void)weekly_on_hours("rate(1 hour)", "cron(0 18 ? * * *)"), InputError);
  EXPECT_THROW((void)weekly_on_hours("cron(0 25 ? * * *)", "cron(0 18 ? * * *)"), InputError);
  EXPECT_THROW((void)weekly_on_hours("cron(0 8 1 * ? *)", "cron(0 18 ? * * *)"), InputError);
  EXPECT_THROW((void)weekly_on_hours("cron(0 8 ? * FUNDAY *)", "cron(0 18 ? * * *)"), InputError);
}

}  // namespace
}  // namespace costmodel

namespace costmodel {
namespace {

std::size_t count_type(const std::vector<Resource>& resources, const std::string& type) {
  return static_cast<std::size_t>(
      std::count_if(resources.begin(), resources.end(), [&](const Resource& r) { return r.type == type; }));
}

TEST(TargetTracking, OnlyWhereMaxCountExceedsMinCount) {
  // modules/ecs creates the CPU and requests policies only where max_count > min_count.
  const auto pinned = spec_from_tfvars(boost::json::parse(R"({"services":{
      "frontend":{"min_count":1,"max_count":1},"product-service":{"min_count":1,"max_count":3}}})")
                                           .as_object(),
                                       "t.json");
  const auto resources = synthesize_resources(pinned);
  EXPECT_EQ(count_type(resources, "aws_appautoscaling_policy"), 2U);  // product-service's two
  const auto estimate = price_resources(resources, prices(), Usage{}, PricingOptions{});
  // product-service: 2 alarms x 1 metric + 2 alarms x 2 metrics = 6 x $0.10
  Decimal tracking;
  for (const auto& line : estimate.lines) {
    if (line.detail.rfind("target tracking", 0) == 0) {
      tracking += line.monthly;
    }
  }
  EXPECT_EQ(tracking, usd("0.60"));
}

TEST(TargetTracking, MaxCountBelowMinCountIsRefused) {
  EXPECT_THROW(
      spec_from_tfvars(boost::json::parse(R"({"services":{"frontend":{"min_count":2,"max_count":1}}})").as_object(),
                       "t.json"),
      InputError);
}

}  // namespace
}  // namespace costmodel
