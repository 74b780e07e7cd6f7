#include "costmodel/per_million.hpp"

#include <gtest/gtest.h>

#include "costmodel/error.hpp"
#include "test_support.hpp"

namespace costmodel {
namespace {

using testing::prices;
using testing::usd;

TEST(PerMillion, HandComputedExample) {
  // 100 req/s; one 0.25 vCPU / 0.5 GB ARM task does 1,000 req/s, run at 70% -> 1 task.
  // tasks: $0.009875/h. LCUs: 100 x 3,600 x 22 KB = 7.92 GB/h -> 7.92 LCU x $0.008 = $0.06336/h.
  // ALB hour $0.0225. Total $0.095735/h for 0.36 M requests -> $0.265931 per million.
  PerMillionInput input;
  input.throughput_rps_per_task = Decimal::from_int(1000);
  input.request_rate_rps = Decimal::from_int(100);
  const PerMillionResult result = cost_per_million(input, prices());
  EXPECT_EQ(result.tasks, 1);
  EXPECT_EQ(result.compute_per_hour, usd("0.009875"));
  EXPECT_EQ(result.lcu.lcu(), usd("7.92"));
  EXPECT_EQ(result.lcu_per_hour, usd("0.06336"));
  EXPECT_EQ(result.total_per_hour, usd("0.095735"));
  EXPECT_EQ(result.million_requests_per_hour, usd("0.36"));
  EXPECT_EQ(result.per_million_all_in.to_string(4), "0.2659");
  EXPECT_EQ(result.per_million_variable.to_string(4), "0.2034");  // (0.009875 + 0.06336) / 0.36
}

TEST(PerMillion, TasksScaleWithTheRequestRate) {
  PerMillionInput input;
  input.throughput_rps_per_task = Decimal::from_int(1000);
  input.request_rate_rps = Decimal::from_int(1500);  // 1,500 / 700 = 2.14 -> 3 tasks
  input.capacity = CapacityStrategy{Decimal{}, Decimal{}, Decimal::from_int(1)};
  const PerMillionResult result = cost_per_million(input, prices());
  EXPECT_EQ(result.tasks, 3);
  EXPECT_EQ(result.compute_per_hour, usd("0.008888"));  // 3 x $0.009875 x 0.3 = 0.0088875, to the micro-dollar
  EXPECT_EQ(result.share.spot_tasks, Decimal::from_int(3));
}

// Fargate Spot is a range, as in `estimate`: 70% off at the low end, 50% off at the high
// end (fargate.spot_discount_low). 3 Spot tasks x $0.009875 = $0.029625/h: x 0.3 =
// $0.008888 (low), x 0.5 = $0.014813 (high, $0.0148125 to the micro-dollar).
TEST(PerMillion, SpotTasksArePricedAsARange) {
  PerMillionInput input;
  input.throughput_rps_per_task = Decimal::from_int(1000);
  input.request_rate_rps = Decimal::from_int(1500);
  input.capacity = CapacityStrategy{Decimal{}, Decimal{}, Decimal::from_int(1)};
  const PerMillionResult result = cost_per_million(input, prices());
  EXPECT_EQ(result.compute_per_hour, usd("0.008888"));
  EXPECT_EQ(result.compute_per_hour_high, usd("0.014813"));
  EXPECT_EQ(result.total_per_hour_high - result.total_per_hour, usd("0.005925"));
  EXPECT_GT(result.per_million_all_in_high, result.per_million_all_in);
  EXPECT_GT(result.per_million_variable_high, result.per_million_variable);
}

TEST(PerMillion, OnDemandTasksHaveOneFigure) {
  PerMillionInput input;
  input.throughput_rps_per_task = Decimal::from_int(1000);
  input.request_rate_rps = Decimal::from_int(100);
  const PerMillionResult result = cost_per_million(input, prices());
  EXPECT_EQ(result.per_million_all_in_high, result.per_million_all_in);
  EXPECT_EQ(result.per_million_variable_high, result.per_million_variable);
}

TEST(PerMillion, RefusesZeroOrOutOfRangeInputs) {
  PerMillionInput input;
  input.throughput_rps_per_task = Decimal::from_int(1000);
  EXPECT_THROW(cost_per_million(input, prices()), InputError);  // request rate 0
  input.request_rate_rps = Decimal::from_int(10);
  input.capacity = CapacityStrategy{Decimal{}, Decimal{}, Decimal{}};
  EXPECT_THROW(cost_per_million(input, prices()), InputError);
}

TEST(Results, ReadsTheMarkedLine) {
  const std::string text =
      "# Results\n| x | y |\n<!-- costmodel: frontend.rps_per_task=9000 product-service.rps_per_task=4210.5 -->\n";
  EXPECT_EQ(throughput_from_results(text, "RESULTS.md", "product-service"), usd("4210.5"));
  EXPECT_EQ(throughput_from_results(text, "RESULTS.md", "frontend"), Decimal::from_int(9000));
}

void expect_results_error(const std::string& text, const std::string& fragment) {
  try {
    (void)throughput_from_results(text, "RESULTS.md", "product-service");
    FAIL() << fragment;
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find(fragment), std::string::npos) << error.what();
  }
}

TEST(Results, MissingOrBadLinesAreNamed) {
  expect_results_error("no marker here", "has no '<!-- costmodel: product-service.rps_per_task=N -->' line");
  expect_results_error("<!-- costmodel: frontend.rps_per_task=1 -->", "no product-service.rps_per_task");
  expect_results_error("<!-- costmodel: product-service.rps_per_task=-3 -->", "must be a positive number");
  expect_results_error("<!-- costmodel: product-service.rps_per_task=fast -->", "must be a positive number");
  expect_results_error("<!-- costmodel: product-service.rps_per_task=1", "not closed");
}

}  // namespace
}  // namespace costmodel
