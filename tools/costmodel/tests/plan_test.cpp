#include "costmodel/plan.hpp"

#include <gtest/gtest.h>

#include "costmodel/error.hpp"
#include "costmodel/price_table.hpp"

namespace costmodel {
namespace {

const char* kPlan = R"({
  "format_version": "1.2",
  "planned_values": {"root_module": {
    "resources": [
      {"address": "aws_kms_key.this", "mode": "managed", "type": "aws_kms_key", "name": "this", "values": {}},
      {"address": "data.aws_region.current", "mode": "data", "type": "aws_region", "name": "current", "values": {}}
    ],
    "child_modules": [{
      "address": "module.ecs",
      "resources": [{"address": "module.ecs.aws_ecs_service.this[\"frontend\"]", "mode": "managed",
                     "type": "aws_ecs_service", "name": "this", "index": "frontend",
                     "values": {"name": "frontend", "desired_count": 1}}],
      "child_modules": [{"address": "module.ecs.module.inner",
        "resources": [{"address": "module.ecs.module.inner.aws_eip.nat[0]", "mode": "managed",
                       "type": "aws_eip", "name": "nat", "index": 0, "values": {}}]}]
    }]
  }}
})";

TEST(Plan, ReadsNestedModulesAndSkipsDataSources) {
  const auto resources = parse_plan(kPlan, "plan.json");
  ASSERT_EQ(resources.size(), 3U);
  EXPECT_EQ(resources[0].type, "aws_kms_key");
  EXPECT_EQ(resources[0].module, "");
  EXPECT_EQ(resources[1].module, "module.ecs");
  EXPECT_EQ(resources[1].index, "frontend");
  EXPECT_EQ(resources[2].module, "module.ecs.module.inner");
  EXPECT_EQ(resources[2].index, "0");
}

void expect_error(const std::string& text, const std::string& fragment) {
  try {
    (void)parse_plan(text, "plan.json");
    FAIL() << "expected an InputError containing: " << fragment;
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find(fragment), std::string::npos) << error.what();
  }
}

TEST(Plan, MalformedInputIsNamed) {
  expect_error("{\"planned_values\": ", "plan.json is not valid JSON");
  expect_error("[1, 2]", "no 'planned_values' object");
  expect_error(R"({"planned_values": {}})", "'planned_values.root_module' is missing");
  expect_error(R"({"planned_values": {"root_module": {"resources": [{"address": "x"}]}}})", "has no 'type'");
  expect_error(R"({"planned_values": {"root_module": {"resources": [{"address": "aws_lb.x", "type": 3}]}}})",
               "'type' must be a string");
}

TEST(Plan, MissingFileIsNamed) {
  try {
    (void)load_plan_file("/nonexistent/plan.json");
    FAIL();
  } catch (const InputError& error) {
    EXPECT_STREQ(error.what(), "plan file '/nonexistent/plan.json' cannot be read (missing or not readable)");
  }
}

TEST(PriceTable, EveryEntryNeedsASourceAndADate) {
  EXPECT_THROW(PriceTable::parse(R"({"region":"us-east-1","as_of":"2026-11-27","prices":{
      "alb.hour":{"usd":0.0225,"unit":"h","read":"2026-11-27"}}})",
                                 "p.json"),
               InputError);
  EXPECT_THROW(PriceTable::parse(R"({"region":"us-east-1","as_of":"2026-11-27","prices":{
      "alb.hour":{"usd":0.0225,"unit":"h","source":"https://aws.amazon.com/","read":"yesterday"}}})",
                                 "p.json"),
               InputError);
  EXPECT_THROW(PriceTable::parse(R"({"region":"us-east-1","as_of":"2026-11-27","prices":{
      "alb.hour":{"usd":-1,"unit":"h","source":"https://aws.amazon.com/","read":"2026-11-27"}}})",
                                 "p.json"),
               InputError);
  const auto table = PriceTable::parse(R"({"region":"us-east-1","as_of":"2026-11-27","prices":{
      "alb.hour":{"usd":0.0225,"unit":"h","source":"https://aws.amazon.com/","read":"2026-11-27"}}})",
                                       "p.json");
  EXPECT_EQ(table.price("alb.hour").micro(), 22'500);
  try {
    (void)table.price("alb.lcu_hour");
    FAIL();
  } catch (const InputError& error) {
    EXPECT_STREQ(error.what(), "price table p.json has no price 'alb.lcu_hour'");
  }
}

TEST(PriceTable, TheShippedTableIsDatedAndSourced) {
  const auto table = PriceTable::load_file(std::string(COSTMODEL_SOURCE_DIR) + "/prices/us-east-1.json");
  EXPECT_EQ(table.region(), "us-east-1");
  // Every price comes from an AWS pricing page, but for the worst-case Fargate Spot
  // discount: AWS publishes only "up to 70%", so the low end of that range is a
  // third party's, named in the entry.
  for (const auto& [key, entry] : table.entries()) {
    if (key == "fargate.spot_discount_low") {
      EXPECT_EQ(entry.source.rfind("https://", 0), 0U) << key;
    } else {
      EXPECT_EQ(entry.source.rfind("https://aws.amazon.com/", 0), 0U) << key;
    }
    EXPECT_EQ(entry.read.size(), 10U) << key;
  }
  EXPECT_EQ(table.price("fargate.spot_discount").to_plain_string(), "0.7");
  EXPECT_EQ(table.price("fargate.spot_discount_low").to_plain_string(), "0.5");
  EXPECT_EQ(table.price("fargate.arm64.vcpu_hour").to_plain_string(), "0.03238");
}

}  // namespace
}  // namespace costmodel
