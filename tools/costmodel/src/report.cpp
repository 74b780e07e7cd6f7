#include "costmodel/report.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <sstream>

namespace costmodel {
namespace {

std::string cents(Decimal amount) {
  return amount.to_string(2);
}

std::string schedule_text(const ReportContext& context) {
  const Hours& h = context.hours;
  if (h.tasks == h.month && h.instances == h.month && !h.alb_torn_down) {
    return context.schedule + ": everything runs " + h.month.to_plain_string() + " h a month";
  }
  return context.schedule + ": tasks run " + h.tasks.to_string(2) + " h, RDS and NAT instance " +
      h.instances.to_string(2) + " h" + (h.alb_torn_down ? ", ALB " + h.instances.to_string(2) + " h" : "") + " of " +
      h.month.to_plain_string() + " h a month";
}

std::string free_tier_text(const ReportContext& context) {
  return context.free_tier ? "CloudWatch's always-free allowances deducted (per account and month: price the "
                             "account's other environments with --no-free-tier)"
                           : "not deducted (--no-free-tier)";
}

std::string title(const ReportContext& context) {
  return "environment " + context.environment + ", " + context.region + " list prices of " + context.prices_as_of;
}

// A plain-text table: left-aligned columns except those listed as right-aligned.
class TextTable {
public:
  explicit TextTable(std::vector<bool> right_aligned) : right_(std::move(right_aligned)) {}
  void row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  [[nodiscard]] std::string str() const {
    std::vector<std::size_t> widths(right_.size(), 0);
    for (const auto& row : rows_) {
      for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
        widths[i] = std::max(widths[i], row[i].size());
      }
    }
    std::ostringstream out;
    for (const auto& row : rows_) {
      std::string line;
      for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
        const std::string pad(widths[i] - row[i].size(), ' ');
        const bool last = i + 1 == row.size();
        line += right_[i] ? pad + row[i] : row[i] + (last ? "" : pad);
        if (!last) {
          line += "  ";
        }
      }
      out << line << '\n';
    }
    return out.str();
  }

private:
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;
};

std::string md_cell(std::string text) {
  std::string out;
  for (const char c : text) {
    if (c == '|') {
      out += "\\|";
    } else {
      out += c;
    }
  }
  return out;
}

boost::json::object money_json(Decimal amount) {
  return {{"usd", cents(amount)}, {"micro_usd", amount.micro()}};
}

boost::json::object context_json(const ReportContext& context) {
  return {{"environment", context.environment},
          {"region", context.region},
          {"prices_as_of", context.prices_as_of},
          {"schedule", context.schedule},
          {"hours_per_month", context.hours.month.to_plain_string()},
          {"task_hours_per_month", context.hours.tasks.to_plain_string()},
          {"instance_hours_per_month", context.hours.instances.to_plain_string()},
          {"alb_torn_down", context.hours.alb_torn_down},
          {"free_tier", context.free_tier}};
}

boost::json::array strings_json(const std::vector<std::string>& items) {
  boost::json::array array;
  for (const auto& item : items) {
    array.emplace_back(item);
  }
  return array;
}

std::string percent(Decimal fraction) {
  return (fraction * Decimal::from_int(100)).to_plain_string() + "%";
}

// One line on the range: what makes the low and the high end.
std::string range_text(const Estimate& low, const Estimate& high, const ReportContext& context) {
  const std::string ends = "low " + cents(low.total()) + " - high " + cents(high.total());
  if (low.total() == high.total()) {
    return ends + " (no task on Fargate Spot: the two ends are equal)";
  }
  return ends + " (Fargate Spot at " + percent(context.spot_discount_low_end) +
      " off on-demand, the best case AWS publishes, to " + percent(context.spot_discount_high_end) +
      " off; its price varies)";
}

// "$0.3482", or "$0.2467 to $0.2522" (the low and the high end) when tasks run on Spot and
// the two ends differ at the places shown.
std::string money_range(Decimal low, Decimal high, int places, bool spot) {
  if (!spot || low.to_string(places) == high.to_string(places)) {
    return "$" + low.to_string(places);
  }
  return "$" + low.to_string(places) + " to $" + high.to_string(places);
}

std::string estimate_table(const Estimate& estimate, const Estimate& high, const ReportContext& context) {
  std::ostringstream out;
  out << "Monthly cost estimate: " << title(context) << '\n'
      << "schedule: " << schedule_text(context) << '\n'
      << "free tier: " << free_tier_text(context) << "\n\n";
  TextTable table({false, false, true, false});
  table.row({"COMPONENT", "RESOURCE", "USD/MONTH", "DETAIL"});
  for (const auto& line : estimate.lines) {
    table.row({line.component, line.address, cents(line.monthly), line.detail});
  }
  table.row({"", "TOTAL", cents(estimate.total()), ""});
  out << table.str() << "\nrange: " << range_text(estimate, high, context) << "\n\nby component (low, high):\n";
  TextTable components({false, true, true});
  for (const auto& component : estimate.components()) {
    components.row(
        {"  " + component, cents(estimate.component_total(component)), cents(high.component_total(component))});
  }
  out << components.str();
  out << estimate.free_resources.size() << " other resources cost nothing by themselves.\n";
  if (!estimate.warnings.empty()) {
    out << "warnings:\n";
    for (const auto& warning : estimate.warnings) {
      out << "  - " << warning << '\n';
    }
  }
  return out.str();
}

std::string estimate_markdown(const Estimate& estimate, const Estimate& high, const ReportContext& context) {
  std::ostringstream out;
  out << "### Monthly cost estimate: " << context.environment << "\n\n"
      << context.region << " list prices of " << context.prices_as_of << "; schedule: " << schedule_text(context)
      << "; free tier: " << free_tier_text(context)
      << "\n\n| Component | Resource | Detail | USD/month |\n|---|---|---|---:|\n";
  for (const auto& line : estimate.lines) {
    out << "| " << line.component << " | `" << md_cell(line.address) << "` | " << md_cell(line.detail) << " | "
        << cents(line.monthly) << " |\n";
  }
  out << "| **Total** | | | **" << cents(estimate.total()) << "** |\n\n";
  out << "Range: " << md_cell(range_text(estimate, high, context)) << "\n\n";
  out << "| Component | USD/month (low) | high |\n|---|---:|---:|\n";
  for (const auto& component : estimate.components()) {
    out << "| " << component << " | " << cents(estimate.component_total(component)) << " | "
        << cents(high.component_total(component)) << " |\n";
  }
  if (!estimate.warnings.empty()) {
    out << "\n**Warnings**\n\n";
    for (const auto& warning : estimate.warnings) {
      out << "- " << md_cell(warning) << '\n';
    }
  }
  return out.str();
}

boost::json::object estimate_json_object(const Estimate& estimate) {
  boost::json::array lines;
  for (const auto& line : estimate.lines) {
    boost::json::object object{
        {"component", line.component}, {"address", line.address}, {"type", line.type}, {"detail", line.detail}};
    object["monthly"] = money_json(line.monthly);
    lines.push_back(std::move(object));
  }
  boost::json::object components;
  for (const auto& component : estimate.components()) {
    components[component] = money_json(estimate.component_total(component));
  }
  return {{"lines", std::move(lines)},
          {"components", std::move(components)},
          {"total", money_json(estimate.total())},
          {"free_tier_credit", money_json(estimate.free_tier_total())},
          {"free_resources", strings_json(estimate.free_resources)},
          {"warnings", strings_json(estimate.warnings)}};
}

std::string signed_cents(Decimal amount) {
  return (amount > Decimal{} ? "+" : "") + cents(amount);
}

}  // namespace

std::optional<Format> parse_format(std::string_view name) {
  if (name == "table") {
    return Format::Table;
  }
  if (name == "markdown") {
    return Format::Markdown;
  }
  if (name == "json") {
    return Format::Json;
  }
  return std::nullopt;
}

std::string render_estimate(const Estimate& estimate, const ReportContext& context, Format format) {
  return render_estimate(estimate, estimate, context, format);
}

std::string render_estimate(const Estimate& estimate, const Estimate& high, const ReportContext& context,
                            Format format) {
  switch (format) {
    case Format::Table: return estimate_table(estimate, high, context);
    case Format::Markdown: return estimate_markdown(estimate, high, context);
    case Format::Json: {
      boost::json::object object = context_json(context);
      for (auto& [key, value] : estimate_json_object(estimate)) {
        object[key] = value;
      }
      // The range: `total` is its low end (Fargate Spot at the best-case discount).
      boost::json::object components_high;
      for (const auto& component : high.components()) {
        components_high[component] = money_json(high.component_total(component));
      }
      object["total_low"] = money_json(estimate.total());
      object["total_high"] = money_json(high.total());
      object["components_high"] = std::move(components_high);
      object["spot_discount"] = {{"low_end", context.spot_discount_low_end.to_plain_string()},
                                 {"high_end", context.spot_discount_high_end.to_plain_string()}};
      return boost::json::serialize(object) + "\n";
    }
  }
  return "";
}

std::string render_what_if(const std::vector<Scenario>& scenarios, const ReportContext& context, Format format) {
  const Decimal baseline = scenarios.empty() ? Decimal{} : scenarios.front().estimate.total();
  if (format == Format::Json) {
    boost::json::array items;
    for (const auto& scenario : scenarios) {
      boost::json::object object{{"name", scenario.name}, {"change", scenario.change}};
      object["total"] = money_json(scenario.estimate.total());
      object["total_high"] = money_json(scenario.high.total());
      object["delta"] = money_json(scenario.estimate.total() - baseline);
      object["estimate"] = estimate_json_object(scenario.estimate);
      items.push_back(std::move(object));
    }
    boost::json::object root = context_json(context);
    root["scenarios"] = std::move(items);
    return boost::json::serialize(root) + "\n";
  }
  std::ostringstream out;
  if (format == Format::Markdown) {
    out << "### What-if scenarios: " << context.environment << "\n\n"
        << context.region << " list prices of " << context.prices_as_of
        << "; business hours = " << context.weekly_hours.to_plain_string() << " h/week; baseline "
        << schedule_text(context) << "; free tier: " << free_tier_text(context)
        << "; USD/month with Fargate Spot at its best case, high: at the worst case the price table states\n\n"
        << "| Scenario | Change | USD/month | high | vs baseline |\n|---|---|---:|---:|---:|\n";
    for (const auto& scenario : scenarios) {
      out << "| " << scenario.name << " | " << md_cell(scenario.change) << " | " << cents(scenario.estimate.total())
          << " | " << cents(scenario.high.total()) << " | " << signed_cents(scenario.estimate.total() - baseline)
          << " |\n";
    }
    return out.str();
  }
  out << "What-if scenarios: " << title(context) << "\nbusiness hours = " << context.weekly_hours.to_plain_string()
      << " h/week; baseline " << schedule_text(context) << "\nfree tier: " << free_tier_text(context)
      << "\nUSD/MONTH: Fargate Spot at its best-case discount; HIGH: at the worst case the price table states\n\n";
  TextTable table({false, true, true, true, false});
  table.row({"SCENARIO", "USD/MONTH", "HIGH", "VS BASELINE", "CHANGE"});
  for (const auto& scenario : scenarios) {
    table.row({scenario.name, cents(scenario.estimate.total()), cents(scenario.high.total()),
               signed_cents(scenario.estimate.total() - baseline), scenario.change});
  }
  out << table.str();
  return out.str();
}

std::string render_per_million(const PerMillionInput& input, const PerMillionResult& result,
                               const ReportContext& context, Format format) {
  const bool spot = result.share.spot_tasks > Decimal{};
  std::vector<std::pair<std::string, std::string>> rows = {
      {"request rate", input.request_rate_rps.to_plain_string() + " req/s"},
      {"throughput per task",
       input.throughput_rps_per_task.to_plain_string() + " req/s at " +
           (input.target_utilization * Decimal::from_int(100)).to_plain_string() + "% target utilisation"},
      {"task size",
       input.task.vcpu.to_plain_string() + " vCPU / " + input.task.memory_gb.to_plain_string() + " GB " +
           (input.task.arm64 ? "ARM64" : "X86_64")},
      {"tasks needed",
       std::to_string(result.tasks) + " (at least " + std::to_string(input.min_tasks) + "; " +
           result.share.on_demand_tasks.to_plain_string() + " on-demand, " + result.share.spot_tasks.to_plain_string() +
           " Spot)"},
      {"tasks per hour", money_range(result.compute_per_hour, result.compute_per_hour_high, 6, spot)},
      {"ALB per hour", "$" + result.alb_per_hour.to_string(6)},
      {"ALB LCUs", result.lcu.lcu().to_plain_string() + " LCU = $" + result.lcu_per_hour.to_string(6) + "/h"},
      {"total per hour", money_range(result.total_per_hour, result.total_per_hour_high, 6, spot)},
      {"million requests per hour", result.million_requests_per_hour.to_plain_string()},
      {"cost per million requests (tasks + ALB hour + LCUs)",
       money_range(result.per_million_all_in, result.per_million_all_in_high, 4, spot)},
      {"cost per million requests (tasks + LCUs)",
       money_range(result.per_million_variable, result.per_million_variable_high, 4, spot)},
      {"covers", std::string(kPerMillionCovers)},
  };
  if (spot) {
    rows.insert(rows.begin() + 4,
                std::pair<std::string, std::string>{"Fargate Spot",
                                                    "low end " + percent(context.spot_discount_low_end) +
                                                        " off on-demand (the best case AWS publishes), high end " +
                                                        percent(context.spot_discount_high_end) + " off"});
  }
  if (format == Format::Json) {
    boost::json::object root = context_json(context);
    root["request_rate_rps"] = input.request_rate_rps.to_plain_string();
    root["throughput_rps_per_task"] = input.throughput_rps_per_task.to_plain_string();
    root["tasks"] = result.tasks;
    root["compute_per_hour_usd"] = result.compute_per_hour.to_plain_string();
    root["alb_per_hour_usd"] = result.alb_per_hour.to_plain_string();
    root["lcu"] = result.lcu.lcu().to_plain_string();
    root["lcu_per_hour_usd"] = result.lcu_per_hour.to_plain_string();
    root["total_per_hour_usd"] = result.total_per_hour.to_plain_string();
    root["per_million_all_in_usd"] = result.per_million_all_in.to_string(4);
    root["per_million_variable_usd"] = result.per_million_variable.to_string(4);
    root["compute_per_hour_high_usd"] = result.compute_per_hour_high.to_plain_string();
    root["total_per_hour_high_usd"] = result.total_per_hour_high.to_plain_string();
    root["per_million_all_in_high_usd"] = result.per_million_all_in_high.to_string(4);
    root["per_million_variable_high_usd"] = result.per_million_variable_high.to_string(4);
    root["spot_discount_low_end"] = context.spot_discount_low_end.to_plain_string();
    root["spot_discount_high_end"] = context.spot_discount_high_end.to_plain_string();
    root["covers"] = kPerMillionCovers;
    return boost::json::serialize(root) + "\n";
  }
  std::ostringstream out;
  if (format == Format::Markdown) {
    out << "### Cost per million requests\n\n"
        << context.region << " list prices of " << context.prices_as_of << "\n\n| Item | Value |\n|---|---|\n";
    for (const auto& [name, value] : rows) {
      out << "| " << name << " | " << md_cell(value) << " |\n";
    }
    return out.str();
  }
  out << "Cost per million requests: " << context.region << " list prices of " << context.prices_as_of << "\n\n";
  TextTable table({false, false});
  for (const auto& [name, value] : rows) {
    table.row({name, value});
  }
  out << table.str();
  return out.str();
}

}  // namespace costmodel
