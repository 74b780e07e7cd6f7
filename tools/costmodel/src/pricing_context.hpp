#pragma once

// Private to the pricers: what every pricing function needs, and where it writes.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "costmodel/pricing.hpp"

namespace costmodel::detail {

class PricingContext {
public:
  PricingContext(const std::vector<Resource>& all, const PriceTable& prices, const Usage& usage,
                 const PricingOptions& options, Estimate& out)
      : all_(all), prices_(prices), usage_(usage), options_(options), out_(out) {}

  void add(const Resource& resource, std::string component, std::string detail, Decimal monthly) const;
  void free(const Resource& resource) const;
  // A resource (or one of its values) that cannot be priced: a warning, or with
  // --strict an InputError naming the resource and the reason.
  void unpriced(const Resource& resource, const std::string& why) const;
  void warn(const std::string& message) const;
  // Usage a free-tier allowance may cover: `quantity` units billed under `price_key`
  // for `amount` (already added as lines).
  void meter(const std::string& price_key, const std::string& component, Decimal quantity, Decimal amount) const;

  // A price the table must have (its absence is a broken table: InputError).
  [[nodiscard]] Decimal price(std::string_view key) const { return prices_.price(key); }
  // A price that depends on a value of the plan (an instance class): may be absent.
  [[nodiscard]] std::optional<Decimal> find_price(std::string_view key) const { return prices_.find(key); }

  [[nodiscard]] const std::vector<Resource>& all() const { return all_; }
  [[nodiscard]] const Usage& usage() const { return usage_; }
  [[nodiscard]] const PriceTable& prices() const { return prices_; }
  [[nodiscard]] Decimal spot_discount() const { return costmodel::spot_discount(prices_, options_); }
  [[nodiscard]] bool compute_savings_plan() const { return options_.compute_savings_plan; }
  [[nodiscard]] Decimal always_on_hours() const { return options_.hours.month; }
  [[nodiscard]] Decimal task_hours() const { return options_.hours.tasks; }
  [[nodiscard]] Decimal instance_hours() const { return options_.hours.instances; }
  [[nodiscard]] Decimal alb_hours() const {
    return options_.hours.alb_torn_down ? options_.hours.instances : options_.hours.month;
  }
  [[nodiscard]] int default_az_count() const { return options_.default_az_count; }
  [[nodiscard]] int endpoint_az_count() const { return options_.endpoint_az_count; }
  [[nodiscard]] std::size_t count_of_type(std::string_view type) const;

private:
  const std::vector<Resource>& all_;
  const PriceTable& prices_;
  const Usage& usage_;
  const PricingOptions& options_;
  Estimate& out_;
};

// "$0.0225"
std::string usd(Decimal amount);
// "730 h" or "260.714286 h"
std::string hours_text(Decimal hours);
std::string string_value(const Resource& resource, std::string_view key, std::string fallback);
Decimal number_value(const Resource& resource, std::string_view key, Decimal fallback);
bool bool_value(const Resource& resource, std::string_view key, bool fallback);
// Size of a list attribute (subnets), or nullopt when the plan does not know it yet.
std::optional<std::size_t> list_size(const Resource& resource, std::string_view key);

void price_ecs_service(const Resource& resource, const PricingContext& context);
void price_load_balancer(const Resource& resource, const PricingContext& context);
void price_nat_gateway(const Resource& resource, const PricingContext& context);
void price_elastic_ip(const Resource& resource, const PricingContext& context);
void price_ec2_instance(const Resource& resource, const PricingContext& context);
void price_vpc_endpoint(const Resource& resource, const PricingContext& context);
void price_db_instance(const Resource& resource, const PricingContext& context);
void price_log_group(const Resource& resource, const PricingContext& context);
void price_ecr_repository(const Resource& resource, const PricingContext& context);
void price_s3_bucket(const Resource& resource, const PricingContext& context);
void price_secret(const Resource& resource, const PricingContext& context);
void price_kms_key(const Resource& resource, const PricingContext& context);
void price_web_acl(const Resource& resource, const PricingContext& context);
void price_metric_alarm(const Resource& resource, const PricingContext& context);
void price_scaling_policy(const Resource& resource, const PricingContext& context);
void price_ecs_cluster(const Resource& resource, const PricingContext& context);
void price_log_metric_filter(const Resource& resource, const PricingContext& context);
void price_ssm_parameter(const Resource& resource, const PricingContext& context);
void price_composite_alarm(const Resource& resource, const PricingContext& context);
void price_dashboard(const Resource& resource, const PricingContext& context);
void price_hosted_zone(const Resource& resource, const PricingContext& context);
void price_guardduty_detector(const Resource& resource, const PricingContext& context);
void price_config_recorder(const Resource& resource, const PricingContext& context);
void price_config_rule(const Resource& resource, const PricingContext& context);
void price_securityhub_standard(const Resource& resource, const PricingContext& context);

}  // namespace costmodel::detail
