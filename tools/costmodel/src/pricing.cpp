#include "costmodel/pricing.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <set>

#include "costmodel/error.hpp"
#include "costmodel/json_util.hpp"
#include "pricing_context.hpp"

namespace costmodel {
namespace detail {

void PricingContext::add(const Resource& resource, std::string component, std::string detail, Decimal monthly) const {
  out_.lines.push_back(Line{std::move(component), resource.address, resource.type, std::move(detail), monthly});
}

void PricingContext::free(const Resource& resource) const {
  out_.free_resources.push_back(resource.address);
}

void PricingContext::unpriced(const Resource& resource, const std::string& why) const {
  const std::string message = resource.address + " (" + resource.type + ") is not priced: " + why;
  if (options_.strict) {
    throw InputError(message + " [--strict]");
  }
  out_.warnings.push_back(message);
}

void PricingContext::warn(const std::string& message) const {
  out_.warnings.push_back(message);
}

void PricingContext::meter(const std::string& price_key, const std::string& component, Decimal quantity,
                           Decimal amount) const {
  auto& metered = out_.metered[price_key];
  metered.component = component;
  metered.quantity += quantity;
  metered.amount += amount;
}

std::size_t PricingContext::count_of_type(std::string_view type) const {
  return static_cast<std::size_t>(
      std::count_if(all_.begin(), all_.end(), [&](const Resource& r) { return r.type == type; }));
}

std::string usd(Decimal amount) {
  return "$" + amount.to_plain_string();
}

std::string hours_text(Decimal hours) {
  return hours.to_plain_string() + " h";
}

std::string string_value(const Resource& resource, std::string_view key, std::string fallback) {
  return string_field(resource.values, key, resource.address).value_or(std::move(fallback));
}

Decimal number_value(const Resource& resource, std::string_view key, Decimal fallback) {
  const auto value = number_field(resource.values, key, resource.address);
  if (value && value->is_negative()) {
    throw InputError(resource.address + ": '" + std::string(key) + "' must not be negative, got " +
                     value->to_plain_string());
  }
  return value.value_or(fallback);
}

bool bool_value(const Resource& resource, std::string_view key, bool fallback) {
  return bool_field(resource.values, key, resource.address).value_or(fallback);
}

std::optional<std::size_t> list_size(const Resource& resource, std::string_view key) {
  const auto* value = resource.values.if_contains(key);
  if (value == nullptr || !value->is_array()) {
    return std::nullopt;
  }
  return value->get_array().size();
}

}  // namespace detail

namespace {

using Pricer = std::function<void(const Resource&, const detail::PricingContext&)>;

const std::map<std::string, Pricer, std::less<>>& pricers() {
  static const std::map<std::string, Pricer, std::less<>> table = {
      {"aws_ecs_service", detail::price_ecs_service},
      {"aws_lb", detail::price_load_balancer},
      {"aws_alb", detail::price_load_balancer},
      {"aws_nat_gateway", detail::price_nat_gateway},
      {"aws_eip", detail::price_elastic_ip},
      {"aws_instance", detail::price_ec2_instance},
      {"aws_vpc_endpoint", detail::price_vpc_endpoint},
      {"aws_db_instance", detail::price_db_instance},
      {"aws_cloudwatch_log_group", detail::price_log_group},
      {"aws_ecr_repository", detail::price_ecr_repository},
      {"aws_s3_bucket", detail::price_s3_bucket},
      {"aws_secretsmanager_secret", detail::price_secret},
      {"aws_kms_key", detail::price_kms_key},
      {"aws_wafv2_web_acl", detail::price_web_acl},
      {"aws_cloudwatch_metric_alarm", detail::price_metric_alarm},
      {"aws_appautoscaling_policy", detail::price_scaling_policy},
      {"aws_cloudwatch_composite_alarm", detail::price_composite_alarm},
      {"aws_ecs_cluster", detail::price_ecs_cluster},
      {"aws_cloudwatch_log_metric_filter", detail::price_log_metric_filter},
      {"aws_ssm_parameter", detail::price_ssm_parameter},
      {"aws_cloudwatch_dashboard", detail::price_dashboard},
      {"aws_route53_zone", detail::price_hosted_zone},
      {"aws_guardduty_detector", detail::price_guardduty_detector},
      {"aws_config_configuration_recorder", detail::price_config_recorder},
      {"aws_config_config_rule", detail::price_config_rule},
      {"aws_securityhub_standards_subscription", detail::price_securityhub_standard},
  };
  return table;
}

// Types that cost nothing by themselves (their cost, if any, is usage that another
// line already counts, or is negligible at this project's volumes, as noted).
const std::set<std::string, std::less<>>& free_types() {
  static const std::set<std::string, std::less<>> types = {
      // networking plumbing
      "aws_vpc", "aws_subnet", "aws_route_table", "aws_route", "aws_route_table_association", "aws_internet_gateway",
      "aws_egress_only_internet_gateway", "aws_security_group", "aws_security_group_rule",
      "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule", "aws_default_security_group",
      "aws_default_network_acl", "aws_default_route_table", "aws_network_acl", "aws_network_acl_rule",
      "aws_vpc_endpoint_route_table_association", "aws_eip_association", "aws_network_interface", "aws_flow_log",
      "aws_main_route_table_association",
      // IAM
      "aws_iam_role", "aws_iam_policy", "aws_iam_role_policy", "aws_iam_role_policy_attachment",
      "aws_iam_openid_connect_provider", "aws_iam_service_linked_role", "aws_iam_instance_profile",
      // ECS and load balancer configuration (priced through the service and the ALB)
      "aws_ecs_cluster_capacity_providers", "aws_service_discovery_http_namespace", "aws_ecs_task_definition",
      "aws_ecs_account_setting_default", "aws_lb_target_group", "aws_lb_listener", "aws_lb_listener_rule",
      "aws_lb_listener_certificate", "aws_alb_target_group", "aws_alb_listener", "aws_alb_listener_rule",
      "aws_appautoscaling_target", "aws_appautoscaling_scheduled_action", "aws_service_discovery_private_dns_namespace",
      "aws_service_discovery_service", "aws_acm_certificate", "aws_acm_certificate_validation", "aws_route53_record",
      // data stores' configuration
      "aws_db_subnet_group", "aws_db_parameter_group", "aws_db_option_group", "aws_kms_alias",
      "aws_secretsmanager_secret_version", "aws_secretsmanager_secret_rotation", "aws_ecr_lifecycle_policy",
      "aws_ecr_repository_policy", "aws_s3_bucket_policy", "aws_s3_bucket_versioning",
      "aws_s3_bucket_lifecycle_configuration", "aws_s3_bucket_public_access_block",
      "aws_s3_bucket_server_side_encryption_configuration", "aws_s3_bucket_ownership_controls", "aws_s3_bucket_logging",
      "aws_s3_bucket_acl",
      // monitoring and events: usage-priced, cents at this project's volumes
      "aws_cloudwatch_log_resource_policy", "aws_sns_topic", "aws_sns_topic_subscription", "aws_sns_topic_policy",
      "aws_budgets_budget", "aws_ce_anomaly_monitor", "aws_ce_anomaly_subscription", "aws_ce_cost_allocation_tag",
      "aws_cloudwatch_event_rule", "aws_cloudwatch_event_target", "aws_lambda_function", "aws_lambda_permission",
      "aws_lambda_function_event_invoke_config", "aws_scheduler_schedule", "aws_scheduler_schedule_group",
      "aws_sqs_queue", "aws_sqs_queue_policy", "aws_wafv2_web_acl_association",
      "aws_wafv2_web_acl_logging_configuration", "aws_xray_sampling_rule", "aws_resourcegroups_group",
      "aws_cloudwatch_query_definition",
      // account security services: billed by volume on the detector, the recorder, the
      // rules and the standards (priced there); these cost nothing by themselves
      "aws_securityhub_account", "aws_config_delivery_channel", "aws_config_configuration_recorder_status"};
  return types;
}

const std::vector<std::string>& component_order() {
  static const std::vector<std::string> order = {"compute",    "load balancing", "network",  "database",
                                                 "logs",       "storage",        "security", "security services",
                                                 "monitoring", "data transfer"};
  return order;
}

std::ptrdiff_t component_rank(const std::string& component) {
  const auto& order = component_order();
  return std::find(order.begin(), order.end(), component) - order.begin();
}

bool is_free(std::string_view type) {
  static constexpr std::array<std::string_view, 7> free_providers = {"random_", "tls_",     "null_",     "time_",
                                                                     "local_",  "archive_", "terraform_"};
  if (free_types().count(type) > 0) {
    return true;
  }
  return std::any_of(free_providers.begin(), free_providers.end(),
                     [&](std::string_view prefix) { return type.substr(0, prefix.size()) == prefix; });
}

// What the environment's pipeline bills outside its resources: the Cost Explorer requests
// of the cost-report workflow (usage cost_explorer_requests_per_month), untagged.
void price_workflow_requests(const detail::PricingContext& context) {
  const Decimal requests = context.usage().cost_explorer_requests;
  if (!(requests > Decimal{})) {
    return;
  }
  Resource workflow;
  workflow.address = "cost-report workflow";
  workflow.type = "cost_explorer_requests";
  const Decimal price = context.price("costexplorer.api_request");
  context.add(
      workflow, "monitoring",
      "Cost Explorer requests of the cost report: " + requests.to_plain_string() + " a month x " + detail::usd(price),
      requests * price);
}

// "10 alarm metrics (standard resolution, ...)"
std::string allowance_text(const FreeAllowance& allowance) {
  return allowance.quantity.to_plain_string() + " " + allowance.unit +
      (allowance.condition.empty() ? "" : " (" + allowance.condition + ")");
}

// One negative line per allowance that covers something here: all of it when the
// environment uses no more than the allowance, else the allowance's quantity at the price.
void apply_free_tier(Estimate& estimate, const PriceTable& prices) {
  for (const auto& allowance : prices.free_tier()) {
    const auto it = estimate.metered.find(allowance.offsets);
    if (it == estimate.metered.end() || !(it->second.quantity > Decimal{})) {
      continue;
    }
    const Metered& used = it->second;
    const Decimal price = prices.price(allowance.offsets);
    const bool covers_all = used.quantity <= allowance.quantity;
    const Decimal credit = covers_all ? used.amount : allowance.quantity * price;
    const std::string covered = covers_all ? "all " + used.quantity.to_plain_string() + " here"
                                           : allowance.quantity.to_plain_string() + " of the " +
            used.quantity.to_plain_string() + " here x $" + price.to_plain_string();
    const bool transfer = allowance.offsets.rfind("data_transfer.", 0) == 0;
    const bool xray = allowance.offsets.rfind("xray.", 0) == 0;
    estimate.lines.push_back(
        Line{used.component, transfer ? "data transfer free tier" : (xray ? "X-Ray free tier" : "CloudWatch free tier"),
             kFreeTierType, "free tier: " + allowance_text(allowance) + ", per account and month: " + covered,
             Decimal{} - credit});
  }
}

}  // namespace

Hours Hours::always_on(Decimal month) {
  return Hours{month, month, month, false};
}

Decimal Hours::share_of_month(Decimal month, Decimal weekly_hours) {
  return month * weekly_hours / Decimal::from_int(168);
}

Hours Hours::business_hours(Decimal month, Decimal weekly_hours) {
  const Decimal hours = share_of_month(month, weekly_hours);
  return Hours{month, hours, hours, false};
}

Decimal Estimate::total() const {
  Decimal sum;
  for (const auto& line : lines) {
    sum += line.monthly;
  }
  return sum;
}

Decimal Estimate::free_tier_total() const {
  Decimal sum;
  for (const auto& line : lines) {
    if (line.type == kFreeTierType) {
      sum += line.monthly;
    }
  }
  return sum;
}

Decimal Estimate::component_total(const std::string& component) const {
  Decimal sum;
  for (const auto& line : lines) {
    if (line.component == component) {
      sum += line.monthly;
    }
  }
  return sum;
}

std::vector<std::string> Estimate::components() const {
  std::vector<std::string> present;
  for (const auto& name : component_order()) {
    if (std::any_of(lines.begin(), lines.end(), [&](const Line& l) { return l.component == name; })) {
      present.push_back(name);
    }
  }
  return present;
}

Estimate price_resources(const std::vector<Resource>& resources, const PriceTable& prices, const Usage& usage,
                         const PricingOptions& options) {
  Estimate estimate;
  const detail::PricingContext context(resources, prices, usage, options, estimate);
  for (const auto& resource : resources) {
    if (const auto it = pricers().find(resource.type); it != pricers().end()) {
      it->second(resource, context);
    } else if (is_free(resource.type)) {
      context.free(resource);
    } else {
      context.unpriced(resource, "unknown resource type (add it to the cost model or its free list)");
    }
  }
  price_workflow_requests(context);
  if (options.free_tier) {
    apply_free_tier(estimate, prices);
  }
  std::stable_sort(estimate.lines.begin(), estimate.lines.end(), [](const Line& a, const Line& b) {
    return component_rank(a.component) < component_rank(b.component);
  });
  return estimate;
}

}  // namespace costmodel
