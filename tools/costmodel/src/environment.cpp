#include "costmodel/environment.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "costmodel/error.hpp"
#include "costmodel/json_util.hpp"
#include "costmodel/schedule.hpp"

namespace costmodel {
namespace {

constexpr std::array<std::string_view, 4> kNatStrategies = {"none", "single", "per_az", "instance"};

int small_count(const boost::json::object& tfvars, std::string_view key, int fallback, int low, int high,
                const std::string& origin) {
  const auto value = number_field(tfvars, key, origin);
  if (!value) {
    return fallback;
  }
  if (*value < Decimal::from_int(low) || *value > Decimal::from_int(high) || value->rounded(0) != *value) {
    throw InputError(origin + ": '" + std::string(key) + "' must be a whole number from " + std::to_string(low) +
                     " to " + std::to_string(high) + ", got " + value->to_plain_string());
  }
  return static_cast<int>(value->micro() / Decimal::kScale);
}

std::vector<std::string> string_list(const boost::json::object& tfvars, std::string_view key,
                                     const std::string& origin) {
  std::vector<std::string> items;
  for (const auto& item : array_field(tfvars, key)) {
    if (!item.is_string()) {
      throw InputError(origin + ": '" + std::string(key) + "' must be a list of strings");
    }
    items.emplace_back(item.get_string());
  }
  return items;
}

Decimal service_number(const boost::json::object& service, std::string_view key, Decimal fallback,
                       const std::string& context) {
  const auto value = number_field(service, key, context).value_or(fallback);
  if (value.is_negative()) {
    throw InputError(context + ": '" + std::string(key) + "' must not be negative");
  }
  return value;
}

std::vector<ServiceSpec> read_services(const boost::json::value& value, const std::string& origin) {
  if (!value.is_object()) {
    throw InputError(origin + ": 'services' must be a map of service name to {cpu, memory, desired_count}");
  }
  std::vector<ServiceSpec> services;
  for (const auto& [name, settings] : value.get_object()) {
    const std::string context = origin + ": services." + std::string(name);
    if (!settings.is_object()) {
      throw InputError(context + " must be an object");
    }
    const auto& object = settings.get_object();
    ServiceSpec service{std::string(name)};
    service.cpu_units = service_number(object, "cpu", service.cpu_units, context);
    service.memory_mib = service_number(object, "memory", service.memory_mib, context);
    service.desired_count = service_number(object, "desired_count", service.desired_count, context);
    service.min_count = service_number(object, "min_count", service.min_count, context);
    service.max_count = service_number(object, "max_count", service.max_count, context);
    if (service.max_count < service.min_count) {
      throw InputError(context + ": 'max_count' must not be below 'min_count'");
    }
    services.push_back(service);
  }
  return services;
}

void read_nat(EnvironmentSpec& spec, const boost::json::object& tfvars, const std::string& origin) {
  spec.nat_strategy = string_field(tfvars, "nat_strategy", origin).value_or(spec.nat_strategy);
  if (std::find(kNatStrategies.begin(), kNatStrategies.end(), spec.nat_strategy) == kNatStrategies.end()) {
    throw InputError(origin + ": 'nat_strategy' must be none, single, per_az or instance, got '" + spec.nat_strategy +
                     "'");
  }
  spec.nat_instance_type = string_field(tfvars, "nat_instance_type", origin).value_or(spec.nat_instance_type);
  spec.interface_endpoints = bool_field(tfvars, "enable_interface_endpoints", origin).value_or(false);
  if (tfvars.contains("interface_endpoint_services")) {
    spec.interface_endpoint_services = string_list(tfvars, "interface_endpoint_services", origin);
  }
  spec.interface_endpoint_az_count =
      small_count(tfvars, "interface_endpoint_az_count", spec.interface_endpoint_az_count, 1, 6, origin);
}

CapacityStrategy read_capacity(const boost::json::value& value, const std::string& origin) {
  const std::string context = origin + ": capacity_provider_strategy";
  if (!value.is_object()) {
    throw InputError(context + " must be {on_demand_base, on_demand_weight, spot_weight}");
  }
  const auto& object = value.get_object();
  CapacityStrategy strategy;
  strategy.on_demand_base = service_number(object, "on_demand_base", strategy.on_demand_base, context);
  strategy.on_demand_weight = service_number(object, "on_demand_weight", strategy.on_demand_weight, context);
  strategy.spot_weight = service_number(object, "spot_weight", strategy.spot_weight, context);
  if ((strategy.on_demand_weight + strategy.spot_weight).is_zero()) {
    throw InputError(context + ": on_demand_weight and spot_weight cannot both be 0");
  }
  return strategy;
}

void read_compute(EnvironmentSpec& spec, const boost::json::object& tfvars, const std::string& origin) {
  if (const auto* services = tfvars.if_contains("services")) {
    spec.services = read_services(*services, origin);
  }
  const auto architecture = string_field(tfvars, "cpu_architecture", origin).value_or("ARM64");
  if (architecture != "ARM64" && architecture != "X86_64") {
    throw InputError(origin + ": 'cpu_architecture' must be ARM64 or X86_64, got '" + architecture + "'");
  }
  spec.arm64 = architecture == "ARM64";
  if (const auto* strategy = tfvars.if_contains("capacity_provider_strategy")) {
    spec.capacity = read_capacity(*strategy, origin);
  }
  spec.container_insights = bool_field(tfvars, "enable_container_insights", origin).value_or(false);
  spec.adot = bool_field(tfvars, "enable_adot", origin).value_or(false);
  if (const auto* sampling = first_block(tfvars, "trace_sampling")) {
    const std::string context = origin + ": trace_sampling";
    spec.trace_default_ratio = service_number(*sampling, "default_ratio", spec.trace_default_ratio, context);
    spec.trace_checkout_ratio = service_number(*sampling, "checkout_ratio", spec.trace_checkout_ratio, context);
    if (spec.trace_default_ratio > Decimal::from_int(1) || spec.trace_checkout_ratio > Decimal::from_int(1)) {
      throw InputError(context + ": the ratios must be between 0 and 1");
    }
  }
}

// scheduled_scale_in = {enabled, stop_cron, start_cron}: tasks only (App Auto Scaling).
// scheduler = {enabled, start_schedule, stop_schedule} or enable_scheduler = true: the
// scheduler module, which also stops RDS and the NAT instance (default Mon-Fri 08-18).
void read_schedules(EnvironmentSpec& spec, const boost::json::object& tfvars, const std::string& origin) {
  if (const auto* scale_in = first_block(tfvars, "scheduled_scale_in")) {
    const std::string context = origin + ": scheduled_scale_in";
    if (bool_field(*scale_in, "enabled", context).value_or(false)) {
      spec.scale_in_weekly_hours =
          weekly_on_hours(string_field(*scale_in, "start_cron", context).value_or("cron(0 7 ? * MON-FRI *)"),
                          string_field(*scale_in, "stop_cron", context).value_or("cron(0 20 ? * MON-FRI *)"));
    }
  }
  const auto* scheduler = first_block(tfvars, "scheduler");
  const std::string context = origin + ": scheduler";
  const bool enabled = scheduler != nullptr ? bool_field(*scheduler, "enabled", context).value_or(true)
                                            : bool_field(tfvars, "enable_scheduler", origin).value_or(false);
  if (enabled) {
    const auto start = scheduler != nullptr ? string_field(*scheduler, "start_schedule", context) : std::nullopt;
    const auto stop = scheduler != nullptr ? string_field(*scheduler, "stop_schedule", context) : std::nullopt;
    spec.scheduler_weekly_hours =
        weekly_on_hours(start.value_or("cron(0 8 ? * MON-FRI *)"), stop.value_or("cron(0 18 ? * * *)"));
  }
}

void read_database(EnvironmentSpec& spec, const boost::json::object& tfvars, const std::string& origin) {
  spec.db_instance_class = string_field(tfvars, "db_instance_class", origin).value_or(spec.db_instance_class);
  spec.db_multi_az = bool_field(tfvars, "db_multi_az", origin).value_or(spec.db_multi_az);
  spec.db_storage_gb = Decimal::from_int(small_count(tfvars, "db_allocated_storage_gb", 20, 20, 65536, origin));
  spec.db_storage_type = string_field(tfvars, "db_storage_type", origin).value_or(spec.db_storage_type);
}

Resource make(std::string type, std::string name, boost::json::object values, std::string index = "") {
  Resource r;
  r.address = type + "." + name + (index.empty() ? "" : "[\"" + index + "\"]");
  r.type = std::move(type);
  r.name = std::move(name);
  r.index = std::move(index);
  r.values = std::move(values);
  return r;
}

boost::json::value decimal_json(Decimal value) {
  return boost::json::value(value.to_plain_string());
}

boost::json::array subnet_ids(int count) {
  boost::json::array ids;
  for (int i = 0; i < count; ++i) {
    ids.emplace_back("subnet-" + std::to_string(i));
  }
  return ids;
}

void add_services(const EnvironmentSpec& spec, std::vector<Resource>& out) {
  out.push_back(
      make("aws_ecs_cluster", "this",
           {{"name", spec.name},
            {"setting",
             boost::json::array{boost::json::object{{"name", "containerInsights"},
                                                    {"value", spec.container_insights ? "enabled" : "disabled"}}}}}));
  for (const auto& service : spec.services) {
    out.push_back(make("aws_ecs_task_definition", "service",
                       {{"family", spec.name + "-" + service.name},
                        {"cpu", decimal_json(service.cpu_units)},
                        {"memory", decimal_json(service.memory_mib)},
                        {"runtime_platform",
                         boost::json::array{boost::json::object{{"cpu_architecture", spec.arm64 ? "ARM64" : "X86_64"},
                                                                {"operating_system_family", "LINUX"}}}}},
                       service.name));
    out.push_back(make("aws_cloudwatch_log_metric_filter", "starts",
                       {{"name", spec.prefix() + "-" + service.name + "-starts"}}, service.name));
    const boost::json::array strategy = strategy_json(spec.capacity);
    out.push_back(make("aws_ecs_service", "service",
                       {{"name", service.name},
                        {"desired_count", decimal_json(service.desired_count)},
                        {"capacity_provider_strategy", strategy}},
                       service.name));
    if (service.target_tracking()) {  // modules/ecs: one policy on CPU, one on requests (blue + green)
      out.push_back(make("aws_appautoscaling_policy", "cpu",
                         {{"policy_type", "TargetTrackingScaling"},
                          {"target_tracking_scaling_policy_configuration",
                           boost::json::array{boost::json::object{
                               {"predefined_metric_specification",
                                boost::json::array{boost::json::object{
                                    {"predefined_metric_type", "ECSServiceAverageCPUUtilization"}}}}}}}},
                         service.name));
      boost::json::array metrics;
      for (const char* id : {"blue", "green"}) {
        metrics.push_back(boost::json::object{
            {"id", id},
            {"metric_stat",
             boost::json::array{boost::json::object{
                 {"stat", "Sum"},
                 {"metric",
                  boost::json::array{boost::json::object{{"namespace", "AWS/ApplicationELB"},
                                                         {"metric_name", "RequestCountPerTarget"}}}}}}}});
      }
      metrics.push_back(boost::json::object{{"id", "requests"}, {"expression", "FILL(blue, 0) + FILL(green, 0)"}});
      out.push_back(make(
          "aws_appautoscaling_policy", "requests",
          {{"policy_type", "TargetTrackingScaling"},
           {"target_tracking_scaling_policy_configuration",
            boost::json::array{boost::json::object{
                {"customized_metric_specification", boost::json::array{boost::json::object{{"metrics", metrics}}}}}}}},
          service.name));
    }
  }
}

// modules/ecs's one-off db-init task definition, the X-Ray sampling rules (always created)
// and the ADOT collector's configuration (with enable_adot).
void add_tracing(const EnvironmentSpec& spec, std::vector<Resource>& out) {
  out.push_back(make("aws_ecs_task_definition", "db_init", {{"family", spec.prefix() + "-db-init"}}));
  const std::array<std::pair<const char*, Decimal>, 4> rules = {{{"health", Decimal{}},
                                                                 {"ready", Decimal{}},
                                                                 {"checkout", spec.trace_checkout_ratio},
                                                                 {"default", spec.trace_default_ratio}}};
  for (const auto& [key, rate] : rules) {
    out.push_back(make("aws_xray_sampling_rule", "this",
                       {{"rule_name", spec.prefix().substr(0, 22) + "-" + key}, {"fixed_rate", decimal_json(rate)}},
                       key));
  }
  if (spec.adot) {
    out.push_back(make("aws_ssm_parameter", "adot_config", {{"name", "/" + spec.prefix() + "/adot/collector-config"}}));
  }
}

void add_network(const EnvironmentSpec& spec, std::vector<Resource>& out) {
  out.push_back(
      make("aws_lb", "this",
           {{"load_balancer_type", "application"}, {"internal", false}, {"subnets", subnet_ids(spec.az_count)}}));
  const int gateways = spec.nat_strategy == "single" ? 1 : spec.nat_strategy == "per_az" ? spec.az_count : 0;
  for (int i = 0; i < gateways; ++i) {
    out.push_back(make("aws_nat_gateway", "this", {{"connectivity_type", "public"}}, std::to_string(i)));
    out.push_back(make("aws_eip", "nat", {{"domain", "vpc"}}, std::to_string(i)));
  }
  if (spec.nat_strategy == "instance") {
    out.push_back(make(
        "aws_instance", "nat",
        {{"instance_type", spec.nat_instance_type},
         {"source_dest_check", false},
         {"associate_public_ip_address", true},
         {"root_block_device", boost::json::array{boost::json::object{{"volume_size", 8}, {"volume_type", "gp3"}}}}}));
  }
  out.push_back(make("aws_vpc_endpoint", "s3",
                     {{"vpc_endpoint_type", "Gateway"}, {"service_name", "com.amazonaws.us-east-1.s3"}}));
  if (spec.interface_endpoints || spec.nat_strategy == "none") {
    const int azs = std::min(spec.interface_endpoint_az_count, spec.az_count);
    for (const auto& endpoint : spec.interface_endpoint_services) {
      out.push_back(make("aws_vpc_endpoint", "interface",
                         {{"vpc_endpoint_type", "Interface"},
                          {"service_name", "com.amazonaws.us-east-1." + endpoint},
                          {"subnet_ids", subnet_ids(azs)}},
                         endpoint));
    }
  }
}

void add_numbered(std::vector<Resource>& out, const std::string& type, const std::string& name, int count,
                  const boost::json::object& values = {}) {
  for (int i = 0; i < count; ++i) {
    out.push_back(make(type, name, values, std::to_string(i)));
  }
}

void add_data(const EnvironmentSpec& spec, std::vector<Resource>& out) {
  out.push_back(make("aws_db_instance", "this",
                     {{"engine", "postgres"},
                      {"instance_class", spec.db_instance_class},
                      {"multi_az", spec.db_multi_az},
                      {"allocated_storage", decimal_json(spec.db_storage_gb)},
                      {"storage_type", spec.db_storage_type},
                      {"manage_master_user_password", true}}));
  for (const auto& service : spec.services) {
    out.push_back(
        make("aws_cloudwatch_log_group", "service",
             {{"name", "/ecs/" + spec.prefix() + "/" + service.name}, {"retention_in_days", spec.log_retention_days}},
             service.name));
    out.push_back(make("aws_ecr_repository", "service", {{"name", service.name}}, service.name));
  }
  for (const auto& name :
       {"/ecs/" + spec.prefix() + "/db-init", "/aws/rds/instance/" + spec.prefix() + "/postgresql"}) {
    out.push_back(make("aws_cloudwatch_log_group", "other",
                       {{"name", name}, {"retention_in_days", spec.log_retention_days}}, name));
  }
  add_numbered(out, "aws_secretsmanager_secret", "this", spec.secrets);
  add_numbered(out, "aws_kms_key", "this", spec.kms_keys);
  add_numbered(out, "aws_s3_bucket", "this", spec.s3_buckets);
  // One single-metric alarm per alarm metric: the price is per metric.
  const int per_service = spec.alarm_metrics_per_service + (spec.task_alarms ? spec.task_alarm_metrics_per_service : 0);
  const int alarms = per_service * static_cast<int>(spec.services.size()) + spec.environment_alarms +
      (spec.business_alarms ? spec.business_alarm_metrics : 0) + (spec.cost_spike_alarm ? 1 : 0) +
      (spec.slo_alarms ? spec.slo_alarm_metrics : 0);
  add_numbered(out, "aws_cloudwatch_metric_alarm", "this", alarms, {{"period", 300}});
  add_numbered(out, "aws_cloudwatch_composite_alarm", "this", spec.slo_alarms ? spec.slo_composite_alarms : 0);
  add_numbered(out, "aws_cloudwatch_dashboard", "this", spec.dashboards);
  if (spec.scheduler_weekly_hours) {  // modules/scheduler: its log group and two alarms
    out.push_back(make(
        "aws_cloudwatch_log_group", "scheduler",
        {{"name", "/aws/lambda/" + spec.prefix() + "-scheduler"}, {"retention_in_days", spec.log_retention_days}}));
    add_numbered(out, "aws_cloudwatch_metric_alarm", "scheduler", 2, {{"period", 300}});
  }
  if (spec.waf) {
    boost::json::array rules;
    for (const char* rule : {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet",
                             "AWSManagedRulesAmazonIpReputationList", "rate-limit"}) {
      rules.push_back(boost::json::object{{"name", rule}});
    }
    out.push_back(make("aws_wafv2_web_acl", "this", {{"rule", rules}}));
  }
}

void add_security_services(const EnvironmentSpec& spec, std::vector<Resource>& out) {
  add_numbered(out, "aws_guardduty_detector", "this", spec.guardduty ? 1 : 0, {{"enable", true}});
  add_numbered(out, "aws_config_configuration_recorder", "this", spec.config ? 1 : 0);
  add_numbered(out, "aws_config_config_rule", "this", spec.config ? spec.config_rules : 0);
  add_numbered(out, "aws_securityhub_account", "this", spec.securityhub ? 1 : 0);
  add_numbered(out, "aws_securityhub_standards_subscription", "fsbp", spec.securityhub ? 1 : 0);
}

}  // namespace

boost::json::array strategy_json(const CapacityStrategy& strategy) {
  boost::json::array items;
  items.push_back(boost::json::object{{"capacity_provider", "FARGATE"},
                                      {"weight", decimal_json(strategy.on_demand_weight)},
                                      {"base", decimal_json(strategy.on_demand_base)}});
  items.push_back(boost::json::object{
      {"capacity_provider", "FARGATE_SPOT"}, {"weight", decimal_json(strategy.spot_weight)}, {"base", 0}});
  return items;
}

const std::vector<std::string>& default_interface_endpoints() {
  static const std::vector<std::string> endpoints = {"ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssm"};
  return endpoints;
}

EnvironmentSpec spec_from_tfvars(const boost::json::object& tfvars, const std::string& origin) {
  EnvironmentSpec spec;
  spec.name = string_field(tfvars, "environment", origin).value_or(spec.name);
  spec.project = string_field(tfvars, "project", origin).value_or(spec.project);
  if (const auto* zones = tfvars.if_contains("availability_zones"); zones != nullptr && zones->is_array()) {
    spec.az_count = static_cast<int>(std::clamp<std::size_t>(zones->get_array().size(), 1, 6));
  }
  spec.az_count = small_count(tfvars, "availability_zone_count", spec.az_count, 1, 6, origin);
  read_nat(spec, tfvars, origin);
  read_compute(spec, tfvars, origin);
  read_database(spec, tfvars, origin);
  spec.log_retention_days = small_count(tfvars, "log_retention_days", spec.log_retention_days, 0, 3653, origin);
  spec.waf = bool_field(tfvars, "enable_waf", origin).value_or(spec.waf);
  spec.slo_alarms = bool_field(tfvars, "enable_slo_alarms", origin).value_or(spec.slo_alarms);
  spec.business_alarms = bool_field(tfvars, "enable_business_alarms", origin).value_or(spec.business_alarms);
  spec.task_alarms = bool_field(tfvars, "enable_task_alarms", origin).value_or(spec.task_alarms);
  spec.guardduty = bool_field(tfvars, "enable_guardduty", origin).value_or(spec.guardduty);
  spec.config = bool_field(tfvars, "enable_config", origin).value_or(spec.config);
  spec.securityhub = bool_field(tfvars, "enable_securityhub", origin).value_or(spec.securityhub);
  if (const auto spike = number_field(tfvars, "cost_spike_alarm_usd", origin)) {
    if (*spike < Decimal{}) {
      throw InputError(origin + ": 'cost_spike_alarm_usd' must not be negative, got " + spike->to_plain_string());
    }
    spec.cost_spike_alarm = *spike > Decimal{};
  }
  read_schedules(spec, tfvars, origin);
  return spec;
}

boost::json::object load_tfvars_file(const std::string& path) {
  auto document = parse_json(read_file(path, "tfvars"), path);
  if (!document.is_object()) {
    throw InputError(path + " must be a JSON object of variable values (make it with: tfcheck tfvars-json FILE)");
  }
  return std::move(document.get_object());
}

EnvironmentSpec load_spec_file(const std::string& path) {
  return spec_from_tfvars(load_tfvars_file(path), path);
}

std::vector<Resource> synthesize_resources(const EnvironmentSpec& spec) {
  std::vector<Resource> resources;
  add_services(spec, resources);
  add_tracing(spec, resources);
  add_network(spec, resources);
  add_data(spec, resources);
  add_security_services(spec, resources);
  return resources;
}

}  // namespace costmodel
