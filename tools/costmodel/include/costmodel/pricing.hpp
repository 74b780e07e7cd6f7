#pragma once

#include <map>
#include <string>
#include <vector>

#include "costmodel/decimal.hpp"
#include "costmodel/plan.hpp"
#include "costmodel/price_table.hpp"
#include "costmodel/usage.hpp"

namespace costmodel {

// How many hours a month each kind of resource runs.
struct Hours {
  Decimal month = Decimal::from_int(730);      // always-on resources (AWS bills 730 h a month)
  Decimal tasks = Decimal::from_int(730);      // ECS tasks (scaled in by a schedule, or stopped by the scheduler)
  Decimal instances = Decimal::from_int(730);  // RDS instance and NAT instance (stopped by the scheduler)
  bool alb_torn_down = false;                  // the ALB and its addresses follow `instances` too

  // 24/7, or business hours: `weekly_hours` of the 168 in a week (50 = Mon-Fri 08:00-18:00).
  static Hours always_on(Decimal month);
  static Hours business_hours(Decimal month, Decimal weekly_hours);
  static Decimal share_of_month(Decimal month, Decimal weekly_hours);
};

struct Line {
  std::string component;  // compute, load balancing, network, database, logs, storage, security, monitoring
  std::string address;
  std::string type;
  std::string detail;  // the formula with its figures, e.g. "730 h x $0.0225/h"
  Decimal monthly;     // USD, exact to the micro-dollar
};

// What an environment uses of an item a free-tier allowance may cover (alarm metrics,
// dashboards, GB of logs), keyed by the price it is billed under.
struct Metered {
  std::string component;  // where its charges and the allowance's line go
  Decimal quantity;       // units of the price (alarm metrics, dashboards, GB)
  Decimal amount;         // what the lines charge for them, exact
};

struct Estimate {
  std::vector<Line> lines;
  std::map<std::string, Metered, std::less<>> metered;
  std::vector<std::string> free_resources;  // addresses of resources that cost nothing by themselves
  std::vector<std::string> warnings;        // unknown types, unpriced values, assumptions made
  [[nodiscard]] Decimal total() const;
  [[nodiscard]] Decimal free_tier_total() const;  // the free-tier lines (negative, or 0)
  [[nodiscard]] Decimal component_total(const std::string& component) const;
  [[nodiscard]] std::vector<std::string> components() const;  // in a fixed, readable order
};

struct PricingOptions {
  Hours hours;
  int default_az_count = 2;   // when a plan does not know a resource's subnets yet
  int endpoint_az_count = 2;  // the same for interface endpoints (interface_endpoint_az_count)
  bool strict = false;        // unknown resource types and unpriced values are errors
  // Deduct the price table's always-free allowances (CloudWatch), one negative line each.
  // They are per account and month: the CLI does it by default, --no-free-tier turns it off
  // for the other environments of a shared account.
  bool free_tier = false;
  // Fargate Spot has no fixed price: the low end of an estimate prices Spot tasks at the
  // best-case discount (fargate.spot_discount, AWS's "up to 70%"), the high end at the
  // worst case the table states (fargate.spot_discount_low).
  bool spot_worst_case = false;
  // A Compute Savings Plan covers the on-demand Fargate tasks (a what-if lever).
  bool compute_savings_plan = false;
};

// The Fargate Spot discount a pricing run uses (the best case, or with
// options.spot_worst_case the worst case).
Decimal spot_discount(const PriceTable& prices, const PricingOptions& options);

// The type of the lines the free tier adds.
inline constexpr const char* kFreeTierType = "free_tier";

// Prices every resource. Unknown types and values without a price become warnings,
// or an InputError naming them when options.strict is set.
Estimate price_resources(const std::vector<Resource>& resources, const PriceTable& prices, const Usage& usage,
                         const PricingOptions& options);

// Price of one Fargate task running `hours`: (vCPU x hours) x vCPU-hour price +
// (GB x hours) x GB-hour price, in that order so that no partial product is rounded.
struct FargateTask {
  Decimal vcpu;
  Decimal memory_gb;
  bool arm64 = true;
};
Decimal fargate_task_cost(const FargateTask& task, Decimal hours, const PriceTable& prices);
// The share of a service's tasks on FARGATE_SPOT from its capacity provider strategy.
struct CapacityShare {
  Decimal on_demand_tasks;
  Decimal spot_tasks;
};
CapacityShare capacity_share(Decimal desired_count, const boost::json::array& strategy);

}  // namespace costmodel
