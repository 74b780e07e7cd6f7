#include "product_routes.hpp"

#include "cursor.hpp"
#include "ecom/http/error.hpp"
#include "ecom/http/etag.hpp"
#include "ecom/json.hpp"
#include "ecom/pg/http_errors.hpp"
#include "product_json.hpp"

#include <charconv>

namespace catalog {
namespace {

namespace asio = boost::asio;
using ecom::http::HttpError;
using ecom::http::Method;
using ecom::http::Request;
using ecom::http::Response;

Response product_response(unsigned status, const std::string& body, const std::string& etag) {
    auto response = Response::json(status, body);
    response.headers.add("ETag", ecom::http::quote_etag(etag));
    // Browsers may keep it but must revalidate: stock changes.
    response.headers.add("Cache-Control", "no-cache");
    return response;
}

// A 200 with a body held by the cache entry: written without a copy, the
// entry kept alive until the response is written.
Response cached_response(const std::shared_ptr<const CachedBody>& entry) {
    Response response;
    response.headers.add("Content-Type", "application/json");
    response.shared_body = std::shared_ptr<const std::string>(entry, &entry->body);
    return response;
}

std::string page_key(const ListRequest& r) {
    std::string key = std::to_string(r.limit) + '|' + std::to_string(r.after_id) + '|';
    if (r.category) {
        key += *r.category;
    }
    key += '|';
    if (r.search) {
        key += *r.search;
    }
    return key;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

}  // namespace

std::int64_t parse_product_id(std::string_view text) {
    std::int64_t id = 0;
    const auto r = std::from_chars(text.data(), text.data() + text.size(), id);
    if (text.empty() || text.size() > 18 || text.front() == '0' || r.ec != std::errc{} ||
        r.ptr != text.data() + text.size() || id <= 0) {
        throw HttpError(404, "not_found", "no product with this id");
    }
    return id;
}

ListRequest parse_list_request(const Request& request) {
    ListRequest out;
    out.limit = request.int_query_param("limit", out.limit, 1, 100);
    if (auto cursor = request.query_param("cursor"); cursor && !cursor->empty()) {
        auto after = decode_cursor(*cursor);
        if (!after) {
            throw HttpError(400, "invalid_cursor", "cursor is not a value returned as next_cursor");
        }
        out.after_id = *after;
    }
    if (auto category = request.query_param("category"); category && !category->empty()) {
        if (!valid_category(*category)) {
            throw HttpError(400, "invalid_parameter", "category must be a lowercase slug (a-z, 0-9, '-')");
        }
        out.category = std::move(*category);
    }
    if (auto q = request.query_param("q")) {
        const auto text = trim(*q);
        if (!ecom::json::valid_utf8(text)) {
            throw HttpError(400, "invalid_parameter", "q must be valid UTF-8");
        }
        if (!text.empty()) {
            if (ecom::json::utf8_length(text) > 100) {
                throw HttpError(400, "invalid_parameter", "q must be at most 100 characters");
            }
            for (const char c : text) {
                if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
                    throw HttpError(400, "invalid_parameter", "q must not contain control characters");
                }
            }
            out.search = std::string(text);
        }
    }
    return out;
}

AcceptedVersions parse_if_match(const Request& request) {
    const auto header = request.header("If-Match");
    if (!header) {
        return std::nullopt;
    }
    const auto condition = ecom::http::parse_etag_condition(*header);
    if (!condition) {
        throw HttpError(400, "invalid_header", "If-Match must be \"*\" or a list of entity tags");
    }
    if (condition->any) {
        return std::nullopt;
    }
    std::vector<std::int64_t> versions;
    for (std::size_t i = 0; i < condition->tags.size(); ++i) {
        const auto& tag = condition->tags[i];
        std::int64_t v = 0;
        if (!condition->weak[i] && tag.size() > 1 && tag.front() == 'v') {
            const auto r = std::from_chars(tag.data() + 1, tag.data() + tag.size(), v);
            if (r.ec == std::errc{} && r.ptr == tag.data() + tag.size() && v > 0) {
                versions.push_back(v);
            }
        }
    }
    if (versions.empty()) {
        versions.push_back(-1);  // matches no version: the write fails with 412
    }
    return versions;
}

ProductRoutes::ProductRoutes(CatalogStore& store, ProductCache& cache, const ecom::http::AdminAuth& admin)
    : store_(store), cache_(cache), admin_(admin) {}

void ProductRoutes::register_on(ecom::http::Router& router) {
    using ecom::pg::with_database_errors;
    const ecom::http::RouteOptions json{.json_body = true};
    router.add({Method::get}, "/api/products", with_database_errors([this](Request& r) { return list(r); }));
    router.add({Method::post}, "/api/products", with_database_errors([this](Request& r) { return create(r); }), json);
    router.add({Method::get}, "/api/products/categories",
               with_database_errors([this](Request& r) { return categories(r); }));
    router.add({Method::get}, "/api/products/{id}", with_database_errors([this](Request& r) { return get(r); }));
    router.add({Method::put}, "/api/products/{id}", with_database_errors([this](Request& r) { return replace(r); }),
               json);
    router.add({Method::patch}, "/api/products/{id}", with_database_errors([this](Request& r) { return patch(r); }),
               json);
    router.add({Method::delete_}, "/api/products/{id}", with_database_errors([this](Request& r) { return remove(r); }));
}

asio::awaitable<Response> ProductRoutes::list(Request& request) {
    const ListRequest query = parse_list_request(request);
    const std::string key = page_key(query);
    const auto generation = cache_.generation();
    auto entry = cache_.find_page(key);
    if (!entry) {
        auto fresh = std::make_shared<CachedBody>();
        fresh->body = co_await store_.list_page(query, &request.context.trace);
        cache_.store_page(key, fresh, generation);
        entry = std::move(fresh);
    }
    auto response = cached_response(entry);
    response.headers.add("Cache-Control", "no-cache");
    co_return response;
}

asio::awaitable<Response> ProductRoutes::categories(Request& request) {
    const std::string key = "categories";
    const auto generation = cache_.generation();
    auto entry = cache_.find_page(key);
    if (!entry) {
        auto fresh = std::make_shared<CachedBody>();
        fresh->body = co_await store_.categories(&request.context.trace);
        cache_.store_page(key, fresh, generation);
        entry = std::move(fresh);
    }
    auto response = cached_response(entry);
    response.headers.add("Cache-Control", "no-cache");
    co_return response;
}

asio::awaitable<Response> ProductRoutes::get(Request& request) {
    const std::int64_t id = parse_product_id(request.param("id"));
    const auto generation = cache_.generation();
    auto entry = cache_.find_product(id);
    if (!entry) {
        auto product = co_await store_.find(id, &request.context.trace);
        if (!product) {
            throw HttpError(404, "not_found", "no product with this id");
        }
        auto fresh = std::make_shared<CachedBody>();
        fresh->body = std::move(product->json);
        fresh->etag = product_etag(product->version);
        cache_.store_product(id, fresh, generation);
        entry = std::move(fresh);
    }
    if (auto inm = request.header("If-None-Match")) {
        const auto condition = ecom::http::parse_etag_condition(*inm);
        if (condition && ecom::http::none_match_hits(*condition, entry->etag)) {
            Response not_modified;
            not_modified.status = 304;
            not_modified.headers.add("ETag", ecom::http::quote_etag(entry->etag));
            not_modified.headers.add("Cache-Control", "no-cache");
            co_return not_modified;
        }
    }
    auto response = cached_response(entry);
    response.headers.add("ETag", ecom::http::quote_etag(entry->etag));
    response.headers.add("Cache-Control", "no-cache");
    co_return response;
}

asio::awaitable<Response> ProductRoutes::create(Request& request) {
    admin_.require(request);
    const ProductFields fields = parse_full_product(request.body);
    const StoredProduct product = co_await store_.create(fields, &request.context.trace);
    cache_.invalidate_product(product.id);
    auto response = product_response(201, product.json, product_etag(product.version));
    response.headers.add("Location", "/api/products/" + std::to_string(product.id));
    co_return response;
}

Response ProductRoutes::written(unsigned status, const WriteResult& result) {
    switch (result.status) {
        case WriteStatus::not_found: throw HttpError(404, "not_found", "no product with this id");
        case WriteStatus::version_mismatch:
            throw HttpError(412, "precondition_failed", "the product changed since the version in If-Match");
        case WriteStatus::ok: break;
    }
    cache_.invalidate_product(result.product.id);
    return product_response(status, result.product.json, product_etag(result.product.version));
}

asio::awaitable<Response> ProductRoutes::replace(Request& request) {
    admin_.require(request);
    const std::int64_t id = parse_product_id(request.param("id"));
    const AcceptedVersions versions = parse_if_match(request);
    const ProductFields fields = parse_full_product(request.body);
    const WriteResult result = co_await store_.replace(id, fields, versions, &request.context.trace);
    co_return written(200, result);
}

asio::awaitable<Response> ProductRoutes::patch(Request& request) {
    admin_.require(request);
    const std::int64_t id = parse_product_id(request.param("id"));
    const AcceptedVersions versions = parse_if_match(request);
    const ProductFields fields = parse_product_patch(request.body);
    const WriteResult result = co_await store_.patch(id, fields, versions, &request.context.trace);
    co_return written(200, result);
}

asio::awaitable<Response> ProductRoutes::remove(Request& request) {
    admin_.require(request);
    const std::int64_t id = parse_product_id(request.param("id"));
    const AcceptedVersions versions = parse_if_match(request);
    const WriteStatus status = co_await store_.archive(id, versions, &request.context.trace);
    if (status == WriteStatus::not_found) {
        throw HttpError(404, "not_found", "no product with this id");
    }
    if (status == WriteStatus::version_mismatch) {
        throw HttpError(412, "precondition_failed", "the product changed since the version in If-Match");
    }
    cache_.invalidate_product(id);
    co_return Response::no_content();
}

}  // namespace catalog
