#pragma once

#include <optional>
#include <string>
#include <vector>

#include "costmodel/environment.hpp"
#include "costmodel/pricing.hpp"

namespace costmodel {

struct ScheduleSettings {
  Decimal month_hours = Decimal::from_int(730);
  // Hours a week under business hours when given on the command line; otherwise the
  // tfvars' schedules decide, and without any the scheduler module's default of 50
  // (Mon-Fri 08:00-18:00).
  std::optional<Decimal> weekly_hours;
};

enum class ScheduleMode {
  AsConfigured,          // what the tfvars' schedules do (24/7 when there are none)
  AlwaysOn,              // 24/7
  BusinessHours,         // tasks, RDS and NAT instance stopped outside business hours
  BusinessHoursWithAlb,  // and the ALB destroyed and re-created as well
};

// The business-hours week a spec uses: --weekly-hours, else its scheduler's crons,
// else its scale-in crons, else 50.
Decimal business_weekly_hours(const EnvironmentSpec& spec, const ScheduleSettings& schedule);

struct Scenario {
  std::string name;    // "nat-instance"
  std::string change;  // what differs from the baseline, in words
  Estimate estimate;   // the low end: Fargate Spot at its best-case discount
  Estimate high;       // the high end: Fargate Spot at the worst case the table states
};

Hours hours_for(const EnvironmentSpec& spec, ScheduleMode mode, const ScheduleSettings& schedule);

// Prices a spec as the root module would build it; `free_tier` deducts the price table's
// always-free allowances (PricingOptions::free_tier).
Estimate estimate_spec(const EnvironmentSpec& spec, const Hours& hours, const PriceTable& prices, const Usage& usage,
                       bool free_tier = false, bool spot_worst_case = false);

// The baseline (the spec as given) first, then one scenario per lever. `only`, when
// not empty, keeps the baseline and the named scenarios; an unknown name is an InputError.
// `free_tier` applies to every scenario alike.
std::vector<Scenario> what_if(const EnvironmentSpec& base, const PriceTable& prices, const Usage& usage,
                              const ScheduleSettings& schedule, const std::vector<std::string>& only,
                              bool free_tier = false);

std::vector<std::string> scenario_names();

}  // namespace costmodel
