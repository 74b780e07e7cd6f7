#include "product_json.hpp"

#include "ecom/time_format.hpp"

namespace catalog {

void write_product_json(ecom::JsonWriter& w, const ecom::pg::Result& r, int row) {
    w.begin_object();
    w.key("id").raw(r.text(row, 0));
    w.field("sku", r.text(row, 1));
    w.field("name", r.text(row, 2));
    w.field("description", r.text(row, 3));
    w.field("category", r.text(row, 4));
    w.key("price_cents").raw(r.text(row, 5));
    w.field("currency", r.text(row, 6));
    w.key("stock").raw(r.text(row, 7));
    w.field("image_url", r.text(row, 8));
    w.key("created_at").string(ecom::rfc3339_millis(r.int64(row, 9)));
    w.key("updated_at").string(ecom::rfc3339_millis(r.int64(row, 10)));
    w.key("version").raw(r.text(row, 11));
    w.end_object();
}

std::string product_etag(std::int64_t version) { return "v" + std::to_string(version); }

}  // namespace catalog
