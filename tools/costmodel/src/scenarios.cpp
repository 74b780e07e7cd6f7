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
  ScheduleMode mode = ScheduleMode::AsConfigured;
};

void set_spot(EnvironmentSpec& spec, std::int64_t percent) {
  spec.capacity = CapacityStrategy{Decimal{}, Decimal::from_int(100 - percent), Decimal::from_int(percent)};
}

void set_nat(EnvironmentSpec& spec, const std::string& strategy, bool endpoints) {
  spec.nat_strategy = strategy;
  spec.interface_endpoints = endpoints;
}

std::vector<Lever> levers() {
  const auto nothing = [](EnvironmentSpec&) {};
  return {
      {"24x7", "no teardown: everything runs all month", nothing, ScheduleMode::AlwaysOn},
      {"business-hours", "the scheduler stops tasks, RDS and the NAT instance outside business hours", nothing,
       ScheduleMode::BusinessHours},
      {"business-hours+alb", "as business-hours, and the ALB is destroyed and re-created too", nothing,
       ScheduleMode::BusinessHoursWithAlb},
      {"spot-0", "all tasks on FARGATE (on-demand)", [](EnvironmentSpec& s) { set_spot(s, 0); }},
      {"spot-50", "half the tasks on FARGATE_SPOT", [](EnvironmentSpec& s) { set_spot(s, 50); }},
      {"spot-100", "all tasks on FARGATE_SPOT", [](EnvironmentSpec& s) { set_spot(s, 100); }},
      {"nat-none", "no NAT: interface endpoints only (ECR api+dkr, Logs, Secrets Manager, SSM)",
       [](EnvironmentSpec& s) { set_nat(s, "none", true); }},
      {"nat-single", "one NAT gateway, no interface endpoints",
       [](EnvironmentSpec& s) { set_nat(s, "single", false); }},
      {"nat-per_az", "one NAT gateway per AZ, no interface endpoints",
       [](EnvironmentSpec& s) { set_nat(s, "per_az", false); }},
      {"nat-instance", "one t4g.nano NAT instance, no interface endpoints",
       [](EnvironmentSpec& s) { set_nat(s, "instance", false); }},
      {"nat-single+endpoints", "one NAT gateway and the interface endpoints",
       [](EnvironmentSpec& s) { set_nat(s, "single", true); }},
      {"rds-single-az", "RDS single-AZ", [](EnvironmentSpec& s) { s.db_multi_az = false; }},
      {"rds-multi-az", "RDS Multi-AZ (a standby in a second AZ)", [](EnvironmentSpec& s) { s.db_multi_az = true; }},
      {"arm64", "Fargate on Graviton (ARM64)", [](EnvironmentSpec& s) { s.arm64 = true; }},
      {"x86_64", "Fargate on x86_64", [](EnvironmentSpec& s) { s.arm64 = false; }},
      {"savings-plan",
       "a Compute Savings Plan covers the on-demand Fargate tasks at its best case (up to 50% off; not Spot)",
       [](EnvironmentSpec& s) { s.compute_savings_plan = true; }},
      {"tasks-small", "every task at 0.25 vCPU / 0.5 GB (rightsized; what Compute Optimizer would have to confirm)",
       [](EnvironmentSpec& s) {
         for (auto& service : s.services) {
           service.cpu_units = Decimal::from_int(256);
           service.memory_mib = Decimal::from_int(512);
         }
       }},
      {"logs-7d", "log retention 7 days", [](EnvironmentSpec& s) { s.log_retention_days = 7; }},
      {"logs-30d", "log retention 30 days", [](EnvironmentSpec& s) { s.log_retention_days = 30; }},
      {"logs-365d", "log retention 365 days", [](EnvironmentSpec& s) { s.log_retention_days = 365; }},
      {"logs-never", "logs never expire (12 months kept)", [](EnvironmentSpec& s) { s.log_retention_days = 0; }},
      {"slo-alarms", "the SLO burn-rate alarms on (enable_slo_alarms)",
       [](EnvironmentSpec& s) { s.slo_alarms = true; }},
      {"no-slo-alarms", "no SLO burn-rate alarms", [](EnvironmentSpec& s) { s.slo_alarms = false; }},
      {"business-alarms", "the business-metric alarms on (enable_business_alarms)",
       [](EnvironmentSpec& s) { s.business_alarms = true; }},
      {"no-business-alarms", "no business-metric alarms", [](EnvironmentSpec& s) { s.business_alarms = false; }},
      {"task-alarms", "each service's CPU, memory and restart alarms on (enable_task_alarms)",
       [](EnvironmentSpec& s) { s.task_alarms = true; }},
      {"no-task-alarms", "no CPU, memory and restart alarms per service",
       [](EnvironmentSpec& s) { s.task_alarms = false; }},
      {"naive", "the starting point: one NAT gateway, on-demand tasks, 24/7",
       [](EnvironmentSpec& s) {
         set_nat(s, "single", s.interface_endpoints);
         set_spot(s, 0);
       },
       ScheduleMode::AlwaysOn},
      {"lean", "NAT instance + all Spot + ARM64 + business-hours teardown",
       [](EnvironmentSpec& s) {
         set_nat(s, "instance", s.interface_endpoints);
         set_spot(s, 100);
         s.arm64 = true;
       },
       ScheduleMode::BusinessHours},
  };
}

}  // namespace

Decimal business_weekly_hours(const EnvironmentSpec& spec, const ScheduleSettings& schedule) {
  if (schedule.weekly_hours) {
    return *schedule.weekly_hours;
  }
  return spec.scheduler_weekly_hours.value_or(spec.scale_in_weekly_hours.value_or(Decimal::from_int(50)));
}

Hours hours_for(const EnvironmentSpec& spec, ScheduleMode mode, const ScheduleSettings& schedule) {
  const Decimal month = schedule.month_hours;
  switch (mode) {
    case ScheduleMode::AlwaysOn: return Hours::always_on(month);
    case ScheduleMode::BusinessHours:
    case ScheduleMode::BusinessHoursWithAlb: {
      Hours hours = Hours::business_hours(month, business_weekly_hours(spec, schedule));
      hours.alb_torn_down = mode == ScheduleMode::BusinessHoursWithAlb;
      return hours;
    }
    case ScheduleMode::AsConfigured: break;
  }
  Hours hours = Hours::always_on(month);
  if (spec.scheduler_weekly_hours) {
    hours.instances = Hours::share_of_month(month, business_weekly_hours(spec, schedule));
    hours.tasks = hours.instances;
  } else if (spec.scale_in_weekly_hours) {
    hours.tasks = Hours::share_of_month(month, schedule.weekly_hours.value_or(*spec.scale_in_weekly_hours));
  }
  return hours;
}

Estimate estimate_spec(const EnvironmentSpec& spec, const Hours& hours, const PriceTable& prices, const Usage& usage,
                       bool free_tier, bool spot_worst_case) {
  PricingOptions options;
  options.free_tier = free_tier;
  options.spot_worst_case = spot_worst_case;
  options.hours = hours;
  options.default_az_count = spec.az_count;
  options.endpoint_az_count = std::min(spec.interface_endpoint_az_count, spec.az_count);
  options.strict = true;  // synthesized resources are all known: anything unpriced is a bug
  options.compute_savings_plan = spec.compute_savings_plan;
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
                              const ScheduleSettings& schedule, const std::vector<std::string>& only, bool free_tier) {
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
  const auto both_ends = [&](const EnvironmentSpec& spec, ScheduleMode mode, std::string name, std::string change) {
    const Hours hours = hours_for(spec, mode, schedule);
    return Scenario{std::move(name), std::move(change), estimate_spec(spec, hours, prices, usage, free_tier),
                    estimate_spec(spec, hours, prices, usage, free_tier, true)};
  };
  std::vector<Scenario> results;
  results.push_back(
      both_ends(base, ScheduleMode::AsConfigured, "baseline",
                std::string("as the tfvars say") + (base.schedule_on() ? " (with its schedule)" : " (24/7)")));
  for (const auto& lever : all) {
    if (!only.empty() && std::find(only.begin(), only.end(), lever.name) == only.end()) {
      continue;
    }
    EnvironmentSpec spec = base;
    lever.apply(spec);
    results.push_back(both_ends(spec, lever.mode, lever.name, lever.change));
  }
  return results;
}

}  // namespace costmodel
