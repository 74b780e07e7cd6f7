#include "costmodel/per_million.hpp"

#include <algorithm>
#include <sstream>

#include "costmodel/error.hpp"

namespace costmodel {

PerMillionResult cost_per_million(const PerMillionInput& input, const PriceTable& prices) {
  if (!(input.throughput_rps_per_task > Decimal{})) {
    throw InputError("throughput per task must be greater than 0 requests/s");
  }
  if (!(input.request_rate_rps > Decimal{})) {
    throw InputError("--request-rate must be greater than 0 requests/s");
  }
  if (!(input.target_utilization > Decimal{}) || input.target_utilization > Decimal::from_int(1)) {
    throw InputError("--utilization must be above 0 and at most 1");
  }
  if ((input.capacity.on_demand_weight + input.capacity.spot_weight).is_zero()) {
    throw InputError("the capacity provider strategy needs a weight above 0");
  }
  PerMillionResult result;
  const Decimal usable_per_task = input.throughput_rps_per_task * input.target_utilization;
  result.tasks = std::max(input.min_tasks, (input.request_rate_rps / usable_per_task).ceil_whole());

  // Fargate Spot as a range, as `estimate` prices it: the best-case discount (the low
  // end) and the worst case the table states (the high end).
  PricingOptions best;
  PricingOptions worst;
  worst.spot_worst_case = true;
  const Decimal one = Decimal::from_int(1);
  result.share = capacity_share(Decimal::from_int(result.tasks), strategy_json(input.capacity));
  const Decimal on_demand_hour = fargate_task_cost(input.task, result.share.on_demand_tasks, prices);
  const Decimal spot_hour = fargate_task_cost(input.task, result.share.spot_tasks, prices);
  result.compute_per_hour = on_demand_hour + spot_hour * (one - spot_discount(prices, best));
  result.compute_per_hour_high = on_demand_hour + spot_hour * (one - spot_discount(prices, worst));

  AlbTraffic traffic = input.traffic;
  traffic.requests_per_second = input.request_rate_rps;
  result.lcu = alb_lcu_per_hour(traffic);
  result.lcu_per_hour = result.lcu.lcu() * prices.price("alb.lcu_hour");
  result.alb_per_hour = prices.price("alb.hour");
  result.total_per_hour = result.compute_per_hour + result.alb_per_hour + result.lcu_per_hour;

  const Decimal requests_per_hour = input.request_rate_rps * Decimal::from_int(3600);
  result.million_requests_per_hour = requests_per_hour / Decimal::from_int(1'000'000);
  const Decimal million = Decimal::from_int(1'000'000);
  result.per_million_all_in = result.total_per_hour * million / requests_per_hour;
  result.per_million_variable = (result.compute_per_hour + result.lcu_per_hour) * million / requests_per_hour;
  result.total_per_hour_high = result.compute_per_hour_high + result.alb_per_hour + result.lcu_per_hour;
  result.per_million_all_in_high = result.total_per_hour_high * million / requests_per_hour;
  result.per_million_variable_high = (result.compute_per_hour_high + result.lcu_per_hour) * million / requests_per_hour;
  return result;
}

Decimal throughput_from_results(std::string_view text, const std::string& origin, const std::string& service) {
  static constexpr std::string_view marker = "<!-- costmodel:";
  const std::string key = service + ".rps_per_task";
  bool seen_marker = false;
  for (auto start = text.find(marker); start != std::string_view::npos; start = text.find(marker, start + 1)) {
    seen_marker = true;
    const auto end = text.find("-->", start);
    if (end == std::string_view::npos) {
      throw InputError(origin + ": a '<!-- costmodel:' line is not closed with '-->'");
    }
    std::istringstream fields(std::string(text.substr(start + marker.size(), end - start - marker.size())));
    for (std::string field; fields >> field;) {
      const auto equals = field.find('=');
      if (equals == std::string::npos || field.substr(0, equals) != key) {
        continue;
      }
      const auto value = Decimal::parse(field.substr(equals + 1));
      if (!value || !(*value > Decimal{})) {
        throw InputError(origin + ": " + key + " must be a positive number, got '" + field.substr(equals + 1) + "'");
      }
      return *value;
    }
  }
  if (!seen_marker) {
    throw InputError(origin + " has no '<!-- costmodel: " + key +
                     "=N -->' line (see tools/costmodel/README.md); pass --throughput-rps instead");
  }
  throw InputError(origin + ": no " + key + " in its '<!-- costmodel: ... -->' lines");
}

}  // namespace costmodel
