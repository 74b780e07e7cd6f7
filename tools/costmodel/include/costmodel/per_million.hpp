#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "costmodel/environment.hpp"
#include "costmodel/pricing.hpp"

namespace costmodel {

struct PerMillionInput {
  Decimal throughput_rps_per_task;                            // measured (bench/RESULTS.md) or given
  Decimal request_rate_rps;                                   // average requests per second to serve
  Decimal target_utilization = Decimal::from_micro(700'000);  // run each task at most at 70% of its measured rate
  FargateTask task{Decimal::from_micro(250'000), Decimal::from_micro(500'000), true};
  CapacityStrategy capacity;  // on-demand only unless set (--spot-share or the tfvars)
  std::int64_t min_tasks = 1;
  AlbTraffic traffic;  // request and response sizes; its rate is replaced by request_rate_rps
};

struct PerMillionResult {
  std::int64_t tasks = 0;
  CapacityShare share;
  Decimal compute_per_hour;
  Decimal alb_per_hour;
  LcuBreakdown lcu;
  Decimal lcu_per_hour;
  Decimal total_per_hour;
  Decimal million_requests_per_hour;
  Decimal per_million_all_in;    // tasks + ALB hour + LCUs
  Decimal per_million_variable;  // tasks + LCUs: what one more million requests costs
  // The same with Fargate Spot at the worst case the price table states
  // (fargate.spot_discount_low): the high end of the range; equal without Spot tasks.
  Decimal compute_per_hour_high;
  Decimal total_per_hour_high;
  Decimal per_million_all_in_high;
  Decimal per_million_variable_high;
};

// What the per-million figure covers, and what it leaves out (printed with it).
inline constexpr const char* kPerMillionCovers =
    "the tasks, the ALB hour and its LCUs; not WAF's per-request charge, data transfer out, log ingestion, "
    "X-Ray traces or CloudWatch metrics";

PerMillionResult cost_per_million(const PerMillionInput& input, const PriceTable& prices);

// Reads `<!-- costmodel: <service>.rps_per_task=<number> ... -->` from a results file
// (bench/RESULTS.md); InputError when the file, the line or the key is missing.
Decimal throughput_from_results(std::string_view text, const std::string& origin, const std::string& service);

}  // namespace costmodel
