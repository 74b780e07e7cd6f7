#pragma once

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "costmodel/decimal.hpp"
#include "costmodel/plan.hpp"

namespace costmodel {

// The interface endpoints an environment needs without any NAT (the networking module's default).
const std::vector<std::string>& default_interface_endpoints();

struct ServiceSpec {
  std::string name;
  Decimal cpu_units = Decimal::from_int(256);  // 1024 = 1 vCPU
  Decimal memory_mib = Decimal::from_int(512);
  Decimal desired_count = Decimal::from_int(1);
  // Auto scaling bounds (modules/ecs: target tracking on CPU and on requests per
  // target only where max_count > min_count).
  Decimal min_count = Decimal::from_int(1);
  Decimal max_count = Decimal::from_int(2);

  [[nodiscard]] bool target_tracking() const { return max_count > min_count; }
};

// FARGATE base and weight, FARGATE_SPOT weight (the root variable capacity_provider_strategy).
struct CapacityStrategy {
  Decimal on_demand_base;
  Decimal on_demand_weight = Decimal::from_int(1);
  Decimal spot_weight;
};

// The strategy as an aws_ecs_service capacity_provider_strategy value.
boost::json::array strategy_json(const CapacityStrategy& strategy);

// An environment as its tfvars describe it: what terraform/main.tf would create. The
// what-if scenarios change one field at a time and price the resources it implies.
struct EnvironmentSpec {
  std::string project = "ecommerce";
  std::string name = "dev";  // the environment
  int az_count = 2;
  std::string nat_strategy = "single";  // none | single | per_az | instance
  std::string nat_instance_type = "t4g.nano";
  bool interface_endpoints = false;  // always on when nat_strategy is none (as the networking module does)
  std::vector<std::string> interface_endpoint_services = default_interface_endpoints();
  int interface_endpoint_az_count = 2;
  std::vector<ServiceSpec> services = {{"frontend"}, {"product-service"}, {"order-service"}};
  bool arm64 = true;
  CapacityStrategy capacity;
  std::string db_instance_class = "db.t4g.micro";
  bool db_multi_az = false;
  Decimal db_storage_gb = Decimal::from_int(20);
  std::string db_storage_type = "gp3";
  int log_retention_days = 14;
  bool waf = false;
  bool container_insights = false;
  // enable_adot: the ADOT sidecar sends the sampled traces to X-Ray; trace_sampling's
  // ratios are also the rates of the X-Ray sampling rules (modules/monitoring/xray.tf).
  bool adot = false;
  Decimal trace_default_ratio = Decimal::from_micro(50'000);
  Decimal trace_checkout_ratio = Decimal::from_micro(250'000);
  // Hours a week the tasks run when scheduled_scale_in is on (App Auto Scaling).
  std::optional<Decimal> scale_in_weekly_hours;
  // Hours a week tasks, RDS and the NAT instance run when the scheduler module is on.
  std::optional<Decimal> scheduler_weekly_hours;
  // What the root module adds around the services (terraform/main.tf).
  int secrets = 6;     // ADMIN_API_KEY and PGPASSWORD of product- and order-service, CARD_FINGERPRINT_KEY of
                       // order-service, the shared INTERNAL_API_KEY
  int kms_keys = 1;    // the secrets/logs key
  int s3_buckets = 1;  // logs (ALB access logs, VPC flow logs)
  // Log groups besides the services': db-init and the RDS postgresql export.
  int alarm_metrics_per_service = 2;  // 5xx (blue + green target groups)
  // Each service's CPU, memory and restart alarms; enable_task_alarms = false leaves them out.
  bool task_alarms = true;
  int task_alarm_metrics_per_service = 3;
  int environment_alarms = 5;  // ALB 5xx and latency, DB cpu, storage and connections
  // modules/monitoring's business alarms on the EMF metrics (config/emf_metrics.json):
  // payment declines (2 metrics), reconciler deferring (1) and orphans (2),
  // refunds refused (1), reservations held (1), the cache hit ratio of each of the
  // 3 caches (1 each); enable_business_alarms = false leaves them out.
  bool business_alarms = true;
  // Not a Terraform setting: a what-if lever. A Compute Savings Plan that covers the
  // on-demand Fargate usage (fargate.compute_savings_plan_discount off; Spot is not covered).
  bool compute_savings_plan = false;
  // modules/security-services (enable_guardduty, enable_config, enable_securityhub): a
  // detector; a recorder with the module's 6 default managed rules; Security Hub with
  // one standard (AWS Foundational Security Best Practices).
  bool guardduty = false;
  bool config = false;
  int config_rules = 6;
  bool securityhub = false;
  int business_alarm_metrics = 10;
  int dashboards = 1;
  // enable_slo_alarms: 4 availability burn-rate alarms (3 metrics each), 4 latency
  // ones (2 each) and a composite alarm per SLO.
  bool slo_alarms = true;
  int slo_alarm_metrics = 20;
  int slo_composite_alarms = 2;
  // cost_spike_alarm_usd > 0: one alarm on AWS/Billing EstimatedCharges.
  bool cost_spike_alarm = true;

  [[nodiscard]] bool schedule_on() const { return scale_in_weekly_hours || scheduler_weekly_hours; }
  [[nodiscard]] std::string prefix() const { return project + "-" + name; }  // local.name of the root module
};

// Reads the tfvars (as JSON from `tfcheck tfvars-json`); keys it does not know are
// ignored, known keys with a bad value are an InputError naming the key.
EnvironmentSpec spec_from_tfvars(const boost::json::object& tfvars, const std::string& origin);
EnvironmentSpec load_spec_file(const std::string& path);
boost::json::object load_tfvars_file(const std::string& path);

// The resources the root module creates for this spec, in `terraform show -json` shape.
std::vector<Resource> synthesize_resources(const EnvironmentSpec& spec);

}  // namespace costmodel
