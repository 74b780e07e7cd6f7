#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "costmodel/decimal.hpp"

namespace costmodel {

struct PriceEntry {
  Decimal usd;
  std::string unit;
  std::string source;  // URL of the AWS pricing page the figure comes from
  std::string read;    // date (YYYY-MM-DD) the figure was read
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

 private:
  std::string origin_;
  std::string region_;
  std::string as_of_;
  std::map<std::string, PriceEntry, std::less<>> entries_;
};

}  // namespace costmodel
