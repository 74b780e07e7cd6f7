#pragma once

#include <boost/json.hpp>
#include <map>
#include <string>

#include "costmodel/decimal.hpp"

namespace costmodel {

// Traffic through the ALB, from which its LCUs are estimated.
struct AlbTraffic {
  Decimal requests_per_second = Decimal::from_micro(500'000);  // 0.5 req/s average
  Decimal request_kb = Decimal::from_int(2);                   // KB = 1,000 bytes
  Decimal response_kb = Decimal::from_int(20);
  Decimal requests_per_connection = Decimal::from_int(10);  // keep-alive reuse
  Decimal connection_seconds = Decimal::from_int(30);       // how long a connection stays open
  Decimal rules_per_request = Decimal::from_int(3);         // listener rules evaluated per request
};

// What GuardDuty analyses, AWS Config records and evaluates, and Security Hub checks in a
// month: volumes, not resources (the defaults are prod's modelled volumes; see
// fixtures/usage-prod.json for how each is derived).
struct SecurityServicesUsage {
  Decimal guardduty_cloudtrail_million_events = Decimal::from_micro(300'000);  // management events
  Decimal guardduty_flow_dns_gb = Decimal::from_int(1);                        // VPC flow logs + DNS query logs
  Decimal config_items = Decimal::from_int(1000);                              // configuration items recorded
  Decimal config_evaluations_per_rule = Decimal::from_int(50);                 // rule evaluations
  Decimal securityhub_checks_per_standard = Decimal::from_int(9000);           // security checks
};

// What a plan cannot say: traffic and data volumes per month. The defaults describe a
// quiet dev environment; override any of them with --usage FILE (same keys, JSON).
struct Usage {
  AlbTraffic alb;
  Decimal nat_gateway_gb = Decimal::from_int(5);         // through all NAT gateways together
  Decimal interface_endpoint_gb = Decimal::from_int(1);  // per interface endpoint
  Decimal log_ingest_gb = Decimal::from_micro(200'000);  // per log group, unless named below
  std::map<std::string, Decimal, std::less<>> log_ingest_gb_by_group;
  Decimal never_expire_months = Decimal::from_int(12);           // stored months for retention 0 (never)
  Decimal ecr_gb_per_repository = Decimal::from_micro(300'000);  // images kept by the lifecycle policy
  Decimal s3_gb_per_bucket = Decimal::from_int(1);
  Decimal waf_million_requests = Decimal::from_micro(1'300'000);
  // Share of the ALB's requests that are checkouts (POST /api/orders), which order-service
  // traces at trace_sampling.checkout_ratio; the rest are traced at default_ratio.
  Decimal checkout_share = Decimal::from_micro(10'000);  // 1%
  // Custom metric series the services write as EMF (config/emf_metrics.json: 21; a test
  // keeps the default equal to the catalogue's count).
  Decimal emf_metric_series = Decimal::from_int(21);
  // Container Insights (where enabled): its performance log events ingested in a month,
  // and the hours a month with a one-off task running (db-init: one run per deployment,
  // each within one or two clock hours).
  Decimal container_insights_log_gb = Decimal::from_micro(760'000);
  Decimal one_off_task_hours = Decimal::from_int(40);
  // Cost Explorer requests a month of the cost-report workflow for this environment: 4 a
  // run (3 get-cost-and-usage, 1 get-cost-forecast); dev's report runs on the first Monday
  // of a month (4), prod's every Monday (4 x 52 / 12 = 17.333333). None unless the usage
  // file says so: a plan alone does not know the workflow.
  Decimal cost_explorer_requests;
  // The account security services (modules/security-services), billed by volume.
  SecurityServicesUsage security;

  [[nodiscard]] Decimal log_ingest_for(const std::string& group_name) const;

  // Overrides the fields present in `object`; InputError on an unknown key or a bad value.
  void apply_json(const boost::json::object& object, const std::string& origin);
  static Usage load_file(const std::string& path);
};

// Load Balancer Capacity Units per hour: the largest of the four dimensions.
struct LcuBreakdown {
  Decimal new_connections;     // per second / 25
  Decimal active_connections;  // per minute / 3,000
  Decimal processed_gb;        // GB per hour / 1
  Decimal rule_evaluations;    // (rules beyond 10 free) x req/s / 1,000
  [[nodiscard]] Decimal lcu() const;
};
LcuBreakdown alb_lcu_per_hour(const AlbTraffic& traffic);

}  // namespace costmodel
