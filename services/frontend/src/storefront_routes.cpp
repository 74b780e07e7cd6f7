#include "storefront_routes.hpp"

#include "ecom/http/error.hpp"
#include "ecom/http/etag.hpp"
#include "ecom/json_writer.hpp"
#include "ecom/log.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace storefront {
namespace {

namespace asio = boost::asio;
namespace bj = boost::json;
using ecom::http::Method;
using ecom::http::Request;
using ecom::http::Response;

bool behind_https(const Request& request) {
    const auto proto = request.header("X-Forwarded-Proto");
    return proto && *proto == "https";
}

}  // namespace

ecom::http::Headers security_headers() {
    ecom::http::Headers h;
    h.add("Content-Security-Policy",
          "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
          "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'");
    h.add("Referrer-Policy", "strict-origin-when-cross-origin");
    h.add("X-Frame-Options", "DENY");
    h.add("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
    h.add("Cross-Origin-Opener-Policy", "same-origin");
    h.add("Cross-Origin-Resource-Policy", "same-origin");
    return h;
}

std::string compose_home(std::string_view categories_body, std::string_view products_body, std::size_t featured) {
    const bj::value categories = bj::parse(categories_body);
    const bj::value products = bj::parse(products_body);
    std::string out;
    ecom::JsonWriter w(out);
    w.begin_object().key("categories").begin_array();
    for (const auto& c : categories.at("items").as_array()) {
        w.begin_object()
            .field("slug", std::string_view(c.at("slug").as_string()))
            .field("product_count", c.at("product_count").to_number<std::int64_t>())
            .end_object();
    }
    w.end_array().key("featured").begin_array();
    std::size_t n = 0;
    for (const auto& p : products.at("items").as_array()) {
        if (n == featured) {
            break;
        }
        if (p.at("stock").to_number<std::int64_t>() > 0) {
            w.raw(bj::serialize(p));
            ++n;
        }
    }
    w.end_array().end_object();
    return out;
}

StorefrontRoutes::StorefrontRoutes(const StaticSite& site, ecom::http::Client& catalog,
                                   std::chrono::milliseconds home_ttl, ecom::metrics::Registry& registry)
    : site_(site),
      catalog_(catalog),
      home_ttl_(home_ttl),
      home_hits_(registry.counter("cache_hits_total", "Reads served from the in-process cache", {{"cache", "home"}})),
      home_misses_(
          registry.counter("cache_misses_total", "Reads that missed the in-process cache", {{"cache", "home"}})) {}

void StorefrontRoutes::register_on(ecom::http::Router& router) {
    router.add({Method::get}, "/api/storefront/home", [this](Request& r) { return home(r); });
    router.fallback(
        {Method::get, Method::head}, [this](Request& r) -> asio::awaitable<Response> { co_return serve(r); }, "static");
}

Response StorefrontRoutes::serve(const Request& request) const {
    const Asset* asset = site_.find(request.path);
    if (asset == nullptr && safe_relative_path(request.path) && is_client_route(request.path)) {
        asset = &site_.index();
    }
    if (asset == nullptr) {
        return ecom::http::error_response(404, "not_found", "no resource at this path");
    }
    const auto accept = request.header("Accept-Encoding");
    const Encoding encoding = choose_encoding(accept.value_or(""), asset->gzip.has_value(), asset->brotli.has_value());
    const Variant& variant = encoding == Encoding::brotli ? *asset->brotli
        : encoding == Encoding::gzip                      ? *asset->gzip
                                                          : asset->identity;
    Response response;
    response.headers.add("Content-Type", asset->content_type);
    response.headers.add("Cache-Control", asset->cache_control);
    response.headers.add("ETag", variant.etag);
    if (asset->gzip || asset->brotli) {
        response.headers.add("Vary", "Accept-Encoding");
    }
    if (encoding != Encoding::identity) {
        response.headers.add("Content-Encoding", encoding == Encoding::brotli ? "br" : "gzip");
    }
    if (behind_https(request)) {
        response.headers.add("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    }
    if (const auto inm = request.header("If-None-Match")) {
        const auto condition = ecom::http::parse_etag_condition(*inm);
        const std::string_view opaque(variant.etag.data() + 1, variant.etag.size() - 2);
        if (condition && ecom::http::none_match_hits(*condition, opaque)) {
            response.status = 304;
            return response;
        }
    }
    response.shared_body = variant.body;  // no copy of the asset per request
    return response;
}

asio::awaitable<std::string> StorefrontRoutes::fetch_home(const Request& request) {
    ecom::http::OutgoingRequest categories;
    categories.target = "/api/products/categories";
    categories.idempotent = true;
    categories.context = &request.context;
    ecom::http::OutgoingRequest products;
    products.target = "/api/products?limit=24";
    products.idempotent = true;
    products.context = &request.context;
    const auto c = co_await catalog_.send(categories);
    const auto p = co_await catalog_.send(products);
    if (c.status != 200 || p.status != 200) {
        throw ecom::http::UpstreamError(
            ecom::http::UpstreamError::Kind::bad_response,
            "product-service answered " + std::to_string(c.status) + "/" + std::to_string(p.status), false);
    }
    co_return compose_home(c.body, p.body, 8);
}

asio::awaitable<Response> StorefrontRoutes::home(Request& request) {
    const auto now = std::chrono::steady_clock::now();
    {
        std::lock_guard lock(cache_mutex_);
        if (!cached_home_.empty() && now - cached_at_ < home_ttl_) {
            home_hits_.inc();
            auto response = Response::json(200, cached_home_);
            response.headers.add("Cache-Control", "no-cache");
            co_return response;
        }
    }
    home_misses_.inc();
    std::string body;
    std::string failure;
    try {
        body = co_await fetch_home(request);
    } catch (const ecom::http::UpstreamError& e) {
        failure = e.what();
    } catch (const std::exception& e) {
        failure = std::string("unreadable catalog answer: ") + e.what();
    }
    if (!failure.empty()) {
        ecom::log::warn("storefront home unavailable",
                        {{"request_id", request.context.request_id}, {"reason", failure}});
        auto response = ecom::http::error_response(503, "catalog_unavailable",
                                                   "the catalog is unavailable right now; try again shortly");
        response.headers.add("Retry-After",
                             std::to_string(catalog_.circuit_open() ? catalog_.retry_after().count() : 1));
        co_return response;
    }
    {
        std::lock_guard lock(cache_mutex_);
        cached_home_ = body;
        cached_at_ = now;
    }
    auto response = Response::json(200, std::move(body));
    response.headers.add("Cache-Control", "no-cache");
    co_return response;
}

}  // namespace storefront
