#include "costmodel/scenarios.hpp"

#include <algorithm>
#include <functional>
#include <optional>

#include "costmodel/error.hpp"

namespace costmodel {
namespace {

struct Lever {
  std::string name;
  std::string change;
  std::function<void(EnvironmentSpec&)> apply;
  // Whether the scenario runs on the business-hours schedule (nullopt: as the spec says)
  // and whether the ALB is torn down too.
  std::optional<bool> teardown;
  bool alb_too = false;
};

void set_spot(EnvironmentSpec& spec, std::int64_t percent) {
  spec.spot_share = Decimal::from_int(percent) / Decimal::from_int(100);
}

void set_nat(EnvironmentSpec& spec, const std::string& strategy, bool endpoints) {
  spec.nat_strategy = strategy;
  spec.interface_endpoints = endpoints;
}

std::vector<Lever> levers() {
  const auto nothing = [](EnvironmentSpec&) {};
  return {
      {"24x7", "no teardown: everything runs 730 h", nothing, false},
      {"business-hours", "scheduler stops tasks, RDS and the NAT instance outside Mon-Fri business hours",
       nothing, true},
      {"business-hours+alb", "as business-hours, and the ALB is destroyed and re-created too", nothing, true,
       true},
      {"spot-0", "all tasks on FARGATE (on-demand)", [](EnvironmentSpec& s) { set_spot(s, 0); }, std::nullopt},
      {"spot-50", "half the tasks on FARGATE_SPOT", [](EnvironmentSpec& s) { set_spot(s, 50); }, std::nullopt},
      {"spot-100", "all tasks on FARGATE_SPOT", [](EnvironmentSpec& s) { set_spot(s, 100); }, std::nullopt},
      {"nat-none", "no NAT: interface endpoints only (ECR api+dkr, Logs, Secrets Manager, SSM)",
       [](EnvironmentSpec& s) { set_nat(s, "none", true); }, std::nullopt},
      {"nat-single", "one NAT gateway, no interface endpoints", [](EnvironmentSpec& s) { set_nat(s, "single", false); },
       std::nullopt},
      {"nat-per_az", "one NAT gateway per AZ, no interface endpoints",
       [](EnvironmentSpec& s) { set_nat(s, "per_az", false); }, std::nullopt},
      {"nat-instance", "one t4g.nano NAT instance, no interface endpoints",
       [](EnvironmentSpec& s) { set_nat(s, "instance", false); }, std::nullopt},
      {"nat-single+endpoints", "one NAT gateway and the interface endpoints",
       [](EnvironmentSpec& s) { set_nat(s, "single", true); }, std::nullopt},
      {"rds-single-az", "RDS single-AZ", [](EnvironmentSpec& s) { s.db_multi_az = false; }, std::nullopt},
      {"rds-multi-az", "RDS Multi-AZ (a standby in a second AZ)", [](EnvironmentSpec& s) { s.db_multi_az = true; },
       std::nullopt},
      {"arm64", "Fargate on Graviton (ARM64)", [](EnvironmentSpec& s) { s.arm64 = true; }, std::nullopt},
      {"x86_64", "Fargate on x86_64", [](EnvironmentSpec& s) { s.arm64 = false; }, std::nullopt},
      {"logs-7d", "log retention 7 days", [](EnvironmentSpec& s) { s.log_retention_days = 7; }, std::nullopt},
      {"logs-30d", "log retention 30 days", [](EnvironmentSpec& s) { s.log_retention_days = 30; }, std::nullopt},
      {"logs-365d", "log retention 365 days", [](EnvironmentSpec& s) { s.log_retention_days = 365; },
       std::nullopt},
      {"logs-never", "logs never expire (12 months kept)", [](EnvironmentSpec& s) { s.log_retention_days = 0; },
       std::nullopt},
      {"lean", "NAT instance + all Spot + ARM64 + business-hours teardown",
       [](EnvironmentSpec& s) {
         set_nat(s, "instance", s.interface_endpoints);
         set_spot(s, 100);
         s.arm64 = true;
       },
       true},
  };
}

}  // namespace

Hours hours_for(bool teardown, bool alb_too, const ScheduleSettings& schedule) {
  if (!teardown) {
    return Hours::always_on(schedule.month_hours);
  }
  Hours hours = Hours::business_hours(schedule.month_hours, schedule.weekly_hours);
  hours.alb_torn_down = alb_too;
  return hours;
}

Estimate estimate_spec(const EnvironmentSpec& spec, const Hours& hours, const PriceTable& prices,
                       const Usage& usage) {
  PricingOptions options;
  options.hours = hours;
  options.default_az_count = spec.az_count;
  options.strict = true;  // synthesized resources are all known: anything unpriced is a bug
  return price_resources(synthesize_resources(spec), prices, usage, options);
}

std::vector<std::string> scenario_names() {
  std::vector<std::string> names;
  for (const auto& lever : levers()) {
    names.push_back(lever.name);
  }
  return names;
}

std::vector<Scenario> what_if(const EnvironmentSpec& base, const PriceTable& prices, const Usage& usage,
                              const ScheduleSettings& schedule, const std::vector<std::string>& only) {
  const auto all = levers();
  for (const auto& name : only) {
    if (std::none_of(all.begin(), all.end(), [&](const Lever& l) { return l.name == name; })) {
      std::string known;
      for (const auto& lever : all) {
        known += (known.empty() ? "" : ", ") + lever.name;
      }
      throw InputError("unknown scenario '" + name + "' (known: " + known + ")");
    }
  }
  std::vector<Scenario> results;
  results.push_back({"baseline",
                     std::string("as the tfvars say") + (base.scheduler ? " (scheduler on: business hours)" : " (24/7)"),
                     estimate_spec(base, hours_for(base.scheduler, false, schedule), prices, usage)});
  for (const auto& lever : all) {
    if (!only.empty() && std::find(only.begin(), only.end(), lever.name) == only.end()) {
      continue;
    }
    EnvironmentSpec spec = base;
    lever.apply(spec);
    const bool teardown = lever.teardown.value_or(base.scheduler);
    results.push_back({lever.name, lever.change,
                       estimate_spec(spec, hours_for(teardown, lever.alb_too, schedule), prices, usage)});
  }
  return results;
}

}  // namespace costmodel
