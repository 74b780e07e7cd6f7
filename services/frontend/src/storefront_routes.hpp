#pragma once

// What the storefront service answers:
//   GET /api/storefront/home   categories with counts and featured products in
//                               one call (the first page needs one request),
//                               fetched from product-service, cached briefly
//   GET|HEAD everything else    the built web app: assets with their caching
//                               policy, precompressed variants, ETag/304, and
//                               index.html for client routes
// Every response carries the security headers; HSTS when the load balancer
// says the client used HTTPS.

#include "ecom/http/client.hpp"
#include "ecom/http/router.hpp"
#include "ecom/metrics.hpp"
#include "static_site.hpp"

#include <chrono>
#include <mutex>
#include <optional>
#include <string>

namespace storefront {

// Content-Security-Policy and friends: no inline scripts or styles.
ecom::http::Headers security_headers();

class StorefrontRoutes {
public:
    StorefrontRoutes(const StaticSite& site, ecom::http::Client& catalog, std::chrono::milliseconds home_ttl,
                     ecom::metrics::Registry& registry);

    void register_on(ecom::http::Router& router);

    // The response for a static path (exposed for tests).
    [[nodiscard]] ecom::http::Response serve(const ecom::http::Request& request) const;

private:
    boost::asio::awaitable<ecom::http::Response> home(ecom::http::Request& request);
    boost::asio::awaitable<std::string> fetch_home(const ecom::http::Request& request);

    const StaticSite& site_;
    ecom::http::Client& catalog_;
    std::chrono::milliseconds home_ttl_;
    std::mutex cache_mutex_;
    std::string cached_home_;
    std::chrono::steady_clock::time_point cached_at_{};
    ecom::metrics::Counter& home_hits_;
    ecom::metrics::Counter& home_misses_;
};

// {"categories":[{"slug","product_count"}],"featured":[...]} from the
// bodies of product-service's categories and first product page.
std::string compose_home(std::string_view categories_body, std::string_view products_body, std::size_t featured);

}  // namespace storefront
