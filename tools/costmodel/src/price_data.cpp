// Database, logs, storage, security and monitoring resources.

#include <algorithm>
#include <cstdint>
#include <optional>

#include "costmodel/json_util.hpp"
#include "pricing_context.hpp"

namespace costmodel::detail {
namespace {

void flat_monthly(const Resource& resource, const PricingContext& context, const std::string& component,
                  const std::string& what, const std::string& key) {
  const Decimal price = context.price(key);
  context.add(resource, component, what + ": " + usd(price) + "/month", price);
}

}  // namespace

void price_db_instance(const Resource& resource, const PricingContext& context) {
  const auto engine = string_value(resource, "engine", "postgres");
  const auto instance_class = string_value(resource, "instance_class", "");
  const auto hourly = context.find_price("rds." + engine + "." + instance_class + ".hour");
  if (!hourly) {
    context.unpriced(resource, "RDS " + engine + " class '" + instance_class + "' is not in the price table");
    return;
  }
  const bool multi_az = bool_value(resource, "multi_az", false);
  const Decimal copies = multi_az ? context.price("rds.multi_az_factor") : Decimal::from_int(1);
  const std::string deployment = multi_az ? "Multi-AZ x " + copies.to_plain_string() : "single-AZ";
  const Decimal hours = context.instance_hours();
  context.add(resource, "database",
              "RDS " + instance_class + " " + deployment + ": " + hours_text(hours) + " x " + usd(*hourly) + "/h",
              hours * *hourly * copies);

  const bool has_iops = number_value(resource, "iops", Decimal{}) > Decimal{};
  const auto storage_type = string_value(resource, "storage_type", has_iops ? "io1" : "gp2");
  const Decimal gb = number_value(resource, "allocated_storage", Decimal::from_int(20));
  const auto gb_month = context.find_price("rds.storage." + storage_type + ".gb_month");
  if (!gb_month) {
    context.unpriced(resource, "RDS storage type '" + storage_type + "' is not in the price table");
    return;
  }
  context.add(resource, "database",
              "RDS storage " + storage_type + ": " + gb.to_plain_string() + " GB x " + usd(*gb_month) + "/GB-month" +
                  (multi_az ? " x " + copies.to_plain_string() : ""),
              gb * *gb_month * copies);
  if (bool_value(resource, "manage_master_user_password", false)) {
    flat_monthly(resource, context, "security", "RDS-managed master user secret", "secretsmanager.secret_month");
  }
}

void price_log_group(const Resource& resource, const PricingContext& context) {
  const auto name = string_value(resource, "name", resource.address);
  const Decimal ingest_gb = context.usage().log_ingest_for(name);
  const Decimal retention_days = number_value(resource, "retention_in_days", Decimal{});
  const Decimal days_per_month = context.always_on_hours() / Decimal::from_int(24);
  // Stored data in steady state: what was ingested during the retention period.
  const Decimal stored_gb = retention_days.is_zero() ? ingest_gb * context.usage().never_expire_months
                                                     : ingest_gb * retention_days / days_per_month;
  const Decimal ingest_price = context.price("cloudwatch_logs.ingest_gb");
  const Decimal storage_price = context.price("cloudwatch_logs.storage_gb_month");
  const std::string retention = retention_days.is_zero()
      ? "never expires: " + context.usage().never_expire_months.to_plain_string() + " months kept"
      : retention_days.to_plain_string() + " days retention";
  const Decimal ingest_cost = ingest_gb * ingest_price;
  const Decimal storage_cost = stored_gb * storage_price;
  context.add(resource, "logs",
              "logs " + ingest_gb.to_plain_string() + " GB/month x " + usd(ingest_price) + "/GB + " +
                  stored_gb.to_string(3) + " GB stored (" + retention + ") x " + usd(storage_price) + "/GB-month",
              ingest_cost + storage_cost);
  context.meter("cloudwatch_logs.ingest_gb", "logs", ingest_gb, ingest_cost);
  context.meter("cloudwatch_logs.storage_gb_month", "logs", stored_gb, storage_cost);
}

void price_ecr_repository(const Resource& resource, const PricingContext& context) {
  const Decimal gb = context.usage().ecr_gb_per_repository;
  const Decimal price = context.price("ecr.storage_gb_month");
  context.add(resource, "storage", "ECR images: " + gb.to_plain_string() + " GB x " + usd(price) + "/GB-month",
              gb * price);
}

void price_s3_bucket(const Resource& resource, const PricingContext& context) {
  const Decimal gb = context.usage().s3_gb_per_bucket;
  const Decimal price = context.price("s3.standard.gb_month");
  context.add(resource, "storage", "S3 Standard: " + gb.to_plain_string() + " GB x " + usd(price) + "/GB-month",
              gb * price);
}

void price_secret(const Resource& resource, const PricingContext& context) {
  flat_monthly(resource, context, "security", "secret", "secretsmanager.secret_month");
}

void price_kms_key(const Resource& resource, const PricingContext& context) {
  flat_monthly(resource, context, "security", "customer managed KMS key", "kms.key_month");
}

void price_web_acl(const Resource& resource, const PricingContext& context) {
  const auto rules = static_cast<std::int64_t>(array_field(resource.values, "rule").size());
  const Decimal acl = context.price("wafv2.web_acl_month");
  const Decimal rule = context.price("wafv2.rule_month");
  const Decimal per_million = context.price("wafv2.million_requests");
  const Decimal millions = context.usage().waf_million_requests;
  context.add(resource, "security",
              "WAF web ACL " + usd(acl) + " + " + std::to_string(rules) + " rules x " + usd(rule) + " + " +
                  millions.to_plain_string() + "M requests x " + usd(per_million) + "/M",
              acl + Decimal::from_int(rules) * rule + millions * per_million);
}

// An alarm is billed per metric it evaluates: one, or each metric of its metric math.
void price_metric_alarm(const Resource& resource, const PricingContext& context) {
  std::int64_t metrics = 0;
  for (const auto& query : array_field(resource.values, "metric_query")) {
    if (query.is_object() && first_block(query.get_object(), "metric") != nullptr) {
      ++metrics;
    }
  }
  metrics = std::max<std::int64_t>(metrics, 1);
  const bool high_resolution = number_value(resource, "period", Decimal::from_int(60)) < Decimal::from_int(60);
  const std::string key = high_resolution ? "cloudwatch.high_resolution_alarm_month" : "cloudwatch.alarm_month";
  const Decimal price = context.price(key);
  const Decimal amount = Decimal::from_int(metrics) * price;
  context.add(resource, "monitoring",
              std::string(high_resolution ? "high-resolution alarm: " : "alarm: ") + std::to_string(metrics) +
                  (metrics == 1 ? " metric x " : " metrics x ") + usd(price) + "/month",
              amount);
  context.meter(key, "monitoring", Decimal::from_int(metrics), amount);
}

// A target-tracking scaling policy makes Application Auto Scaling create two
// CloudWatch alarms (scale out, scale in) on its metric, billed like any alarm:
// per metric each evaluates (a customized metric-math specification reads each
// of its metric_stat metrics). They carry no tags, so tag-filtered budgets miss
// them. Step and predictive policies create no alarm here.
void price_scaling_policy(const Resource& resource, const PricingContext& context) {
  if (string_field(resource.values, "policy_type", resource.address).value_or("StepScaling") !=
      "TargetTrackingScaling") {
    context.free(resource);
    return;
  }
  std::int64_t metrics = 0;
  if (const auto* config = first_block(resource.values, "target_tracking_scaling_policy_configuration")) {
    if (const auto* custom = first_block(*config, "customized_metric_specification")) {
      for (const auto& metric : array_field(*custom, "metrics")) {
        if (metric.is_object() && first_block(metric.get_object(), "metric_stat") != nullptr) {
          ++metrics;
        }
      }
    }
  }
  metrics = std::max<std::int64_t>(metrics, 1);
  const std::string key = "cloudwatch.alarm_month";
  const Decimal price = context.price(key);
  const Decimal alarm_metrics = Decimal::from_int(2 * metrics);
  const Decimal amount = alarm_metrics * price;
  context.add(resource, "monitoring",
              "target tracking: 2 alarms AWS creates x " + std::to_string(metrics) +
                  (metrics == 1 ? " metric x " : " metrics x ") + usd(price) + "/month",
              amount);
  context.meter(key, "monitoring", alarm_metrics, amount);
}

namespace {

// Hours a month the services run: their custom metrics are billed only for the hours
// they receive data (CloudWatch prorates a metric-month by the hour).
Decimal metric_months(Decimal metrics, const PricingContext& context) {
  return metrics * context.task_hours() / context.always_on_hours();
}

void add_custom_metrics(const Resource& resource, const PricingContext& context, const std::string& component,
                        const std::string& what, Decimal metrics, Decimal months) {
  const std::string key = "cloudwatch.custom_metric_month";
  const Decimal price = context.price(key);
  const Decimal amount = months * price;
  context.add(resource, component,
              what + ": " + metrics.to_plain_string() + " metrics, " + months.to_plain_string() + " metric-months x " +
                  usd(price) + "/metric-month",
              amount);
  context.meter(key, "monitoring", months, amount);
}

// Container Insights (standard, "enabled") on ECS: its metrics are custom metrics in
// ECS/ContainerInsights (AWS's metric list: Container-Insights-metrics-ECS), each billed
// for the hours it has data, and its performance log events are CloudWatch Logs.
//   cluster: 8 task metrics (CpuUtilized/Reserved, MemoryUtilized/Reserved, Network Rx/Tx,
//            Storage Read/Write) + TaskCount, ContainerInstanceCount, ServiceCount = 11
//   each service: the 8 by ServiceName + Desired/Running/PendingTaskCount, DeploymentCount,
//            TaskSetCount = 13, and the 8 by its task definition family = 21
//   each one-off task family (a task definition no service runs: db-init): 8, for the
//            hours such a task runs (usage one_off_task_hours_per_month)
// The performance log group AWS creates keeps its events for 1 day by default.
constexpr std::int64_t kInsightsClusterMetrics = 11;
constexpr std::int64_t kInsightsServiceMetrics = 21;
constexpr std::int64_t kInsightsFamilyMetrics = 8;

void price_container_insights(const Resource& resource, const PricingContext& context) {
  const auto services = static_cast<std::int64_t>(context.count_of_type("aws_ecs_service"));
  const auto families = static_cast<std::int64_t>(context.count_of_type("aws_ecs_task_definition"));
  const std::int64_t one_off = std::max<std::int64_t>(0, families - services);
  const Decimal running = Decimal::from_int(kInsightsClusterMetrics + kInsightsServiceMetrics * services);
  add_custom_metrics(resource, context, "monitoring",
                     "Container Insights metrics (cluster 11 + 21 per service, while tasks run)", running,
                     metric_months(running, context));
  if (one_off > 0) {
    const Decimal metrics = Decimal::from_int(kInsightsFamilyMetrics * one_off);
    const Decimal hours = min(context.usage().one_off_task_hours, context.always_on_hours());
    add_custom_metrics(
        resource, context, "monitoring",
        "Container Insights metrics of one-off task families (8 each, " + hours_text(hours) + " a month running)",
        metrics, metrics * hours / context.always_on_hours());
  }
  const Decimal gb = context.usage().container_insights_log_gb;
  const Decimal ingest_price = context.price("cloudwatch_logs.ingest_gb");
  const Decimal storage_price = context.price("cloudwatch_logs.storage_gb_month");
  const Decimal days_per_month = context.always_on_hours() / Decimal::from_int(24);
  const Decimal stored_gb = gb / days_per_month;  // 1 day of retention
  context.add(resource, "logs",
              "Container Insights performance logs: " + gb.to_plain_string() + " GB/month x " + usd(ingest_price) +
                  "/GB + " + stored_gb.to_string(3) + " GB stored (1 day) x " + usd(storage_price) + "/GB-month",
              gb * ingest_price + stored_gb * storage_price);
  context.meter("cloudwatch_logs.ingest_gb", "logs", gb, gb * ingest_price);
  context.meter("cloudwatch_logs.storage_gb_month", "logs", stored_gb, stored_gb * storage_price);
}

}  // namespace

// The cluster costs nothing by itself. It carries what the services write to CloudWatch
// as a whole: their EMF business metrics (usage emf_metric_series, config/emf_metrics.json),
// and Container Insights when it is on.
void price_ecs_cluster(const Resource& resource, const PricingContext& context) {
  bool priced = false;
  const Decimal series = context.usage().emf_metric_series;
  if (series > Decimal{}) {
    add_custom_metrics(resource, context, "monitoring",
                       "custom metrics the services write as EMF (at most: each series every hour the tasks run)",
                       series, metric_months(series, context));
    priced = true;
  }
  for (const auto& setting : array_field(resource.values, "setting")) {
    const auto* object = setting.if_object();
    if (object != nullptr && string_field(*object, "name", resource.address).value_or("") == "containerInsights" &&
        string_field(*object, "value", resource.address).value_or("disabled") != "disabled") {
      price_container_insights(resource, context);
      priced = true;
    }
  }
  if (!priced) {
    context.free(resource);
  }
}

// A log metric filter publishes one custom metric (ServiceStarts per service), billed for
// the hours it receives data: at most every hour the service's tasks run.
void price_log_metric_filter(const Resource& resource, const PricingContext& context) {
  const Decimal one = Decimal::from_int(1);
  add_custom_metrics(resource, context, "monitoring", "log metric filter (at most: data every hour the tasks run)", one,
                     metric_months(one, context));
}

// The ADOT collector's configuration exists only when the sidecar runs (enable_adot): the
// services' sampled traces are then recorded by X-Ray. Traces a month = requests x
// (checkout share x the checkout rule's rate + the rest x the default rule's rate), the
// rates of the plan's X-Ray sampling rules (the services sample with the same ratios).
void price_ssm_parameter(const Resource& resource, const PricingContext& context) {
  const auto name = string_value(resource, "name", "");
  const std::string suffix = "/adot/collector-config";
  if (name.size() < suffix.size() || name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
    context.free(resource);
    return;
  }
  std::optional<Decimal> checkout_rate;
  std::optional<Decimal> default_rate;
  for (const auto& rule : context.all()) {
    if (rule.type != "aws_xray_sampling_rule") {
      continue;
    }
    const auto rule_name = string_value(rule, "rule_name", "");
    const auto rate = number_field(rule.values, "fixed_rate", rule.address);
    if (rule_name.size() > 9 && rule_name.compare(rule_name.size() - 9, 9, "-checkout") == 0) {
      checkout_rate = rate;
    } else if (rule_name.size() > 8 && rule_name.compare(rule_name.size() - 8, 8, "-default") == 0) {
      default_rate = rate;
    }
  }
  if (!checkout_rate || !default_rate) {
    context.unpriced(resource, "X-Ray traces need the fixed_rate of the '-checkout' and '-default' sampling rules");
    return;
  }
  const Usage& usage = context.usage();
  const Decimal requests = usage.alb.requests_per_second * Decimal::from_int(3600) * context.task_hours();
  const Decimal sampled =
      usage.checkout_share * *checkout_rate + (Decimal::from_int(1) - usage.checkout_share) * *default_rate;
  const Decimal millions = requests * sampled / Decimal::from_int(1'000'000);
  const std::string key = "xray.million_traces_recorded";
  const Decimal price = context.price(key);
  context.add(resource, "monitoring",
              "X-Ray traces: " + (requests / Decimal::from_int(1'000'000)).to_plain_string() + "M requests x (" +
                  usage.checkout_share.to_plain_string() + " x " + checkout_rate->to_plain_string() + " + " +
                  (Decimal::from_int(1) - usage.checkout_share).to_plain_string() + " x " +
                  default_rate->to_plain_string() + ") = " + millions.to_plain_string() + "M traces x " + usd(price) +
                  "/M",
              millions * price);
  context.meter(key, "monitoring", millions, millions * price);
}

// A composite alarm (an expression over other alarms) has a flat monthly price.
void price_composite_alarm(const Resource& resource, const PricingContext& context) {
  flat_monthly(resource, context, "monitoring", "composite alarm", "cloudwatch.composite_alarm_month");
}

// A dashboard's metrics, when the plan knows its body: every entry of a widget's
// "metrics" that names a metric (["Namespace", "Name", ...] or ["...", ...]), not the
// metric-math expressions ([{"expression": ...}]).
std::optional<std::int64_t> dashboard_metrics(const Resource& resource) {
  const auto body = string_field(resource.values, "dashboard_body", resource.address);
  if (!body) {
    return std::nullopt;
  }
  const auto document = parse_json(*body, resource.address + " dashboard_body");
  std::int64_t count = 0;
  const auto* object = document.if_object();
  if (object == nullptr) {
    return count;
  }
  for (const auto& widget : array_field(*object, "widgets")) {
    const auto* properties = widget.is_object() ? widget.get_object().if_contains("properties") : nullptr;
    if (properties == nullptr || !properties->is_object()) {
      continue;
    }
    for (const auto& metric : array_field(properties->get_object(), "metrics")) {
      if (metric.is_array() && !metric.get_array().empty() && metric.get_array().front().is_string()) {
        ++count;
      }
    }
  }
  return count;
}

// $3 a month. The free tier covers dashboards of up to 50 metrics (a body the plan does
// not know yet is taken to be within the limit: tools/tfcheck keeps this project's so).
void price_dashboard(const Resource& resource, const PricingContext& context) {
  const std::string key = "cloudwatch.dashboard_month";
  const Decimal price = context.price(key);
  const auto metrics = dashboard_metrics(resource);
  context.add(resource, "monitoring",
              "dashboard: " + usd(price) + "/month" + (metrics ? " (" + std::to_string(*metrics) + " metrics)" : ""),
              price);
  const auto* allowance = context.prices().allowance_for(key);
  const auto limit = allowance != nullptr ? allowance->max_metrics_per_dashboard : std::nullopt;
  if (!metrics || !limit || Decimal::from_int(*metrics) <= *limit) {
    context.meter(key, "monitoring", Decimal::from_int(1), price);
  }
}

void price_hosted_zone(const Resource& resource, const PricingContext& context) {
  flat_monthly(resource, context, "network", "hosted zone", "route53.hosted_zone_month");
}

}  // namespace costmodel::detail
