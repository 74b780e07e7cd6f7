// Each formula against figures computed by hand (README.md shows the same steps).

#include <gtest/gtest.h>

#include "costmodel/error.hpp"
#include "test_support.hpp"

namespace costmodel {
namespace {

using testing::price;
using testing::prices;
using testing::resource;
using testing::usd;

const char* kArmTask = R"({"family":"dev-frontend","cpu":"256","memory":"512",
  "runtime_platform":[{"cpu_architecture":"ARM64","operating_system_family":"LINUX"}]})";
const char* kX86Task = R"({"family":"dev-frontend","cpu":"256","memory":"512",
  "runtime_platform":[{"cpu_architecture":"X86_64","operating_system_family":"LINUX"}]})";

Estimate price_service(const char* task, const std::string& service_values,
                       Hours hours = Hours::always_on(Decimal::from_int(730))) {
  return price({resource("aws_ecs_task_definition", task, "module.ecs", "frontend"),
                resource("aws_ecs_service", service_values, "module.ecs", "frontend")},
               hours);
}

TEST(Formula, AlbHoursAre730TimesTheHourlyPrice) {
  const auto estimate = price({resource("aws_lb", R"({"load_balancer_type":"application","internal":true})")});
  ASSERT_EQ(estimate.lines.size(), 2U);                 // hours and LCUs; internal: no public IPv4
  EXPECT_EQ(estimate.lines[0].monthly, usd("16.425"));  // 730 h x $0.0225
  EXPECT_EQ(estimate.lines[0].monthly.to_string(2), "16.43");
}

TEST(Formula, AlbLcusFollowTheLargestDimension) {
  // 0.5 req/s x 3,600 s x (2 + 20) KB = 39,600 KB = 0.0396 GB/h -> 0.0396 LCU;
  // new connections 0.05/s / 25 = 0.002; active 0.05 x 30 s / 3,000 = 0.0005.
  const LcuBreakdown lcu = alb_lcu_per_hour(AlbTraffic{});
  EXPECT_EQ(lcu.processed_gb, usd("0.0396"));
  EXPECT_EQ(lcu.new_connections, usd("0.002"));
  EXPECT_EQ(lcu.active_connections, usd("0.0005"));
  EXPECT_EQ(lcu.rule_evaluations, Decimal{});  // 3 rules: the first 10 are free
  const auto estimate = price({resource("aws_lb", R"({"internal":true})")});
  EXPECT_EQ(estimate.lines[1].monthly, usd("0.231264"));  // 0.0396 x 730 x $0.008
  EXPECT_EQ(estimate.lines.size(), 2U);                   // internal: no public addresses, no data transfer out
}

TEST(Formula, InternetFacingAlbPaysOnePublicIpv4PerSubnet) {
  const auto estimate = price({resource("aws_lb", R"({"subnets":["a","b"]})")});
  ASSERT_EQ(estimate.lines.size(), 4U);
  // Its responses leave AWS: 0.5 req/s x 3,600 s x 730 h x 20 KB = 26.28 GB x $0.09.
  // (listed last: lines are in component order, data transfer after load balancing)
  EXPECT_EQ(estimate.lines[3].monthly, usd("2.3652"));
  EXPECT_EQ(estimate.lines[3].component, "data transfer");
  EXPECT_EQ(estimate.lines[2].monthly, usd("7.3"));  // 2 x 730 h x $0.005
}

TEST(Formula, SmallArmTaskIs721AMonth) {
  // (0.25 vCPU x $0.03238 + 0.5 GB x $0.00356) x 730 h = $0.009875/h x 730 = $7.20875
  const auto estimate = price_service(kArmTask, R"({"name":"frontend","desired_count":1,"launch_type":"FARGATE"})");
  ASSERT_EQ(estimate.lines.size(), 1U);
  EXPECT_EQ(estimate.lines[0].monthly, usd("7.20875"));
  EXPECT_EQ(estimate.lines[0].monthly.to_string(2), "7.21");
}

TEST(Formula, SmallX86TaskIs901AMonth) {
  // (0.25 x $0.04048 + 0.5 x $0.004445) x 730 = $0.0123425/h x 730 = $9.010025
  const auto estimate = price_service(kX86Task, R"({"name":"frontend","desired_count":1})");
  EXPECT_EQ(estimate.lines[0].monthly, usd("9.010025"));
  EXPECT_EQ(estimate.lines[0].monthly.to_string(2), "9.01");
}

TEST(Formula, SpotTaskIs70PercentBelowOnDemand) {
  const auto estimate = price_service(kArmTask, R"({"name":"frontend","desired_count":1,
        "capacity_provider_strategy":[{"capacity_provider":"FARGATE_SPOT","weight":1,"base":0}]})");
  EXPECT_EQ(estimate.lines[0].monthly, usd("2.162625"));  // $7.20875 x 0.3
}

TEST(Formula, SpotTaskAtTheWorstCaseIs50PercentBelowOnDemand) {
  // The high end of the Spot range: $7.20875 x 0.5 = $3.604375; the detail says so.
  PricingOptions options;
  options.strict = true;
  options.spot_worst_case = true;
  const auto estimate = price_resources({resource("aws_ecs_task_definition", kArmTask, "module.ecs", "frontend"),
                                         resource("aws_ecs_service", R"({"name":"frontend","desired_count":1,
        "capacity_provider_strategy":[{"capacity_provider":"FARGATE_SPOT","weight":1,"base":0}]})",
                                                  "module.ecs", "frontend")},
                                        prices(), Usage{}, options);
  EXPECT_EQ(estimate.lines[0].monthly, usd("3.604375"));
  EXPECT_NE(estimate.lines[0].detail.find("Spot at 50% off"), std::string::npos);
}

TEST(Formula, CapacityShareHonoursBaseThenWeights) {
  // 3 tasks: base 1 on FARGATE, the other 2 split 1:3 -> 0.5 + 1.5.
  const auto strategy = boost::json::parse(R"([{"capacity_provider":"FARGATE","weight":1,"base":1},
                                               {"capacity_provider":"FARGATE_SPOT","weight":3,"base":0}])")
                            .as_array();
  const CapacityShare share = capacity_share(Decimal::from_int(3), strategy);
  EXPECT_EQ(share.on_demand_tasks, usd("1.5"));
  EXPECT_EQ(share.spot_tasks, usd("1.5"));
}

TEST(Formula, BusinessHoursAre50Of168HoursOfTheMonth) {
  const Hours hours = Hours::business_hours(Decimal::from_int(730), Decimal::from_int(50));
  EXPECT_EQ(hours.tasks, usd("217.261905"));
  EXPECT_EQ(hours.instances, usd("217.261905"));  // 730 x 50 / 168
  const auto estimate = price_service(kArmTask, R"({"name":"frontend","desired_count":1})", hours);
  EXPECT_EQ(estimate.lines[0].monthly, usd("2.145461"));  // $0.009875 x 217.261905
}

TEST(Formula, EphemeralStorageAbove20GbIsCharged) {
  const auto estimate = price_service(R"({"family":"dev-frontend","cpu":"256","memory":"512",
      "runtime_platform":[{"cpu_architecture":"ARM64"}],"ephemeral_storage":[{"size_in_gib":30}]})",
                                      R"({"name":"frontend","desired_count":1})");
  // $7.20875 + 10 GB x $0.000111 x 730 h = $7.20875 + $0.8103
  EXPECT_EQ(estimate.lines[0].monthly, usd("8.01905"));
}

TEST(Formula, NatGatewayHoursAndData) {
  const auto estimate = price({resource("aws_nat_gateway", "{}"), resource("aws_eip", R"({"domain":"vpc"})")});
  EXPECT_EQ(estimate.lines[0].monthly, usd("33.075"));  // 730 x $0.045 + 5 GB x $0.045
  EXPECT_EQ(estimate.lines[1].monthly, usd("3.65"));    // 730 x $0.005
}

TEST(Formula, NatInstanceWithItsVolumeAndAddress) {
  const auto estimate = price({resource("aws_instance", R"({"instance_type":"t4g.nano","source_dest_check":false,
      "associate_public_ip_address":true,"root_block_device":[{"volume_size":8,"volume_type":"gp3"}]})")});
  ASSERT_EQ(estimate.lines.size(), 3U);
  EXPECT_EQ(estimate.lines[0].monthly, usd("3.066"));  // 730 x $0.0042
  EXPECT_EQ(estimate.lines[1].monthly, usd("0.64"));   // 8 GB x $0.08
  EXPECT_EQ(estimate.lines[2].monthly, usd("3.65"));   // its public IPv4
  EXPECT_EQ(estimate.lines[0].component, "network");
}

TEST(Formula, InterfaceEndpointPerAzAndGatewayEndpointFree) {
  const auto estimate = price({resource("aws_vpc_endpoint", R"({"vpc_endpoint_type":"Interface",
      "service_name":"com.amazonaws.us-east-1.logs","subnet_ids":["a","b"]})"),
                               resource("aws_vpc_endpoint", R"({"service_name":"com.amazonaws.us-east-1.s3"})")});
  EXPECT_EQ(estimate.lines[0].monthly, usd("14.61"));  // 2 AZ x 730 x $0.01 + 1 GB x $0.01
  EXPECT_EQ(estimate.lines[1].monthly, Decimal{});
}

TEST(Formula, RdsSingleAndMultiAz) {
  const auto single = price({resource("aws_db_instance", R"({"engine":"postgres","instance_class":"db.t4g.micro",
      "allocated_storage":20,"storage_type":"gp3","multi_az":false})")});
  EXPECT_EQ(single.lines[0].monthly, usd("11.68"));  // 730 x $0.016
  EXPECT_EQ(single.lines[1].monthly, usd("2.3"));    // 20 GB x $0.115
  const auto multi = price({resource("aws_db_instance", R"({"engine":"postgres","instance_class":"db.t4g.micro",
      "allocated_storage":20,"storage_type":"gp3","multi_az":true})")});
  EXPECT_EQ(multi.lines[0].monthly, usd("23.36"));
  EXPECT_EQ(multi.lines[1].monthly, usd("4.6"));
}

TEST(Formula, RdsStorageIsPaidWhileTheInstanceIsStopped) {
  const auto estimate = price({resource("aws_db_instance", R"({"instance_class":"db.t4g.micro",
      "allocated_storage":20,"storage_type":"gp3"})")},
                              Hours::business_hours(Decimal::from_int(730), Decimal::from_int(50)));
  EXPECT_EQ(estimate.lines[0].monthly, usd("3.476190"));  // 217.261905 h x $0.016
  EXPECT_EQ(estimate.lines[1].monthly, usd("2.3"));
}

TEST(Formula, LogGroupIngestionAndRetainedStorage) {
  // 0.2 GB x $0.50 + (0.2 GB x 14 / 30.416667 days) x $0.03
  const auto estimate = price({resource("aws_cloudwatch_log_group", R"({"name":"/ecs/dev/frontend",
      "retention_in_days":14})")});
  EXPECT_EQ(estimate.lines[0].monthly, usd("0.102762"));
  const auto forever = price({resource("aws_cloudwatch_log_group", R"({"name":"/ecs/dev/frontend"})")});
  EXPECT_EQ(forever.lines[0].monthly, usd("0.172"));  // 0.1 + 0.2 x 12 months x $0.03
}

TEST(Formula, FlatMonthlyItems) {
  const auto estimate = price({resource("aws_secretsmanager_secret", "{}"), resource("aws_kms_key", "{}"),
                               resource("aws_ecr_repository", "{}"), resource("aws_s3_bucket", "{}"),
                               resource("aws_cloudwatch_metric_alarm", R"({"period":300})")});
  EXPECT_EQ(estimate.component_total("security"), usd("1.4"));
  EXPECT_EQ(estimate.component_total("storage"), usd("0.053"));  // 0.3 GB x $0.10 + 1 GB x $0.023
  EXPECT_EQ(estimate.component_total("monitoring"), usd("0.1"));
}

TEST(Formula, WafAclRulesAndRequests) {
  const auto estimate = price({resource("aws_wafv2_web_acl", R"({"rule":[{"name":"a"},{"name":"b"},{"name":"c"}]})")});
  EXPECT_EQ(estimate.lines[0].monthly, usd("8.78"));  // $5 + 3 x $1 + 1.3M x $0.60
}

TEST(Pricing, KnownFreeTypesCostNothingAndAreListed) {
  const auto estimate =
      price({resource("aws_vpc", "{}"), resource("aws_iam_role", "{}"), resource("random_password", "{}")});
  EXPECT_TRUE(estimate.lines.empty());
  EXPECT_EQ(estimate.free_resources.size(), 3U);
  EXPECT_TRUE(estimate.warnings.empty());
}

TEST(Pricing, UnknownTypeIsAWarningOrUnderStrictAnError) {
  const auto lenient =
      price({resource("aws_elasticache_cluster", "{}")}, Hours::always_on(Decimal::from_int(730)), false);
  ASSERT_EQ(lenient.warnings.size(), 1U);
  EXPECT_NE(lenient.warnings[0].find("aws_elasticache_cluster"), std::string::npos);
  EXPECT_NE(lenient.warnings[0].find("unknown resource type"), std::string::npos);
  EXPECT_THROW(price({resource("aws_elasticache_cluster", "{}")}), InputError);
}

TEST(Pricing, UnknownInstanceClassIsNamed) {
  const auto estimate = price({resource("aws_db_instance", R"({"instance_class":"db.x2g.16xlarge"})")},
                              Hours::always_on(Decimal::from_int(730)), false);
  ASSERT_EQ(estimate.warnings.size(), 1U);
  EXPECT_NE(estimate.warnings[0].find("db.x2g.16xlarge"), std::string::npos);
}

TEST(Pricing, ServiceFindsItsTaskDefinitionByFamilyName) {
  const auto estimate = price({resource("aws_ecs_task_definition", kArmTask, "module.ecs"),
                               resource("aws_ecs_task_definition", kX86Task, "module.other"),
                               resource("aws_ecs_service", R"({"name":"frontend","desired_count":2})", "module.svc")});
  EXPECT_EQ(estimate.lines[0].monthly, usd("14.4175"));  // the first (ARM) family match, 2 tasks
}

TEST(Pricing, NegativeDesiredCountIsRefused) {
  EXPECT_THROW(price_service(kArmTask, R"({"name":"frontend","desired_count":-1})"), InputError);
}

TEST(Pricing, ServiceWithoutTaskDefinitionIsNotGuessed) {
  const auto estimate = price({resource("aws_ecs_service", R"({"name":"lonely","desired_count":1})")},
                              Hours::always_on(Decimal::from_int(730)), false);
  ASSERT_EQ(estimate.warnings.size(), 1U);
  EXPECT_NE(estimate.warnings[0].find("no aws_ecs_task_definition"), std::string::npos);
}

TEST(Pricing, EstimateTotalsAndComponentsAreExact) {
  const auto estimate = price({resource("aws_lb", R"({"internal":true})"), resource("aws_kms_key", "{}")});
  EXPECT_EQ(estimate.total(), usd("17.656264"));  // 16.425 + 0.231264 + 1
  EXPECT_EQ((std::vector<std::string>{"load balancing", "security"}), estimate.components());
}

}  // namespace
}  // namespace costmodel
