#include "catalog_store.hpp"

#include "catalog_sql.hpp"
#include "cursor.hpp"
#include "ecom/http/error.hpp"
#include "product_json.hpp"

namespace catalog {
namespace {

namespace asio = boost::asio;
using ecom::pg::Params;
using ecom::pg::Result;

StoredProduct stored(const Result& r, int row) {
    StoredProduct p;
    p.id = r.int64(row, sql::col_id);
    p.version = r.int64(row, sql::col_version);
    p.json.reserve(512);
    ecom::JsonWriter w(p.json);
    write_product_json(w, r, row);
    return p;
}

std::optional<std::string> versions_param(const AcceptedVersions& versions) {
    if (!versions) {
        return std::nullopt;
    }
    return versions_array(*versions);
}

[[noreturn]] void throw_sku_taken() {
    throw ecom::http::HttpError(409, "sku_taken", "another product already uses this sku");
}

}  // namespace

std::string versions_array(const std::vector<std::int64_t>& versions) {
    std::string out = "{";
    for (std::size_t i = 0; i < versions.size(); ++i) {
        if (i > 0) {
            out += ',';
        }
        out += std::to_string(versions[i]);
    }
    out += '}';
    return out;
}

asio::awaitable<std::optional<StoredProduct>> CatalogStore::find(std::int64_t id, const ecom::trace::SpanContext* ctx) {
    const Result r = co_await db_.run_traced(ctx, sql::get_product, id);
    if (r.empty()) {
        co_return std::nullopt;
    }
    co_return stored(r, 0);
}

asio::awaitable<std::string> CatalogStore::list_page(const ListRequest& request, const ecom::trace::SpanContext* ctx) {
    // One row more than the page tells whether another page follows.
    const std::int64_t fetch = request.limit + 1;
    Result r;
    if (request.search) {
        r = co_await db_.run_traced(ctx, sql::search_products, contains_pattern(*request.search), request.category,
                                    request.after_id, fetch);
    } else if (request.category) {
        r = co_await db_.run_traced(ctx, sql::list_products_in_category, *request.category, request.after_id, fetch);
    } else {
        r = co_await db_.run_traced(ctx, sql::list_products, request.after_id, fetch);
    }
    const int rows = r.rows();
    const int shown = rows > request.limit ? static_cast<int>(request.limit) : rows;
    std::string body;
    body.reserve(static_cast<std::size_t>(shown) * 400 + 64);
    ecom::JsonWriter w(body);
    w.begin_object().key("items").begin_array();
    for (int i = 0; i < shown; ++i) {
        write_product_json(w, r, i);
    }
    w.end_array().key("next_cursor");
    if (rows > request.limit) {
        w.string(encode_cursor(r.int64(shown - 1, sql::col_id)));
    } else {
        w.null();
    }
    w.end_object();
    co_return body;
}

asio::awaitable<std::string> CatalogStore::categories(const ecom::trace::SpanContext* ctx) {
    const Result r = co_await db_.run_traced(ctx, sql::list_categories);
    std::string body;
    ecom::JsonWriter w(body);
    w.begin_object().key("items").begin_array();
    for (int i = 0; i < r.rows(); ++i) {
        w.begin_object().field("slug", r.text(i, 0)).key("product_count").raw(r.text(i, 1)).end_object();
    }
    w.end_array().end_object();
    co_return body;
}

asio::awaitable<StoredProduct> CatalogStore::create(const ProductFields& f, const ecom::trace::SpanContext* ctx) {
    try {
        const Result r = co_await db_.run_traced(ctx, sql::insert_product, f.sku, f.name, f.description, f.category,
                                                 f.price_cents, f.stock, f.image_url);
        co_return stored(r, 0);
    } catch (const ecom::pg::Error& e) {
        if (!e.unique_violation()) {
            throw;
        }
    }
    throw_sku_taken();
}

asio::awaitable<WriteResult> CatalogStore::update(const ecom::pg::Statement& statement, std::int64_t id,
                                                  const ProductFields& f, const AcceptedVersions& versions,
                                                  const ecom::trace::SpanContext* ctx) {
    Result r;
    try {
        r = co_await db_.run_traced(ctx, statement, id, versions_param(versions), f.sku, f.name, f.description,
                                    f.category, f.price_cents, f.stock, f.image_url);
    } catch (const ecom::pg::Error& e) {
        if (!e.unique_violation()) {
            throw;
        }
        throw_sku_taken();
    }
    if (r.empty()) {
        // GCC 12 mishandles temporaries around a co_await inside an
        // initializer or argument list: await into a named variable first.
        const WriteStatus status = co_await missing_or_mismatch(id, ctx);
        co_return WriteResult{status, {}};
    }
    co_return WriteResult{WriteStatus::ok, stored(r, 0)};
}

asio::awaitable<WriteResult> CatalogStore::replace(std::int64_t id, const ProductFields& fields,
                                                   const AcceptedVersions& versions,
                                                   const ecom::trace::SpanContext* ctx) {
    co_return co_await update(sql::replace_product, id, fields, versions, ctx);
}

asio::awaitable<WriteResult> CatalogStore::patch(std::int64_t id, const ProductFields& fields,
                                                 const AcceptedVersions& versions,
                                                 const ecom::trace::SpanContext* ctx) {
    co_return co_await update(sql::patch_product, id, fields, versions, ctx);
}

asio::awaitable<WriteStatus> CatalogStore::archive(std::int64_t id, const AcceptedVersions& versions,
                                                   const ecom::trace::SpanContext* ctx) {
    const Result r = co_await db_.run_traced(ctx, sql::archive_product, id, versions_param(versions));
    if (r.empty()) {
        co_return co_await missing_or_mismatch(id, ctx);
    }
    co_return WriteStatus::ok;
}

asio::awaitable<WriteStatus> CatalogStore::missing_or_mismatch(std::int64_t id, const ecom::trace::SpanContext* ctx) {
    const Result r = co_await db_.run_traced(ctx, sql::product_exists, id);
    co_return r.empty() ? WriteStatus::not_found : WriteStatus::version_mismatch;
}

}  // namespace catalog
