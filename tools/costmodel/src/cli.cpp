#include "costmodel/cli.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>

#include "costmodel/environment.hpp"
#include "costmodel/error.hpp"
#include "costmodel/json_util.hpp"
#include "costmodel/per_million.hpp"
#include "costmodel/report.hpp"
#include "costmodel/scenarios.hpp"

#ifndef COSTMODEL_DEFAULT_PRICES
#define COSTMODEL_DEFAULT_PRICES "tools/costmodel/prices/us-east-1.json"
#endif

namespace costmodel {
namespace {

const std::set<std::string, std::less<>> kCommonOptions = {"--prices", "--format", "--hours-per-month", "--usage",
                                                           "--weekly-hours"};
const std::map<std::string, std::set<std::string, std::less<>>, std::less<>> kCommandOptions = {
    {"estimate", {"--plan", "--tfvars", "--schedule", "--strict", "--no-free-tier"}},
    {"what-if", {"--tfvars", "--scenario", "--no-free-tier"}},
    {"per-million",
     {"--throughput-rps", "--results", "--service", "--request-rate", "--tfvars", "--task-cpu", "--task-memory",
      "--arch", "--spot-share", "--utilization", "--min-tasks"}},
};
const std::set<std::string, std::less<>> kFlags = {"--strict", "--no-free-tier"};

class Arguments {
public:
  Arguments(const std::vector<std::string>& args, const std::string& command) {
    const auto& allowed = kCommandOptions.at(command);
    for (std::size_t i = 1; i < args.size(); ++i) {
      const std::string& name = args[i];
      if (kCommonOptions.count(name) == 0 && allowed.count(name) == 0) {
        throw InputError("unknown option '" + name + "' for '" + command + "' (see costmodel --help)");
      }
      if (kFlags.count(name) > 0) {
        values_[name].emplace_back("true");
        continue;
      }
      if (i + 1 >= args.size() || args[i + 1].rfind("--", 0) == 0) {
        throw InputError("option " + name + " needs a value");
      }
      values_[name].push_back(args[++i]);
    }
  }

  [[nodiscard]] bool has(const std::string& name) const { return values_.count(name) > 0; }
  [[nodiscard]] std::string get(const std::string& name, const std::string& fallback = "") const {
    const auto it = values_.find(name);
    return it == values_.end() ? fallback : it->second.back();
  }
  [[nodiscard]] std::string required(const std::string& name) const {
    if (!has(name)) {
      throw InputError("option " + name + " is required");
    }
    return get(name);
  }
  [[nodiscard]] std::vector<std::string> all(const std::string& name) const {
    const auto it = values_.find(name);
    return it == values_.end() ? std::vector<std::string>{} : it->second;
  }
  // A non-negative number; "positive" also refuses zero.
  [[nodiscard]] std::optional<Decimal> number(const std::string& name, bool positive = false) const {
    if (!has(name)) {
      return std::nullopt;
    }
    const std::string text = get(name);
    const auto value = Decimal::parse(text);
    if (!value) {
      throw InputError(name + " must be a number (at most 6 decimals), got '" + text + "'");
    }
    if (value->is_negative()) {
      throw InputError(name + " must not be negative, got " + text);
    }
    if (positive && value->is_zero()) {
      throw InputError(name + " must be greater than 0");
    }
    return value;
  }

private:
  std::map<std::string, std::vector<std::string>, std::less<>> values_;
};

struct Common {
  PriceTable prices;
  Usage usage;
  Format format = Format::Table;
  ScheduleSettings schedule;
};

Common read_common(const Arguments& args) {
  Common common;
  const char* from_env = std::getenv("COSTMODEL_PRICES");
  common.prices =
      PriceTable::load_file(args.get("--prices", from_env != nullptr ? from_env : COSTMODEL_DEFAULT_PRICES));
  if (args.has("--usage")) {
    common.usage = Usage::load_file(args.get("--usage"));
  }
  if (args.has("--format")) {
    const auto format = parse_format(args.get("--format"));
    if (!format) {
      throw InputError("--format must be table, markdown or json, got '" + args.get("--format") + "'");
    }
    common.format = *format;
  }
  if (const auto hours = args.number("--hours-per-month", true)) {
    if (*hours > Decimal::from_int(744)) {
      throw InputError("--hours-per-month must be at most 744 (31 days), got " + hours->to_plain_string());
    }
    common.schedule.month_hours = *hours;
  }
  if (const auto weekly = args.number("--weekly-hours", true)) {
    if (*weekly > Decimal::from_int(168)) {
      throw InputError("--weekly-hours must be at most 168, got " + weekly->to_plain_string());
    }
    common.schedule.weekly_hours = weekly;
  }
  return common;
}

ReportContext report_context(const Common& common, const EnvironmentSpec& spec, const std::string& schedule,
                             const Hours& hours, bool free_tier = false) {
  return ReportContext{spec.name,
                       common.prices.region(),
                       common.prices.as_of(),
                       schedule,
                       hours,
                       business_weekly_hours(spec, common.schedule),
                       free_tier,
                       Decimal{},
                       Decimal{}};
}

// The always-free allowances are deducted unless --no-free-tier: they are per account,
// so only one environment of a shared account may count them.
bool free_tier(const Arguments& args) {
  return !args.has("--no-free-tier");
}

ScheduleMode schedule_mode(const std::string& name) {
  if (name == "auto") {
    return ScheduleMode::AsConfigured;
  }
  if (name == "business-hours") {
    return ScheduleMode::BusinessHours;
  }
  if (name == "24x7") {
    return ScheduleMode::AlwaysOn;
  }
  throw InputError("--schedule must be auto, business-hours or 24x7, got '" + name + "'");
}

std::string schedule_label(ScheduleMode mode, const EnvironmentSpec& spec) {
  switch (mode) {
    case ScheduleMode::BusinessHours:
    case ScheduleMode::BusinessHoursWithAlb: return "business-hours";
    case ScheduleMode::AlwaysOn: return "24x7";
    case ScheduleMode::AsConfigured: break;
  }
  return spec.schedule_on() ? "as scheduled in the tfvars" : "24x7";
}

std::string environment_from_tags(const std::vector<Resource>& resources) {
  for (const auto& resource : resources) {
    if (const auto* tags = first_block(resource.values, "tags")) {
      if (const auto* env = tags->if_contains("Environment"); env != nullptr && env->is_string()) {
        return std::string(env->get_string());
      }
    }
  }
  return "(unnamed)";
}

int estimate(const Arguments& args, std::ostream& out) {
  const Common common = read_common(args);
  const auto resources = load_plan_file(args.required("--plan"));
  EnvironmentSpec spec;
  if (args.has("--tfvars")) {
    spec = load_spec_file(args.get("--tfvars"));
  } else {
    spec.name = environment_from_tags(resources);
  }
  const ScheduleMode mode = schedule_mode(args.get("--schedule", "auto"));
  PricingOptions options;
  options.hours = hours_for(spec, mode, common.schedule);
  options.default_az_count = spec.az_count;
  options.endpoint_az_count = std::min(spec.interface_endpoint_az_count, spec.az_count);
  options.strict = args.has("--strict");
  options.free_tier = free_tier(args);
  const Estimate result = price_resources(resources, common.prices, common.usage, options);
  PricingOptions worst = options;
  worst.spot_worst_case = true;
  const Estimate high = price_resources(resources, common.prices, common.usage, worst);
  ReportContext context = report_context(common, spec, schedule_label(mode, spec), options.hours, options.free_tier);
  context.spot_discount_low_end = spot_discount(common.prices, options);
  context.spot_discount_high_end = spot_discount(common.prices, worst);
  out << render_estimate(result, high, context, common.format);
  return 0;
}

std::vector<std::string> split_commas(const std::vector<std::string>& values) {
  std::vector<std::string> items;
  for (const auto& value : values) {
    std::istringstream stream(value);
    for (std::string item; std::getline(stream, item, ',');) {
      if (!item.empty()) {
        items.push_back(item);
      }
    }
  }
  return items;
}

int what_if_command(const Arguments& args, std::ostream& out) {
  const Common common = read_common(args);
  const EnvironmentSpec spec = load_spec_file(args.required("--tfvars"));
  const auto scenarios = what_if(spec, common.prices, common.usage, common.schedule,
                                 split_commas(args.all("--scenario")), free_tier(args));
  const Hours hours = hours_for(spec, ScheduleMode::AsConfigured, common.schedule);
  out << render_what_if(
      scenarios, report_context(common, spec, schedule_label(ScheduleMode::AsConfigured, spec), hours, free_tier(args)),
      common.format);
  return 0;
}

Decimal throughput(const Arguments& args, const std::string& service) {
  if (const auto rps = args.number("--throughput-rps", true)) {
    return *rps;
  }
  if (args.has("--results")) {
    const std::string path = args.get("--results");
    return throughput_from_results(read_file(path, "results"), path, service);
  }
  throw InputError("give the measured throughput per task: --throughput-rps N or --results bench/RESULTS.md");
}

void apply_task_options(const Arguments& args, PerMillionInput& input) {
  if (const auto cpu = args.number("--task-cpu", true)) {
    input.task.vcpu = *cpu;
  }
  if (const auto memory = args.number("--task-memory", true)) {
    input.task.memory_gb = *memory;
  }
  if (args.has("--arch")) {
    const std::string arch = args.get("--arch");
    if (arch != "arm64" && arch != "x86_64") {
      throw InputError("--arch must be arm64 or x86_64, got '" + arch + "'");
    }
    input.task.arm64 = arch == "arm64";
  }
  if (const auto spot = args.number("--spot-share")) {
    if (*spot > Decimal::from_int(1)) {
      throw InputError("--spot-share must be between 0 and 1, got " + spot->to_plain_string());
    }
    input.capacity = CapacityStrategy{Decimal{}, Decimal::from_int(1) - *spot, *spot};
  }
  if (const auto utilization = args.number("--utilization", true)) {
    input.target_utilization = *utilization;
  }
  if (const auto min_tasks = args.number("--min-tasks")) {
    input.min_tasks = min_tasks->ceil_whole();
  }
}

int per_million(const Arguments& args, std::ostream& out) {
  const Common common = read_common(args);
  const std::string service = args.get("--service", "product-service");
  PerMillionInput input;
  input.traffic = common.usage.alb;
  const auto rate = args.number("--request-rate", true);
  if (!rate) {
    throw InputError("option --request-rate is required (average requests per second)");
  }
  input.request_rate_rps = *rate;
  input.throughput_rps_per_task = throughput(args, service);
  EnvironmentSpec spec;
  spec.name = "(none)";
  if (args.has("--tfvars")) {
    spec = load_spec_file(args.get("--tfvars"));
    input.task.arm64 = spec.arm64;
    input.capacity = spec.capacity;
    const auto found = std::find_if(spec.services.begin(), spec.services.end(),
                                    [&](const ServiceSpec& s) { return s.name == service; });
    if (found == spec.services.end()) {
      throw InputError("service '" + service + "' is not in the services of " + args.get("--tfvars") +
                       " (choose one with --service)");
    }
    input.task.vcpu = found->cpu_units / Decimal::from_int(1024);
    input.task.memory_gb = found->memory_mib / Decimal::from_int(1024);
    input.min_tasks = std::max<std::int64_t>(1, found->desired_count.ceil_whole());
  }
  apply_task_options(args, input);
  const PerMillionResult result = cost_per_million(input, common.prices);
  ReportContext context = report_context(common, spec, "24x7", Hours::always_on(common.schedule.month_hours));
  PricingOptions worst;
  worst.spot_worst_case = true;
  context.spot_discount_low_end = spot_discount(common.prices, PricingOptions{});
  context.spot_discount_high_end = spot_discount(common.prices, worst);
  out << render_per_million(input, result, context, common.format);
  return 0;
}

int dispatch(const std::vector<std::string>& args, std::ostream& out) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    out << usage_text();
    return 0;
  }
  const std::string& command = args[0];
  if (kCommandOptions.count(command) == 0) {
    throw InputError("unknown command '" + command + "' (estimate, what-if or per-million; see costmodel --help)");
  }
  const Arguments arguments(args, command);
  if (command == "estimate") {
    return estimate(arguments, out);
  }
  if (command == "what-if") {
    return what_if_command(arguments, out);
  }
  return per_million(arguments, out);
}

}  // namespace

std::string usage_text() {
  return R"(usage:
  costmodel estimate --plan PLAN.json [--tfvars VARS.json] [--schedule auto|business-hours|24x7]
                     [--strict] [--no-free-tier] [common options]
      monthly cost per component from `terraform show -json` output; the tfvars (from
      `tfcheck tfvars-json`) give the AZ count and the schedules (auto: as they say)
  costmodel what-if --tfvars VARS.json [--scenario NAME[,NAME...]] [--no-free-tier] [common options]
      the baseline and one scenario per lever: schedule, Spot share, NAT strategy,
      RDS Multi-AZ, ARM vs x86, log retention, SLO, business-metric and per-task alarms
      CloudWatch's always-free allowances (alarm metrics, dashboards, log GB) are deducted
      as negative lines; they count once per AWS account and month, so give --no-free-tier
      for every other environment that shares the account
  costmodel per-million --request-rate RPS (--throughput-rps N | --results bench/RESULTS.md)
                        [--service NAME] [--tfvars VARS.json] [--task-cpu VCPU]
                        [--task-memory GB] [--arch arm64|x86_64] [--spot-share 0..1]
                        [--utilization 0..1] [--min-tasks N] [common options]
      cost per million requests: tasks, ALB hour and LCUs (not WAF requests, data transfer out,
      logs, X-Ray or CloudWatch metrics, so no free tier); with tasks on Fargate Spot, low
      (Spot at its best-case discount) to high (the worst case the price table states)
common options:
  --prices FILE          price table (default: tools/costmodel/prices/us-east-1.json, or $COSTMODEL_PRICES)
  --usage FILE           usage assumptions (traffic, GB of logs, NAT data); see README
  --format table|markdown|json
  --hours-per-month N    hours in a month for always-on resources (default 730)
  --weekly-hours N       hours a week the environment runs under business hours (default: from the
                         tfvars' schedules, else 50 = Mon-Fri 08:00-18:00)
exit codes: 0 ok, 2 bad input (the message names it), 3 internal error
)";
}

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  try {
    return dispatch(args, out);
  } catch (const InputError& error) {
    err << "costmodel: error: " << error.what() << '\n';
    return 2;
  } catch (const std::exception& error) {
    err << "costmodel: internal error: " << error.what() << '\n';
    return 3;
  }
}

}  // namespace costmodel
