#include "costmodel/environment.hpp"

#include <algorithm>
#include <array>

#include "costmodel/error.hpp"
#include "costmodel/json_util.hpp"

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
    services.push_back(service);
  }
  return services;
}

void read_nat(EnvironmentSpec& spec, const boost::json::object& tfvars, const std::string& origin) {
  spec.nat_strategy = string_field(tfvars, "nat_strategy", origin).value_or(spec.nat_strategy);
  if (std::find(kNatStrategies.begin(), kNatStrategies.end(), spec.nat_strategy) == kNatStrategies.end()) {
    throw InputError(origin + ": 'nat_strategy' must be none, single, per_az or instance, got '" +
                     spec.nat_strategy + "'");
  }
  spec.nat_instance_type = string_field(tfvars, "nat_instance_type", origin).value_or(spec.nat_instance_type);
  spec.interface_endpoints = bool_field(tfvars, "enable_interface_endpoints", origin).value_or(false);
  if (tfvars.contains("interface_endpoint_services")) {
    spec.interface_endpoint_services = string_list(tfvars, "interface_endpoint_services", origin);
  }
  spec.interface_endpoint_az_count =
      small_count(tfvars, "interface_endpoint_az_count", spec.interface_endpoint_az_count, 1, 6, origin);
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
  spec.spot_share = number_field(tfvars, "fargate_spot_share", origin).value_or(spec.spot_share);
  if (spec.spot_share.is_negative() || spec.spot_share > Decimal::from_int(1)) {
    throw InputError(origin + ": 'fargate_spot_share' must be between 0 and 1, got " +
                     spec.spot_share.to_plain_string());
  }
}

void read_database(EnvironmentSpec& spec, const boost::json::object& tfvars, const std::string& origin) {
  spec.db_instance_class = string_field(tfvars, "db_instance_class", origin).value_or(spec.db_instance_class);
  spec.db_multi_az = bool_field(tfvars, "db_multi_az", origin).value_or(spec.db_multi_az);
  spec.db_storage_gb = Decimal::from_int(small_count(tfvars, "db_allocated_storage", 20, 20, 65536, origin));
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

boost::json::value decimal_json(Decimal value) { return boost::json::value(value.to_plain_string()); }

boost::json::array subnet_ids(int count) {
  boost::json::array ids;
  for (int i = 0; i < count; ++i) {
    ids.emplace_back("subnet-" + std::to_string(i));
  }
  return ids;
}

void add_services(const EnvironmentSpec& spec, std::vector<Resource>& out) {
  const Decimal hundred = Decimal::from_int(100);
  const Decimal spot_weight = (spec.spot_share * hundred).rounded(0);
  for (const auto& service : spec.services) {
    out.push_back(make("aws_ecs_task_definition", "service",
                       {{"family", spec.name + "-" + service.name},
                        {"cpu", decimal_json(service.cpu_units)},
                        {"memory", decimal_json(service.memory_mib)},
                        {"runtime_platform", boost::json::array{boost::json::object{
                                                 {"cpu_architecture", spec.arm64 ? "ARM64" : "X86_64"},
                                                 {"operating_system_family", "LINUX"}}}}},
                       service.name));
    boost::json::array strategy;
    strategy.push_back(boost::json::object{{"capacity_provider", "FARGATE"},
                                           {"weight", decimal_json(hundred - spot_weight)},
                                           {"base", 0}});
    strategy.push_back(boost::json::object{{"capacity_provider", "FARGATE_SPOT"},
                                           {"weight", decimal_json(spot_weight)},
                                           {"base", 0}});
    out.push_back(make("aws_ecs_service", "service",
                       {{"name", service.name},
                        {"desired_count", decimal_json(service.desired_count)},
                        {"capacity_provider_strategy", strategy}},
                       service.name));
  }
}

void add_network(const EnvironmentSpec& spec, std::vector<Resource>& out) {
  out.push_back(make("aws_lb", "this", {{"load_balancer_type", "application"}, {"internal", false},
                                        {"subnets", subnet_ids(spec.az_count)}}));
  const int gateways = spec.nat_strategy == "single" ? 1 : spec.nat_strategy == "per_az" ? spec.az_count : 0;
  for (int i = 0; i < gateways; ++i) {
    out.push_back(make("aws_nat_gateway", "this", {{"connectivity_type", "public"}}, std::to_string(i)));
    out.push_back(make("aws_eip", "nat", {{"domain", "vpc"}}, std::to_string(i)));
  }
  if (spec.nat_strategy == "instance") {
    out.push_back(make("aws_instance", "nat",
                       {{"instance_type", spec.nat_instance_type},
                        {"source_dest_check", false},
                        {"associate_public_ip_address", true},
                        {"root_block_device",
                         boost::json::array{boost::json::object{{"volume_size", 8}, {"volume_type", "gp3"}}}}}));
  }
  out.push_back(make("aws_vpc_endpoint", "s3", {{"vpc_endpoint_type", "Gateway"},
                                                {"service_name", "com.amazonaws.us-east-1.s3"}}));
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

void add_data(const EnvironmentSpec& spec, std::vector<Resource>& out) {
  out.push_back(make("aws_db_instance", "this",
                     {{"engine", "postgres"},
                      {"instance_class", spec.db_instance_class},
                      {"multi_az", spec.db_multi_az},
                      {"allocated_storage", decimal_json(spec.db_storage_gb)},
                      {"storage_type", spec.db_storage_type}}));
  for (const auto& service : spec.services) {
    out.push_back(make("aws_cloudwatch_log_group", "service",
                       {{"name", "/ecs/" + spec.name + "/" + service.name},
                        {"retention_in_days", spec.log_retention_days}},
                       service.name));
    out.push_back(make("aws_ecr_repository", "service", {{"name", service.name}}, service.name));
  }
  for (int i = 0; i < spec.secrets; ++i) {
    out.push_back(make("aws_secretsmanager_secret", "this", {}, std::to_string(i)));
  }
  for (int i = 0; i < spec.alb_log_buckets; ++i) {
    out.push_back(make("aws_s3_bucket", "alb_logs", {}, std::to_string(i)));
  }
  if (spec.waf) {
    boost::json::array rules;
    for (const char* rule : {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "rate-limit"}) {
      rules.push_back(boost::json::object{{"name", rule}});
    }
    out.push_back(make("aws_wafv2_web_acl", "this", {{"rule", rules}}));
  }
}

}  // namespace

const std::vector<std::string>& default_interface_endpoints() {
  static const std::vector<std::string> endpoints = {"ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssm"};
  return endpoints;
}

EnvironmentSpec spec_from_tfvars(const boost::json::object& tfvars, const std::string& origin) {
  EnvironmentSpec spec;
  spec.name = string_field(tfvars, "environment", origin).value_or(spec.name);
  if (const auto* zones = tfvars.if_contains("availability_zones"); zones != nullptr && zones->is_array()) {
    spec.az_count = static_cast<int>(std::clamp<std::size_t>(zones->get_array().size(), 1, 6));
  }
  spec.az_count = small_count(tfvars, "az_count", spec.az_count, 1, 6, origin);
  read_nat(spec, tfvars, origin);
  read_compute(spec, tfvars, origin);
  read_database(spec, tfvars, origin);
  spec.log_retention_days = small_count(tfvars, "log_retention_days", spec.log_retention_days, 0, 3653, origin);
  spec.waf = bool_field(tfvars, "enable_waf", origin).value_or(spec.waf);
  spec.scheduler = bool_field(tfvars, "enable_scheduler", origin).value_or(spec.scheduler);
  return spec;
}

boost::json::object load_tfvars_file(const std::string& path) {
  auto document = parse_json(read_file(path, "tfvars"), path);
  if (!document.is_object()) {
    throw InputError(path + " must be a JSON object of variable values (make it with: tfcheck tfvars-json FILE)");
  }
  return std::move(document.get_object());
}

EnvironmentSpec load_spec_file(const std::string& path) { return spec_from_tfvars(load_tfvars_file(path), path); }

std::vector<Resource> synthesize_resources(const EnvironmentSpec& spec) {
  std::vector<Resource> resources;
  add_services(spec, resources);
  add_network(spec, resources);
  add_data(spec, resources);
  return resources;
}

}  // namespace costmodel
