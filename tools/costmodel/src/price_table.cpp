#include "costmodel/price_table.hpp"

#include "costmodel/error.hpp"
#include "costmodel/json_util.hpp"

namespace costmodel {
namespace {

bool is_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return false;
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i != 4 && i != 7 && (text[i] < '0' || text[i] > '9')) {
      return false;
    }
  }
  return true;
}

std::string required_string(const boost::json::object& object, std::string_view key, const std::string& context) {
  auto value = string_field(object, key, context);
  if (!value || value->empty()) {
    throw InputError(context + ": '" + std::string(key) + "' is required");
  }
  return *value;
}

void check_dated_source(const std::string& source, const std::string& read, const std::string& context) {
  if (source.rfind("https://", 0) != 0) {
    throw InputError(context + ": 'source' must be an https URL, got '" + source + "'");
  }
  if (!is_date(read)) {
    throw InputError(context + ": 'read' must be a date YYYY-MM-DD, got '" + read + "'");
  }
}

PriceEntry parse_entry(const boost::json::value& value, const std::string& context) {
  if (!value.is_object()) {
    throw InputError(context + " must be an object with usd, unit, source and read");
  }
  const auto& object = value.get_object();
  PriceEntry entry;
  const auto usd = number_field(object, "usd", context);
  if (!usd) {
    throw InputError(context + ": 'usd' is required");
  }
  if (usd->is_negative()) {
    throw InputError(context + ": 'usd' must not be negative, got " + usd->to_plain_string());
  }
  entry.usd = *usd;
  entry.unit = required_string(object, "unit", context);
  entry.source = required_string(object, "source", context);
  entry.read = required_string(object, "read", context);
  check_dated_source(entry.source, entry.read, context);
  return entry;
}

FreeAllowance parse_allowance(const std::string& name, const boost::json::value& value, const std::string& context,
                              const std::map<std::string, PriceEntry, std::less<>>& prices) {
  if (!value.is_object()) {
    throw InputError(context + " must be an object with quantity, unit, offsets, source and read");
  }
  const auto& object = value.get_object();
  FreeAllowance allowance;
  allowance.name = name;
  const auto quantity = number_field(object, "quantity", context);
  if (!quantity || quantity->is_negative()) {
    throw InputError(context + ": 'quantity' is required and must not be negative");
  }
  allowance.quantity = *quantity;
  allowance.unit = required_string(object, "unit", context);
  allowance.condition = string_field(object, "condition", context).value_or("");
  allowance.offsets = required_string(object, "offsets", context);
  if (prices.find(allowance.offsets) == prices.end()) {
    throw InputError(context + ": 'offsets' names '" + allowance.offsets + "', which is not a price of the table");
  }
  allowance.max_metrics_per_dashboard = number_field(object, "max_metrics_per_dashboard", context);
  allowance.source = required_string(object, "source", context);
  allowance.read = required_string(object, "read", context);
  check_dated_source(allowance.source, allowance.read, context);
  return allowance;
}

std::vector<FreeAllowance> parse_free_tier(const boost::json::object& root, const std::string& origin,
                                           const std::map<std::string, PriceEntry, std::less<>>& prices) {
  std::vector<FreeAllowance> allowances;
  const auto* free_tier = root.if_contains("free_tier");
  if (free_tier == nullptr) {
    return allowances;
  }
  const auto* list = free_tier->is_object() ? free_tier->get_object().if_contains("allowances") : nullptr;
  if (list == nullptr || !list->is_object()) {
    throw InputError(origin + ": 'free_tier' must be an object with an 'allowances' object");
  }
  for (const auto& [key, value] : list->get_object()) {
    const std::string name(key);
    allowances.push_back(parse_allowance(name, value, origin + " free tier allowance '" + name + "'", prices));
  }
  return allowances;
}

}  // namespace

PriceTable PriceTable::parse(std::string_view json_text, const std::string& origin) {
  const auto document = parse_json(json_text, origin);
  if (!document.is_object()) {
    throw InputError(origin + " must be a JSON object");
  }
  const auto& root = document.get_object();
  PriceTable table;
  table.origin_ = origin;
  table.region_ = required_string(root, "region", origin);
  table.as_of_ = required_string(root, "as_of", origin);
  if (!is_date(table.as_of_)) {
    throw InputError(origin + ": 'as_of' must be a date YYYY-MM-DD, got '" + table.as_of_ + "'");
  }
  const auto* prices = root.if_contains("prices");
  if (prices == nullptr || !prices->is_object() || prices->get_object().empty()) {
    throw InputError(origin + ": 'prices' must be a non-empty object of price entries");
  }
  for (const auto& [key, value] : prices->get_object()) {
    const std::string name(key);
    table.entries_.emplace(name, parse_entry(value, origin + " price '" + name + "'"));
  }
  table.free_tier_ = parse_free_tier(root, origin, table.entries_);
  return table;
}

PriceTable PriceTable::load_file(const std::string& path) {
  return parse(read_file(path, "price table"), path);
}

std::optional<Decimal> PriceTable::find(std::string_view key) const {
  const auto it = entries_.find(key);
  if (it == entries_.end()) {
    return std::nullopt;
  }
  return it->second.usd;
}

Decimal PriceTable::price(std::string_view key) const {
  if (const auto value = find(key)) {
    return *value;
  }
  throw InputError("price table " + origin_ + " has no price '" + std::string(key) + "'");
}

const FreeAllowance* PriceTable::allowance_for(std::string_view price_key) const {
  for (const auto& allowance : free_tier_) {
    if (allowance.offsets == price_key) {
      return &allowance;
    }
  }
  return nullptr;
}

}  // namespace costmodel
