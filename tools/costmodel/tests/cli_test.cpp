#include "costmodel/cli.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace costmodel {
namespace {

struct Run {
  int code;
  std::string out;
  std::string err;
};

Run run(std::vector<std::string> args) {
  std::ostringstream out;
  std::ostringstream err;
  const int code = run_cli(args, out, err);
  return {code, out.str(), err.str()};
}

std::string temp_file(const std::string& name, const std::string& content) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << content;
  return path;
}

std::string fixture(const std::string& name) {
  return std::string(COSTMODEL_SOURCE_DIR) + "/fixtures/" + name;
}

TEST(Cli, HelpExitsZero) {
  const auto result = run({"--help"});
  EXPECT_EQ(result.code, 0);
  EXPECT_NE(result.out.find("costmodel estimate --plan"), std::string::npos);
}

TEST(Cli, MissingPlanFileIsExitTwoNamingTheFile) {
  const auto result = run({"estimate", "--plan", "/no/such/plan.json"});
  EXPECT_EQ(result.code, 2);
  EXPECT_EQ(result.err, "costmodel: error: plan file '/no/such/plan.json' cannot be read (missing or not readable)\n");
}

TEST(Cli, MalformedJsonIsExitTwo) {
  const auto result = run({"estimate", "--plan", temp_file("broken.json", "{\"planned_values\": [")});
  EXPECT_EQ(result.code, 2);
  EXPECT_NE(result.err.find("is not valid JSON"), std::string::npos);
}

TEST(Cli, NegativeRatesAreRefused) {
  auto result = run({"per-million", "--request-rate", "-5", "--throughput-rps", "100"});
  EXPECT_EQ(result.code, 2);
  EXPECT_EQ(result.err, "costmodel: error: --request-rate must not be negative, got -5\n");
  result = run({"per-million", "--request-rate", "5", "--throughput-rps", "0"});
  EXPECT_EQ(result.code, 2);
  EXPECT_NE(result.err.find("--throughput-rps must be greater than 0"), std::string::npos);
  result = run({"estimate", "--plan", fixture("plan-dev.json"), "--hours-per-month", "-730"});
  EXPECT_EQ(result.code, 2);
}

TEST(Cli, UnknownOptionsCommandsAndValuesAreNamed) {
  EXPECT_NE(run({"estimate", "--plan", "x", "--colour", "red"}).err.find("unknown option '--colour'"),
            std::string::npos);
  EXPECT_NE(run({"forecast"}).err.find("unknown command 'forecast'"), std::string::npos);
  EXPECT_NE(run({"estimate", "--plan", fixture("plan-dev.json"), "--format", "xml"}).err.find("--format must be"),
            std::string::npos);
  EXPECT_NE(run({"estimate", "--plan"}).err.find("option --plan needs a value"), std::string::npos);
  EXPECT_NE(run({"estimate"}).err.find("option --plan is required"), std::string::npos);
  EXPECT_NE(run({"estimate", "--plan", fixture("plan-dev.json"), "--schedule", "weekends"}).err.find("--schedule"),
            std::string::npos);
}

TEST(Cli, UnknownResourceIsAWarningAndUnderStrictExitTwo) {
  const std::string plan = temp_file("unknown.json", R"({"planned_values":{"root_module":{"resources":[
      {"address":"aws_elasticache_cluster.cache","mode":"managed","type":"aws_elasticache_cluster","name":"cache",
       "values":{}}]}}})");
  const auto lenient = run({"estimate", "--plan", plan});
  EXPECT_EQ(lenient.code, 0);
  EXPECT_NE(lenient.out.find("warnings:"), std::string::npos);
  EXPECT_NE(lenient.out.find("aws_elasticache_cluster.cache (aws_elasticache_cluster) is not priced"),
            std::string::npos);
  const auto strict = run({"estimate", "--plan", plan, "--strict"});
  EXPECT_EQ(strict.code, 2);
  EXPECT_NE(strict.err.find("unknown resource type"), std::string::npos);
}

TEST(Cli, JsonOutputParsesAndCarriesExactMicroDollars) {
  const auto result = run({"estimate", "--plan", fixture("plan-dev.json"), "--tfvars", fixture("tfvars-dev.json"),
                           "--usage", fixture("usage-dev.json"), "--format", "json", "--schedule", "24x7"});
  ASSERT_EQ(result.code, 0) << result.err;
  const auto document = boost::json::parse(result.out).as_object();
  EXPECT_EQ(document.at("environment").as_string(), "dev");
  EXPECT_EQ(document.at("schedule").as_string(), "24x7");
  // $70.11 at list prices less the free tier: alarm metrics $1, the dashboard $3, the
  // logs $0.415662, data transfer out 26.28 GB x $0.09 = $2.3652 and 10 of the 24 custom
  // metrics x $0.30 = $3.
  EXPECT_EQ(document.at("free_tier").as_bool(), true);
  EXPECT_EQ(document.at("free_tier_credit").at("micro_usd").as_int64(), -9'780'862);
  EXPECT_EQ(document.at("total").at("usd").as_string(), "60.33");
  std::int64_t sum = 0;
  int free_tier_lines = 0;
  for (const auto& line : document.at("lines").as_array()) {
    sum += line.at("monthly").at("micro_usd").as_int64();
    free_tier_lines += line.at("type").as_string() == "free_tier" ? 1 : 0;
  }
  EXPECT_EQ(sum, document.at("total").at("micro_usd").as_int64());
  EXPECT_EQ(free_tier_lines, 6);
}

TEST(Cli, EstimatePrintsTheFargateSpotRange) {
  // Dev's tasks are all on Spot: 24/7, $60.33 with Spot at 70% off, $64.66 at 50% off
  // (3 tasks x $7.20875 x 0.2 = $4.32525 more).
  const auto json = run({"estimate", "--plan", fixture("plan-dev.json"), "--tfvars", fixture("tfvars-dev.json"),
                         "--usage", fixture("usage-dev.json"), "--format", "json", "--schedule", "24x7"});
  ASSERT_EQ(json.code, 0) << json.err;
  const auto document = boost::json::parse(json.out).as_object();
  EXPECT_EQ(document.at("total_low").at("micro_usd").as_int64(), 60'333'139);
  EXPECT_EQ(document.at("total_high").at("micro_usd").as_int64(), 64'658'389);
  EXPECT_EQ(document.at("components_high").at("compute").at("usd").as_string(), "10.81");
  EXPECT_EQ(document.at("spot_discount").at("high_end").as_string(), "0.5");
  const auto table = run({"estimate", "--plan", fixture("plan-dev.json"), "--tfvars", fixture("tfvars-dev.json"),
                          "--usage", fixture("usage-dev.json")});
  ASSERT_EQ(table.code, 0) << table.err;
  EXPECT_NE(table.out.find("range: low 38.66 - high 39.94 (Fargate Spot at 70% off"), std::string::npos);
  // Prod has no task on Spot: the ends are equal, and the output says why.
  const auto prod = run({"estimate", "--plan", fixture("plan-prod.json"), "--tfvars", fixture("tfvars-prod.json"),
                         "--usage", fixture("usage-prod.json"), "--no-free-tier", "--format", "markdown"});
  ASSERT_EQ(prod.code, 0) << prod.err;
  EXPECT_NE(prod.out.find("(no task on Fargate Spot: the two ends are equal)"), std::string::npos);
}

TEST(Cli, NoFreeTierGivesListPrices) {
  const auto result =
      run({"estimate", "--plan", fixture("plan-dev.json"), "--tfvars", fixture("tfvars-dev.json"), "--usage",
           fixture("usage-dev.json"), "--format", "json", "--schedule", "24x7", "--no-free-tier"});
  ASSERT_EQ(result.code, 0) << result.err;
  const auto document = boost::json::parse(result.out).as_object();
  EXPECT_EQ(document.at("free_tier").as_bool(), false);
  EXPECT_EQ(document.at("free_tier_credit").at("micro_usd").as_int64(), 0);
  EXPECT_EQ(document.at("total").at("usd").as_string(), "70.11");
  const auto what_if = run({"what-if", "--tfvars", fixture("tfvars-dev.json"), "--usage", fixture("usage-dev.json"),
                            "--scenario", "24x7", "--no-free-tier"});
  ASSERT_EQ(what_if.code, 0) << what_if.err;
  EXPECT_NE(what_if.out.find("free tier: not deducted (--no-free-tier)"), std::string::npos);
  EXPECT_NE(what_if.out.find("70.11"), std::string::npos);
  // per-million prices no CloudWatch: the flag is not one of its options.
  EXPECT_NE(run({"per-million", "--request-rate", "5", "--throughput-rps", "100", "--no-free-tier"})
                .err.find("unknown option '--no-free-tier'"),
            std::string::npos);
}

TEST(Cli, MarkdownHasATableAndATotal) {
  const auto result = run({"estimate", "--plan", fixture("plan-dev.json"), "--format", "markdown"});
  ASSERT_EQ(result.code, 0) << result.err;
  EXPECT_NE(result.out.find("| Component | Resource | Detail | USD/month |"), std::string::npos);
  EXPECT_NE(result.out.find("| monitoring | `CloudWatch free tier` | free tier: 3 dashboards (up to 50 metrics "
                            "each), per account and month: all 1 here | -3.00 |"),
            std::string::npos);
  EXPECT_NE(result.out.find("| **Total** |"), std::string::npos);
}

TEST(Cli, TableShowsTheScheduleAndTheTotal) {
  const auto result = run({"estimate", "--plan", fixture("plan-dev.json"), "--tfvars", fixture("tfvars-dev.json"),
                           "--usage", fixture("usage-dev.json")});
  ASSERT_EQ(result.code, 0) << result.err;
  EXPECT_NE(result.out.find("as scheduled in the tfvars: tasks run 217.26 h"), std::string::npos);
  EXPECT_NE(result.out.find("free tier: CloudWatch's always-free allowances deducted"), std::string::npos);
  EXPECT_NE(result.out.find("free tier: 10 alarm metrics"), std::string::npos);
  EXPECT_NE(result.out.find("TOTAL"), std::string::npos);
  EXPECT_NE(result.out.find("38.66"), std::string::npos);  // $47.13 at list prices - $8.48
}

TEST(Cli, BadUsageFileIsNamed) {
  const auto result = run({"estimate", "--plan", fixture("plan-dev.json"), "--usage",
                           temp_file("usage.json", R"({"alb":{"requests_per_second":-1}})")});
  EXPECT_EQ(result.code, 2);
  EXPECT_NE(result.err.find("alb.requests_per_second must not be negative"), std::string::npos);
}

TEST(Cli, PerMillionReadsTheResultsFile) {
  const std::string results = temp_file("RESULTS.md", "<!-- costmodel: product-service.rps_per_task=1000 -->\n");
  const auto result = run({"per-million", "--request-rate", "100", "--results", results, "--format", "json"});
  ASSERT_EQ(result.code, 0) << result.err;
  const auto document = boost::json::parse(result.out).as_object();
  EXPECT_EQ(document.at("per_million_all_in_usd").as_string(), "0.2659");
  const auto missing = run({"per-million", "--request-rate", "100"});
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("--throughput-rps N or --results"), std::string::npos);
}

// With tasks on Spot, per-million prints the range like `estimate` does, and names what
// the figure covers.
TEST(Cli, PerMillionPrintsTheSpotRangeAndWhatItCovers) {
  const auto text = run({"per-million", "--request-rate", "1500", "--throughput-rps", "1000", "--spot-share", "1"});
  ASSERT_EQ(text.code, 0) << text.err;
  EXPECT_NE(text.out.find("$0.008888 to $0.014813"), std::string::npos) << text.out;  // tasks per hour
  EXPECT_NE(text.out.find("low end 70% off on-demand"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("high end 50% off"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("not WAF's per-request charge, data transfer out, log ingestion, X-Ray traces"),
            std::string::npos)
      << text.out;
  const auto json = run(
      {"per-million", "--request-rate", "1500", "--throughput-rps", "1000", "--spot-share", "1", "--format", "json"});
  ASSERT_EQ(json.code, 0) << json.err;
  const auto document = boost::json::parse(json.out).as_object();
  EXPECT_EQ(document.at("compute_per_hour_usd").as_string(), "0.008888");
  EXPECT_EQ(document.at("compute_per_hour_high_usd").as_string(), "0.014813");
  EXPECT_EQ(document.at("spot_discount_high_end").as_string(), "0.5");
  EXPECT_NE(document.at("covers").as_string().find("the tasks, the ALB hour and its LCUs"), std::string::npos);
  // On-demand only: one figure.
  const auto on_demand = run({"per-million", "--request-rate", "100", "--throughput-rps", "1000"});
  EXPECT_EQ(on_demand.out.find(" to $"), std::string::npos) << on_demand.out;
}

TEST(Cli, PerMillionTakesTheTaskFromTheTfvars) {
  const auto result = run({"per-million", "--request-rate", "100", "--throughput-rps", "1000", "--tfvars",
                           fixture("tfvars-prod.json"), "--format", "json"});
  ASSERT_EQ(result.code, 0) << result.err;
  const auto document = boost::json::parse(result.out).as_object();
  EXPECT_EQ(document.at("tasks").as_int64(), 2);                         // prod runs at least 2 tasks per service
  EXPECT_EQ(document.at("compute_per_hour_usd").as_string(), "0.0395");  // 2 x (0.5 x $0.03238 + 1 x $0.00356)
  const auto unknown = run({"per-million", "--request-rate", "100", "--throughput-rps", "1000", "--tfvars",
                            fixture("tfvars-prod.json"), "--service", "cart-service"});
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.err.find("service 'cart-service' is not in the services"), std::string::npos);
}

TEST(Cli, WhatIfNeedsTfvarsAndNamesBadScenarios) {
  EXPECT_EQ(run({"what-if"}).code, 2);
  const auto result = run({"what-if", "--tfvars", fixture("tfvars-dev.json"), "--scenario", "lean,teleport"});
  EXPECT_EQ(result.code, 2);
  EXPECT_NE(result.err.find("unknown scenario 'teleport'"), std::string::npos);
}

}  // namespace
}  // namespace costmodel
