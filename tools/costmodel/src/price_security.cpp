// The account security services of modules/security-services: GuardDuty, AWS Config
// and Security Hub (CSPM). They are billed by volume, not by resource: the volumes are
// usage assumptions (Usage::security), the unit prices dated entries of the table.

#include "pricing_context.hpp"

namespace costmodel::detail {

void price_guardduty_detector(const Resource& resource, const PricingContext& context) {
  if (!bool_value(resource, "enable", true)) {
    context.free(resource);
    return;
  }
  const auto& volumes = context.usage().security;
  const Decimal events_price = context.price("guardduty.cloudtrail_million_events");
  const Decimal logs_price = context.price("guardduty.flow_dns_gb");
  context.add(resource, "security services",
              "GuardDuty CloudTrail management events: " +
                  volumes.guardduty_cloudtrail_million_events.to_plain_string() + "M x " + usd(events_price) + "/M",
              volumes.guardduty_cloudtrail_million_events * events_price);
  context.add(resource, "security services",
              "GuardDuty VPC flow and DNS logs: " + volumes.guardduty_flow_dns_gb.to_plain_string() + " GB x " +
                  usd(logs_price) + "/GB",
              volumes.guardduty_flow_dns_gb * logs_price);
}

void price_config_recorder(const Resource& resource, const PricingContext& context) {
  const Decimal items = context.usage().security.config_items;
  const Decimal price = context.price("config.configuration_item");
  context.add(resource, "security services",
              "AWS Config: " + items.to_plain_string() + " configuration items x " + usd(price), items * price);
}

void price_config_rule(const Resource& resource, const PricingContext& context) {
  const Decimal evaluations = context.usage().security.config_evaluations_per_rule;
  const Decimal price = context.price("config.rule_evaluation");
  context.add(resource, "security services",
              "AWS Config rule: " + evaluations.to_plain_string() + " evaluations x " + usd(price),
              evaluations * price);
}

void price_securityhub_standard(const Resource& resource, const PricingContext& context) {
  const Decimal checks = context.usage().security.securityhub_checks_per_standard;
  const Decimal price = context.price("securityhub.check");
  context.add(resource, "security services",
              "Security Hub CSPM: " + checks.to_plain_string() + " security checks x " + usd(price), checks * price);
}

}  // namespace costmodel::detail
