#pragma once

#include "ecom/json_writer.hpp"
#include "ecom/pg/result.hpp"

#include <string>

namespace catalog {

// Writes row `row` of a result with the CATALOG_PRODUCT_COLUMNS as the
// product's JSON object.
void write_product_json(ecom::JsonWriter& out, const ecom::pg::Result& result, int row);

// The entity tag of a product version, without quotes: "v7" -> v7.
std::string product_etag(std::int64_t version);

}  // namespace catalog
