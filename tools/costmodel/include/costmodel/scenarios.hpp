#pragma once

#include <string>
#include <vector>

#include "costmodel/environment.hpp"
#include "costmodel/pricing.hpp"

namespace costmodel {

struct ScheduleSettings {
  Decimal month_hours = Decimal::from_int(730);
  Decimal weekly_hours = Decimal::from_int(50);  // Mon-Fri 08:00-18:00, the scheduler module's default
};

struct Scenario {
  std::string name;    // "nat-instance"
  std::string change;  // what differs from the baseline, in words
  Estimate estimate;
};

// The hours for a spec: business hours when its scheduler is on (or forced), else 24/7.
Hours hours_for(bool teardown, bool alb_too, const ScheduleSettings& schedule);

// Prices a spec as the root module would build it.
Estimate estimate_spec(const EnvironmentSpec& spec, const Hours& hours, const PriceTable& prices,
                       const Usage& usage);

// The baseline (the spec as given) first, then one scenario per lever. `only`, when
// not empty, keeps the baseline and the named scenarios; an unknown name is an InputError.
std::vector<Scenario> what_if(const EnvironmentSpec& base, const PriceTable& prices, const Usage& usage,
                              const ScheduleSettings& schedule, const std::vector<std::string>& only);

std::vector<std::string> scenario_names();

}  // namespace costmodel
