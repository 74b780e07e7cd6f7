#pragma once

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "costmodel/plan.hpp"
#include "costmodel/price_table.hpp"
#include "costmodel/pricing.hpp"

namespace costmodel::testing {

inline std::string source_path(const std::string& relative) {
  return std::string(COSTMODEL_SOURCE_DIR) + "/" + relative;
}

inline const PriceTable& prices() {
  static const PriceTable table = PriceTable::load_file(source_path("prices/us-east-1.json"));
  return table;
}

inline Decimal usd(const char* text) {
  return *Decimal::parse(text);
}

inline Resource resource(const std::string& type, const std::string& values_json, const std::string& module = "",
                         const std::string& index = "") {
  Resource r;
  r.type = type;
  r.name = "this";
  r.module = module;
  r.index = index;
  r.address = (module.empty() ? "" : module + ".") + type + ".this" + (index.empty() ? "" : "[\"" + index + "\"]");
  r.values = boost::json::parse(values_json).as_object();
  return r;
}

inline Estimate price(const std::vector<Resource>& resources, Hours hours = Hours::always_on(Decimal::from_int(730)),
                      bool strict = true) {
  PricingOptions options;
  options.hours = hours;
  options.strict = strict;
  return price_resources(resources, prices(), Usage{}, options);
}

}  // namespace costmodel::testing
