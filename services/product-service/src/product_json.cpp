#include "product_json.hpp"

#include "ecom/time_format.hpp"

namespace catalog {

void write_product_json(ecom::JsonWriter& w, const ecom::pg::Result& r, int row) {
    // Constant keys as one fragment each; only the values are escaped.
    char created[ecom::rfc3339_millis_size];
    char updated[ecom::rfc3339_millis_size];
    ecom::write_rfc3339_millis(created, r.int64(row, 9));
    ecom::write_rfc3339_millis(updated, r.int64(row, 10));
    w.begin_object()
        .fragment("\"id\":")
        .fragment(r.text(row, 0))
        .fragment(",\"sku\":\"")
        .escaped(r.text(row, 1))
        .fragment("\",\"name\":\"")
        .escaped(r.text(row, 2))
        .fragment("\",\"description\":\"")
        .escaped(r.text(row, 3))
        .fragment("\",\"category\":\"")
        .escaped(r.text(row, 4))
        .fragment("\",\"price_cents\":")
        .fragment(r.text(row, 5))
        .fragment(",\"currency\":\"")
        .escaped(r.text(row, 6))
        .fragment("\",\"stock\":")
        .fragment(r.text(row, 7))
        .fragment(",\"image_url\":\"")
        .escaped(r.text(row, 8))
        .fragment("\",\"created_at\":\"")
        .fragment(std::string_view(created, sizeof created))
        .fragment("\",\"updated_at\":\"")
        .fragment(std::string_view(updated, sizeof updated))
        .fragment("\",\"version\":")
        .fragment(r.text(row, 11))
        .end_object();
}

std::string product_etag(std::int64_t version) {
    return "v" + std::to_string(version);
}

}  // namespace catalog
