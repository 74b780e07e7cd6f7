#pragma once

// The order as the API shows it:
// {"id","status","customer":{"email","name"},"items":[{"product_id","sku","name","quantity",
//  "unit_price_cents","line_total_cents"}],"total_cents","currency",
//  "payment":{"card_last4","outcome"},"created_at","updated_at"}

//
// The order page (OrderDetail) adds "reservation_state", "refund" (null, or
// {"status":"refunded"|"refused","at","failure_code"}), "history"
// ([{"at","actor","from","to","reason"}], oldest first) and "actions".

#include "ecom/json_writer.hpp"
#include "order_lifecycle.hpp"
#include "order_store.hpp"

#include <string>
#include <vector>

namespace orders {

void write_order_json(ecom::JsonWriter& out, const OrderRecord& order);
std::string order_json(const OrderRecord& order);
std::string order_detail_json(const OrderPage& page, const std::vector<OrderAction>& actions);

}  // namespace orders
