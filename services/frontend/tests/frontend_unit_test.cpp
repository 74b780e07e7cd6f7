#include "static_site.hpp"
#include "storefront_routes.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <filesystem>
#include <fstream>

namespace storefront {
namespace {

namespace fs = std::filesystem;

TEST(SafePath, NormalisesAndRefusesTraversal) {
    EXPECT_EQ(safe_relative_path("/"), "");
    EXPECT_EQ(safe_relative_path("/assets/app.js"), "assets/app.js");
    EXPECT_EQ(safe_relative_path("/./assets//app.js"), "assets/app.js");
    EXPECT_EQ(safe_relative_path("/images/a%20b.svg"), "images/a b.svg");
    EXPECT_EQ(safe_relative_path("/%252e%252e/x"), "%2e%2e/x");  // decoded once: a literal name
    for (const auto* bad : {"/../etc/passwd", "/a/../../b", "/%2e%2e/etc/passwd", "/%2E%2E/x", "/..%2fetc",
                            "/a%5c..%5cb", "/a\\b", "/x%00.js", "/%zz", "/.."}) {
        EXPECT_FALSE(safe_relative_path(bad)) << bad;
    }
}

TEST(ContentTypes, ByExtension) {
    EXPECT_EQ(content_type_for("index.html"), "text/html; charset=utf-8");
    EXPECT_EQ(content_type_for("assets/app-1a2b.js"), "text/javascript; charset=utf-8");
    EXPECT_EQ(content_type_for("assets/app.CSS"), "text/css; charset=utf-8");
    EXPECT_EQ(content_type_for("images/mug.svg"), "image/svg+xml");
    EXPECT_EQ(content_type_for("favicon.ico"), "image/x-icon");
    EXPECT_EQ(content_type_for("noext"), "application/octet-stream");
}

TEST(CachePolicy, HashedAssetsAreImmutable) {
    EXPECT_EQ(cache_control_for("assets/app-1a2b.js"), "public, max-age=31536000, immutable");
    EXPECT_EQ(cache_control_for("index.html"), "no-cache");
    EXPECT_EQ(cache_control_for("images/mug.svg"), "public, max-age=3600");
}

TEST(AcceptEncoding, PrefersBrotliThenGzip) {
    EXPECT_EQ(choose_encoding("gzip, deflate, br", true, true), Encoding::brotli);
    EXPECT_EQ(choose_encoding("gzip, deflate, br", true, false), Encoding::gzip);
    EXPECT_EQ(choose_encoding("gzip;q=1, br;q=0.5", true, true), Encoding::gzip);
    EXPECT_EQ(choose_encoding("br;q=0, gzip", true, true), Encoding::gzip);
    EXPECT_EQ(choose_encoding("", true, true), Encoding::identity);
    EXPECT_EQ(choose_encoding("identity", true, true), Encoding::identity);
    EXPECT_EQ(choose_encoding("*", true, true), Encoding::brotli);
    EXPECT_EQ(choose_encoding("gzip;q=0", true, false), Encoding::identity);
}

TEST(ClientRoutes, OnlyExtensionlessAppPaths) {
    for (const auto* route : {"/", "/products", "/products/12", "/cart", "/checkout/confirmation/abc", "/admin"}) {
        EXPECT_TRUE(is_client_route(route)) << route;
    }
    for (const auto* path : {"/assets/missing", "/assets/app.js", "/images/x.svg", "/api/nope", "/missing.js",
                             "/robots.txt", "/internal/x"}) {
        EXPECT_FALSE(is_client_route(path)) << path;
    }
}

TEST(StaticSite, LoadsVariantsAndSkipsOutsideLinks) {
    const fs::path root = fs::temp_directory_path() / ("site-" + std::to_string(::getpid()));
    const fs::path outside = fs::temp_directory_path() / ("outside-" + std::to_string(::getpid()));
    fs::create_directories(root / "assets");
    fs::create_directories(outside);
    std::ofstream(root / "index.html") << "<html>shop</html>";
    std::ofstream(root / "assets" / "app-1a2b.js") << "console.log(1)";
    std::ofstream(root / "assets" / "app-1a2b.js.gz") << "GZ";
    std::ofstream(root / "assets" / "app-1a2b.js.br") << "BR";
    std::ofstream(outside / "secret.txt") << "secret";
    fs::create_symlink(outside / "secret.txt", root / "secret.txt");
    fs::create_directory_symlink(outside, root / "leak");
    fs::create_symlink(root / "index.html", root / "home.html");  // inside: fine

    LoadReport report;
    const StaticSite site = StaticSite::load(root, &report);
    EXPECT_EQ(report.skipped_links, 2u);
    EXPECT_EQ(site.find("/secret.txt"), nullptr);
    EXPECT_EQ(site.find("/leak/secret.txt"), nullptr);
    ASSERT_NE(site.find("/home.html"), nullptr);
    const Asset* js = site.find("/assets/app-1a2b.js");
    ASSERT_NE(js, nullptr);
    ASSERT_TRUE(js->gzip && js->brotli);
    EXPECT_EQ(*js->brotli->body, "BR");
    EXPECT_NE(js->identity.etag, js->gzip->etag);
    EXPECT_EQ(site.find("/assets/app-1a2b.js.gz"), nullptr);  // only as a variant
    EXPECT_EQ(site.find("/"), &site.index());
    fs::remove_all(root);
    fs::remove_all(outside);
}

TEST(StaticSite, RefusesARootWithoutIndex) {
    EXPECT_THROW(StaticSite::load("/nonexistent-dir"), std::runtime_error);
}

TEST(Home, ComposesCategoriesAndInStockFeatured) {
    const std::string categories =
        R"({"items":[{"slug":"audio","product_count":2},{"slug":"home","product_count":1}]})";
    const std::string products =
        R"({"items":[{"id":1,"stock":0,"name":"a"},{"id":2,"stock":3,"name":"b"},{"id":3,"stock":1,"name":"c"}],"next_cursor":null})";
    const auto home = boost::json::parse(compose_home(categories, products, 1));
    EXPECT_EQ(home.at("categories").as_array().size(), 2u);
    EXPECT_EQ(home.at("categories").at(0).at("product_count").as_int64(), 2);
    ASSERT_EQ(home.at("featured").as_array().size(), 1u);
    EXPECT_EQ(home.at("featured").at(0).at("id").as_int64(), 2);  // sold-out products are not featured
}

TEST(SecurityHeaders, StrictPolicy) {
    const auto h = security_headers();
    const auto csp = h.get("Content-Security-Policy");
    ASSERT_TRUE(csp);
    EXPECT_EQ(csp->find("unsafe-inline"), std::string_view::npos);
    EXPECT_NE(csp->find("frame-ancestors 'none'"), std::string_view::npos);
    EXPECT_TRUE(h.get("Referrer-Policy"));
}

}  // namespace
}  // namespace storefront
