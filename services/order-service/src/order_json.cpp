#include "order_json.hpp"

#include "ecom/time_format.hpp"

namespace orders {

namespace {

void optional_text(ecom::JsonWriter& w, const std::optional<std::string>& text) {
    if (text) {
        w.string(*text);
    } else {
        w.null();
    }
}

// The fields every shape of an order has (Order in the API document).
void write_order_fields(ecom::JsonWriter& w, const OrderRecord& o) {
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
}

}  // namespace

void write_order_json(ecom::JsonWriter& w, const OrderRecord& o) {
    w.begin_object();
    write_order_fields(w, o);
    w.end_object();
}

std::string order_detail_json(const OrderPage& page, const std::vector<OrderAction>& actions) {
    std::string out;
    out.reserve(1024);
    ecom::JsonWriter w(out);
    w.begin_object();
    write_order_fields(w, page.order);
    w.field("reservation_state", to_string(page.order.reservation_state));
    w.key("refund");
    if (page.refund) {
        w.begin_object()
            .field("status", page.refund->refunded ? "refunded" : "refused")
            .key("at")
            .string(ecom::rfc3339_millis(page.refund->at_ms))
            .key("failure_code");
        optional_text(w, page.refund->failure_code);
        w.end_object();
    } else {
        w.null();
    }
    w.key("history").begin_array();
    for (const auto& entry : page.history) {
        w.begin_object()
            .key("at")
            .string(ecom::rfc3339_millis(entry.at_ms))
            .field("actor", to_string(entry.actor))
            .field("from", to_string(entry.from))
            .field("to", to_string(entry.to))
            .key("reason");
        optional_text(w, entry.reason);
        w.end_object();
    }
    w.end_array();
    w.key("actions").begin_array();
    for (const auto action : actions) {
        w.string(to_string(action));
    }
    w.end_array();
    w.end_object();
    return out;
}

std::string order_json(const OrderRecord& order) {
    std::string out;
    out.reserve(512);
    ecom::JsonWriter w(out);
    write_order_json(w, order);
    return out;
}

}  // namespace orders
