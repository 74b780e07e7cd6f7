#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "costmodel/decimal.hpp"

namespace costmodel {

struct PriceEntry {
  Decimal usd;
  std::string unit;
  std::string source;  // URL of the AWS pricing page the figure comes from
  std::string read;    // date (YYYY-MM-DD) the figure was read
};

// An always-free monthly allowance of the price table ("free_tier"): `quantity` units of
// the item priced under `offsets`, per account and month (not per environment).
struct FreeAllowance {
  std::string name;                                  // "cloudwatch.alarm_metrics"
  Decimal quantity;                                  // 10
  std::string unit;                                  // "alarm metrics"
  std::string condition;                             // "standard resolution, ..." (may be empty)
  std::string offsets;                               // the price key whose charges it covers: "cloudwatch.alarm_month"
  std::optional<Decimal> max_metrics_per_dashboard;  // dashboards only: larger ones are not covered
  std::string source;
  std::string read;
};

// A dated us-east-1 price table kept as data (prices/us-east-1.json). Every entry has
// its source and the date it was read; loading refuses an entry without them.
class PriceTable {
public:
  static PriceTable parse(std::string_view json_text, const std::string& origin);
  static PriceTable load_file(const std::string& path);

  // The price under `key`; InputError naming the key and the table when it is absent.
  [[nodiscard]] Decimal price(std::string_view key) const;
  [[nodiscard]] std::optional<Decimal> find(std::string_view key) const;

  [[nodiscard]] const std::string& region() const { return region_; }
  [[nodiscard]] const std::string& as_of() const { return as_of_; }
  [[nodiscard]] const std::string& origin() const { return origin_; }
  [[nodiscard]] const std::map<std::string, PriceEntry, std::less<>>& entries() const { return entries_; }
  // The allowances in the order of the table; empty when it has no "free_tier".
  [[nodiscard]] const std::vector<FreeAllowance>& free_tier() const { return free_tier_; }
  // The allowance that covers charges under `price_key`, or nullptr.
  [[nodiscard]] const FreeAllowance* allowance_for(std::string_view price_key) const;

private:
  std::string origin_;
  std::string region_;
  std::string as_of_;
  std::map<std::string, PriceEntry, std::less<>> entries_;
  std::vector<FreeAllowance> free_tier_;
};

}  // namespace costmodel
