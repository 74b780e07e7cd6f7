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
  if (entry.source.rfind("https://", 0) != 0) {
    throw InputError(context + ": 'source' must be an https URL, got '" + entry.source + "'");
  }
  if (!is_date(entry.read)) {
    throw InputError(context + ": 'read' must be a date YYYY-MM-DD, got '" + entry.read + "'");
  }
  return entry;
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
  return table;
}

PriceTable PriceTable::load_file(const std::string& path) { return parse(read_file(path, "price table"), path); }

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

}  // namespace costmodel
