#include "catalog_store.hpp"
#include "cursor.hpp"
#include "ecom/http/error.hpp"
#include "product_cache.hpp"
#include "product_input.hpp"
#include "product_routes.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace catalog {
namespace {

using ecom::http::HttpError;

unsigned status_of(const std::function<void()>& f) {
    try {
        f();
        return 0;
    } catch (const HttpError& e) {
        return e.status();
    }
}

TEST(Cursor, RoundTrips) {
    for (std::int64_t id : {1LL, 7LL, 42LL, 999'999LL, 123'456'789'012LL}) {
        const auto c = encode_cursor(id);
        EXPECT_EQ(decode_cursor(c), id) << c;
        for (const char ch : c) {
            EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_') << c;
        }
    }
}

TEST(Cursor, RefusesAnythingElse) {
    for (const auto* bad : {"", "abc", "12", "cDE6MA", "====", "p1:5", "cDE6LTE", "cDE6MDE", "!!!!",
                            "cDE6OTk5OTk5OTk5OTk5OTk5OTk5OTk5"}) {
        EXPECT_FALSE(decode_cursor(bad)) << bad;
    }
    // A cursor with a changed character is refused or decodes to another valid id, never crashes.
    auto c = encode_cursor(12345);
    c[c.size() - 1] = c[c.size() - 1] == 'A' ? 'B' : 'A';
    (void)decode_cursor(c);
}

TEST(ProductInput, AcceptsAFullProduct) {
    const auto f = parse_full_product(
        R"({"sku":"MUG-1","name":"Mug","description":"Big\nmug","category":"kitchen","price_cents":1299,"stock":5,"image_url":"/images/mug.svg","currency":"USD"})");
    EXPECT_EQ(f.sku, "MUG-1");
    EXPECT_EQ(f.price_cents, 1299);
    EXPECT_EQ(f.stock, 5);
    EXPECT_EQ(f.image_url, "/images/mug.svg");
}

TEST(ProductInput, RequiresTheEssentials) {
    try {
        (void)parse_full_product(R"({"name":"Mug"})");
        FAIL();
    } catch (const HttpError& e) {
        EXPECT_EQ(e.status(), 422u);
        EXPECT_EQ(e.details().size(), 4u);  // sku, category, price_cents, stock
    }
}

TEST(ProductInput, RefusesBadValues) {
    const std::vector<std::string> bad = {
        R"({"sku":"has space","name":"x","category":"c","price_cents":1,"stock":1})",
        R"({"sku":"a","name":"","category":"c","price_cents":1,"stock":1})",
        R"({"sku":"a","name":"x","category":"Caps","price_cents":1,"stock":1})",
        R"({"sku":"a","name":"x","category":"c","price_cents":-1,"stock":1})",
        R"({"sku":"a","name":"x","category":"c","price_cents":12.5,"stock":1})",
        R"({"sku":"a","name":"x","category":"c","price_cents":1000000001,"stock":1})",
        R"({"sku":"a","name":"x","category":"c","price_cents":1,"stock":-3})",
        R"({"sku":"a","name":"x","category":"c","price_cents":"1","stock":1})",
        R"({"sku":"a","name":"x","category":"c","price_cents":1,"stock":1,"currency":"EUR"})",
        R"J({"sku":"a","name":"x","category":"c","price_cents":1,"stock":1,"image_url":"javascript:alert(1)"})J",
        R"({"sku":"a","name":"x","category":"c","price_cents":1,"stock":1,"image_url":"//evil.example/x.png"})",
        R"({"sku":"a","name":"x","category":"c","price_cents":1,"stock":1,"id":5})",
        R"({"sku":"a","name":"x","category":"c","price_cents":1,"stock":1,"created_at":"2020"})",
        R"({"sku":"a","name":"x","category":"c","price_cents":1,"stock":1,"color":"red"})",
        R"({"sku":"a","name":"x","category":"c","price":1.5,"stock":1})",
        R"({"sku":"a","name":"x\u0000y","category":"c","price_cents":1,"stock":1})",
        R"([1,2])",
    };
    for (const auto& body : bad) {
        EXPECT_EQ(status_of([&] { (void)parse_full_product(body); }), 422u) << body;
    }
    EXPECT_EQ(status_of([&] { (void)parse_full_product("{\"sku\":"); }), 400u);
    EXPECT_EQ(status_of([&] { (void)parse_full_product(R"({"sku":"a","sku":"b"})"); }), 400u);
    const std::string long_name(201, 'n');
    EXPECT_EQ(status_of([&] {
                  (void)parse_full_product(R"({"sku":"a","name":")" + long_name +
                                           R"(","category":"c","price_cents":1,"stock":1})");
              }),
              422u);
}

TEST(ProductInput, RefusesBidiControlsInText) {
    auto fields = [](const std::string& body) {
        std::vector<std::string> out;
        try {
            (void)parse_product_patch(body);
        } catch (const HttpError& e) {
            for (const auto& d : e.details()) {
                out.push_back(d.field);
            }
        }
        return out;
    };
    EXPECT_EQ(fields(R"({"name":"Mug \u202Egpj.exe"})"), (std::vector<std::string>{"name"}));
    EXPECT_EQ(fields(R"({"description":"Line one\nline \u2066two\u2069"})"), (std::vector<std::string>{"description"}));
    EXPECT_EQ(fields("{\"name\":\"Tea \u2068cup\"}"), (std::vector<std::string>{"name"}));
    EXPECT_TRUE(fields(R"({"name":"\u05db\u05d5\u05e1","description":"\u0645\u0631\u062d\u0628\u0627\n"})").empty());
}

TEST(ProductInput, PatchNeedsAtLeastOneField) {
    EXPECT_EQ(status_of([] { (void)parse_product_patch("{}"); }), 422u);
    const auto f = parse_product_patch(R"({"stock":0})");
    EXPECT_EQ(f.stock, 0);
    EXPECT_FALSE(f.name);
}

TEST(ProductInput, EscapesSearchPatterns) {
    EXPECT_EQ(contains_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    EXPECT_EQ(contains_pattern("mug"), "%mug%");
}

TEST(ListRequest, ParsesAndValidates) {
    ecom::http::Request r;
    r.query = "limit=5&category=kitchen&q=+mug+&cursor=" + encode_cursor(10);
    const auto q = parse_list_request(r);
    EXPECT_EQ(q.limit, 5);
    EXPECT_EQ(q.after_id, 10);
    EXPECT_EQ(q.category, "kitchen");
    EXPECT_EQ(q.search, "mug");
    ecom::http::Request d;
    EXPECT_EQ(parse_list_request(d).limit, 20);
    for (const auto* bad :
         {"limit=0", "limit=101", "limit=abc", "limit=", "limit=5.5", "cursor=zzz", "category=Bad!", "q=%01"}) {
        ecom::http::Request b;
        b.query = bad;
        EXPECT_EQ(status_of([&] { (void)parse_list_request(b); }), 400u) << bad;
    }
}

TEST(ProductId, OnlyPositiveIntegers) {
    EXPECT_EQ(parse_product_id("42"), 42);
    for (const auto* bad : {"0", "-1", "abc", "1.5", "01", "", "99999999999999999999"}) {
        EXPECT_EQ(status_of([&] { (void)parse_product_id(bad); }), 404u) << bad;
    }
}

TEST(IfMatch, MapsEntityTagsToVersions) {
    ecom::http::Request r;
    EXPECT_FALSE(parse_if_match(r));
    r.headers.set("If-Match", "*");
    EXPECT_FALSE(parse_if_match(r));
    r.headers.set("If-Match", "\"v3\", \"v4\"");
    EXPECT_EQ(parse_if_match(r), (std::vector<std::int64_t>{3, 4}));
    r.headers.set("If-Match", "W/\"v3\"");  // weak tags never match If-Match
    EXPECT_EQ(parse_if_match(r), (std::vector<std::int64_t>{-1}));
    r.headers.set("If-Match", "\"other\"");
    EXPECT_EQ(parse_if_match(r), (std::vector<std::int64_t>{-1}));
    r.headers.set("If-Match", "v3");
    EXPECT_EQ(status_of([&] { (void)parse_if_match(r); }), 400u);
    EXPECT_EQ(versions_array({3, 4}), "{3,4}");
}

class CacheTest : public ::testing::Test {
protected:
    ecom::metrics::Registry registry;
    ProductCache cache{100, registry};

    static std::shared_ptr<const CachedBody> body(std::string s) {
        return std::make_shared<CachedBody>(CachedBody{std::move(s), "v1"});
    }
};

TEST_F(CacheTest, InactiveCacheNeverServes) {
    cache.store_product(1, body("a"), cache.generation());
    EXPECT_EQ(cache.find_product(1), nullptr);
}

TEST_F(CacheTest, StoresAndInvalidates) {
    cache.set_active(true);
    cache.store_product(1, body("a"), cache.generation());
    cache.store_page("p", body("list"), cache.generation());
    ASSERT_NE(cache.find_product(1), nullptr);
    EXPECT_EQ(cache.find_product(1)->body, "a");
    cache.apply_notification("1");
    EXPECT_EQ(cache.find_product(1), nullptr);
    EXPECT_EQ(cache.find_page("p"), nullptr);  // pages may list the product
}

TEST_F(CacheTest, AReadOlderThanAnInvalidationIsNotStored) {
    cache.set_active(true);
    const auto before = cache.generation();
    cache.invalidate_product(7);  // a write commits while the read is in flight
    cache.store_product(7, body("stale"), before);
    EXPECT_EQ(cache.find_product(7), nullptr);
}

TEST_F(CacheTest, DeactivationForgetsEverything) {
    cache.set_active(true);
    cache.store_product(1, body("a"), cache.generation());
    cache.set_active(false);
    cache.set_active(true);
    EXPECT_EQ(cache.find_product(1), nullptr);
}

TEST_F(CacheTest, UnknownPayloadClearsAll) {
    cache.set_active(true);
    cache.store_product(1, body("a"), cache.generation());
    cache.store_product(2, body("b"), cache.generation());
    cache.apply_notification("*");
    EXPECT_EQ(cache.size(), 0u);
}

TEST_F(CacheTest, StaysBounded) {
    cache.set_active(true);
    for (int i = 0; i < 500; ++i) {
        cache.store_product(i, body("x"), cache.generation());
        cache.store_page("p" + std::to_string(i), body("y"), cache.generation());
    }
    EXPECT_LE(cache.size(), 100u);
}

TEST_F(CacheTest, ConcurrentReadersAndInvalidators) {
    cache.set_active(true);
    std::atomic<bool> stop = false;
    std::thread writer([&] {
        for (int i = 0; i < 20'000; ++i) {
            cache.invalidate_product(i % 10);
        }
        stop = true;
    });
    while (!stop) {
        const auto g = cache.generation();
        cache.store_product(3, body("x"), g);
        (void)cache.find_product(3);
    }
    writer.join();
    SUCCEED();
}

}  // namespace
}  // namespace catalog
