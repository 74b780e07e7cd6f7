#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "costmodel/per_million.hpp"
#include "costmodel/pricing.hpp"
#include "costmodel/scenarios.hpp"

namespace costmodel {

enum class Format { Table, Markdown, Json };
std::optional<Format> parse_format(std::string_view name);

struct ReportContext {
  std::string environment;
  std::string region;
  std::string prices_as_of;
  std::string schedule;  // how the hours were chosen: "24x7", "business-hours", "as configured in the tfvars"
  Hours hours;
  Decimal weekly_hours;    // the business-hours week used by scenarios
  bool free_tier = false;  // the always-free allowances were deducted
  // The Fargate Spot discounts of the estimate's low and high ends (0.7 and 0.5).
  Decimal spot_discount_low_end;
  Decimal spot_discount_high_end;
};

// `estimate` is the low end (Fargate Spot at its best-case discount), `high` the same
// environment with Spot at the worst case the price table states; equal without Spot.
std::string render_estimate(const Estimate& estimate, const Estimate& high, const ReportContext& context,
                            Format format);
std::string render_estimate(const Estimate& estimate, const ReportContext& context, Format format);
std::string render_what_if(const std::vector<Scenario>& scenarios, const ReportContext& context, Format format);
std::string render_per_million(const PerMillionInput& input, const PerMillionResult& result,
                               const ReportContext& context, Format format);

}  // namespace costmodel
