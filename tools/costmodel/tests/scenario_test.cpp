#include "costmodel/scenarios.hpp"

#include <gtest/gtest.h>

#include "costmodel/error.hpp"
#include "test_support.hpp"

namespace costmodel {
namespace {

using testing::prices;
using testing::usd;

EnvironmentSpec dev_spec() {
  return spec_from_tfvars(boost::json::parse(R"({"environment":"dev","availability_zones":["us-east-1a","us-east-1b"],
      "nat_strategy":"single","db_instance_class":"db.t4g.micro","log_retention_days":14})").as_object(),
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

TEST(Scenarios, DevBaselineWithNatGatewayIsAbout98) {
  // 3 tasks 21.63 + ALB 16.43 + LCU 0.23 + 2 IPv4 7.30 + NAT 33.08 + its EIP 3.65
  // + RDS 11.68 + 2.30 + logs 0.31 + ECR 0.09 + S3 0.02 + 3 secrets 1.20
  const auto scenarios = what_if(dev_spec(), prices(), Usage{}, ScheduleSettings{}, {"24x7"});
  EXPECT_EQ(scenarios[0].estimate.total().to_string(2), "97.91");
  EXPECT_EQ(scenarios[1].estimate.total(), scenarios[0].estimate.total());
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

TEST(Scenarios, LeanDevIsAbout36) {
  const auto scenarios = what_if(dev_spec(), prices(), Usage{}, ScheduleSettings{}, {"lean", "business-hours+alb"});
  EXPECT_EQ(scenarios[1].estimate.total().to_string(2), "35.92");
  EXPECT_LT(scenarios[2].estimate.total(), scenarios[0].estimate.total());
}

TEST(Scenarios, SchedulerOnInTfvarsMakesBusinessHoursTheBaseline) {
  EnvironmentSpec spec = dev_spec();
  spec.scheduler = true;
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
  EXPECT_THROW(bad(R"({"fargate_spot_share":1.5})")(), InputError);
  EXPECT_THROW(bad(R"({"log_retention_days":-1})")(), InputError);
  EXPECT_THROW(bad(R"({"db_multi_az":"maybe"})")(), InputError);
  EXPECT_THROW(bad(R"({"services":{"a":{"desired_count":-2}}})")(), InputError);
}

}  // namespace
}  // namespace costmodel
