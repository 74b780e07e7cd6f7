#include "order_json.hpp"

#include "ecom/time_format.hpp"

namespace orders {

void write_order_json(ecom::JsonWriter& w, const OrderRecord& o) {
    w.begin_object();
    w.field("id", o.id).field("status", to_string(o.status));
    w.key("customer").begin_object().field("email", o.email).field("name", o.name).end_object();
    w.key("items").begin_array();
    if (o.items) {
        for (const auto& line : *o.items) {
            w.begin_object()
                .field("product_id", line.product_id)
                .field("sku", line.sku)
                .field("name", line.name)
                .field("quantity", line.quantity)
                .field("unit_price_cents", line.unit_price_cents)
                .field("line_total_cents", line.quantity * line.unit_price_cents)
                .end_object();
        }
    } else {
        // Not priced yet (or rejected before pricing): what was asked for.
        for (const auto& line : o.requested_items) {
            w.begin_object()
                .field("product_id", line.product_id)
                .key("sku")
                .null()
                .key("name")
                .null()
                .field("quantity", line.quantity)
                .key("unit_price_cents")
                .null()
                .key("line_total_cents")
                .null()
                .end_object();
        }
    }
    w.end_array();
    w.key("total_cents");
    if (o.total_cents) {
        w.integer(*o.total_cents);
    } else {
        w.null();
    }
    w.field("currency", o.currency);
    w.key("payment").begin_object().field("card_last4", o.card_last4).key("outcome");
    if (o.payment_outcome) {
        w.string(to_string(*o.payment_outcome));
    } else {
        w.null();
    }
    w.end_object();
    w.key("created_at").string(ecom::rfc3339_millis(o.created_ms));
    w.key("updated_at").string(ecom::rfc3339_millis(o.updated_ms));
    w.end_object();
}

std::string order_json(const OrderRecord& order) {
    std::string out;
    out.reserve(512);
    ecom::JsonWriter w(out);
    write_order_json(w, order);
    return out;
}

}  // namespace orders
