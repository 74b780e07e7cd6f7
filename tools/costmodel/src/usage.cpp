#include "costmodel/usage.hpp"

#include <functional>
#include <utility>
#include <vector>

#include "costmodel/error.hpp"
#include "costmodel/json_util.hpp"

namespace costmodel {
namespace {

Decimal non_negative(const boost::json::value& value, const std::string& context) {
  const auto number = to_decimal(value);
  if (!number) {
    throw InputError(context + " must be a number, got " + boost::json::serialize(value));
  }
  if (number->is_negative()) {
    throw InputError(context + " must not be negative, got " + number->to_plain_string());
  }
  return *number;
}

using Setter = std::pair<const char*, Decimal*>;

void apply_fields(const boost::json::object& object, const std::vector<Setter>& fields, const std::string& context,
                  const std::function<bool(std::string_view, const boost::json::value&)>& nested) {
  for (const auto& [key, value] : object) {
    bool known = false;
    for (const auto& [name, target] : fields) {
      if (key == name) {
        *target = non_negative(value, context + "." + std::string(key));
        known = true;
      }
    }
    if (!known && !nested(key, value)) {
      throw InputError(context + ": unknown key '" + std::string(key) + "'");
    }
  }
}

}  // namespace

Decimal Usage::log_ingest_for(const std::string& group_name) const {
  const auto it = log_ingest_gb_by_group.find(group_name);
  return it == log_ingest_gb_by_group.end() ? log_ingest_gb : it->second;
}

void Usage::apply_json(const boost::json::object& object, const std::string& origin) {
  const std::vector<Setter> top = {
      {"nat_gateway_gb_per_month", &nat_gateway_gb},
      {"interface_endpoint_gb_per_month", &interface_endpoint_gb},
      {"log_ingest_gb_per_month", &log_ingest_gb},
      {"never_expire_months", &never_expire_months},
      {"ecr_gb_per_repository", &ecr_gb_per_repository},
      {"s3_gb_per_bucket", &s3_gb_per_bucket},
      {"waf_million_requests_per_month", &waf_million_requests},
      {"checkout_share", &checkout_share},
      {"emf_metric_series", &emf_metric_series},
      {"container_insights_log_gb_per_month", &container_insights_log_gb},
      {"one_off_task_hours_per_month", &one_off_task_hours},
      {"cost_explorer_requests_per_month", &cost_explorer_requests},
  };
  const std::vector<Setter> security_fields = {
      {"guardduty_cloudtrail_million_events_per_month", &security.guardduty_cloudtrail_million_events},
      {"guardduty_flow_dns_gb_per_month", &security.guardduty_flow_dns_gb},
      {"config_items_per_month", &security.config_items},
      {"config_evaluations_per_rule_per_month", &security.config_evaluations_per_rule},
      {"securityhub_checks_per_standard_per_month", &security.securityhub_checks_per_standard},
  };
  const std::vector<Setter> alb_fields = {
      {"requests_per_second", &alb.requests_per_second},
      {"request_kb", &alb.request_kb},
      {"response_kb", &alb.response_kb},
      {"requests_per_connection", &alb.requests_per_connection},
      {"connection_seconds", &alb.connection_seconds},
      {"rules_per_request", &alb.rules_per_request},
  };
  apply_fields(object, top, origin, [&](std::string_view key, const boost::json::value& value) {
    if (key == "alb" && value.is_object()) {
      apply_fields(value.get_object(), alb_fields, origin + ".alb", [](auto, const auto&) { return false; });
      return true;
    }
    if (key == "security_services" && value.is_object()) {
      apply_fields(value.get_object(), security_fields, origin + ".security_services",
                   [](std::string_view nested_key, const auto&) { return nested_key == "comment"; });
      return true;
    }
    if (key == "log_ingest_gb_by_group" && value.is_object()) {
      for (const auto& [group, gb] : value.get_object()) {
        log_ingest_gb_by_group[std::string(group)] =
            non_negative(gb, origin + ".log_ingest_gb_by_group." + std::string(group));
      }
      return true;
    }
    return key == "comment";
  });
  if (checkout_share > Decimal::from_int(1)) {
    throw InputError(origin + ".checkout_share must be between 0 and 1, got " + checkout_share.to_plain_string());
  }
  if (alb.requests_per_connection.is_zero()) {
    throw InputError(origin + ".alb.requests_per_connection must be greater than 0");
  }
}

Usage Usage::load_file(const std::string& path) {
  const auto document = parse_json(read_file(path, "usage"), path);
  if (!document.is_object()) {
    throw InputError(path + " must be a JSON object of usage assumptions");
  }
  Usage usage;
  usage.apply_json(document.get_object(), path);
  return usage;
}

Decimal LcuBreakdown::lcu() const {
  return max(max(new_connections, active_connections), max(processed_gb, rule_evaluations));
}

LcuBreakdown alb_lcu_per_hour(const AlbTraffic& traffic) {
  const Decimal rps = traffic.requests_per_second;
  const Decimal connections_per_second = rps / traffic.requests_per_connection;
  const Decimal free_rules = Decimal::from_int(10);
  const Decimal paid_rules = max(Decimal{}, traffic.rules_per_request - free_rules);
  const Decimal kb_per_hour = rps * Decimal::from_int(3600) * (traffic.request_kb + traffic.response_kb);
  LcuBreakdown result;
  result.new_connections = connections_per_second / Decimal::from_int(25);
  result.active_connections = connections_per_second * traffic.connection_seconds / Decimal::from_int(3000);
  result.processed_gb = kb_per_hour / Decimal::from_int(1'000'000);
  result.rule_evaluations = paid_rules * rps / Decimal::from_int(1000);
  return result;
}

}  // namespace costmodel
