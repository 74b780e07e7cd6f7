#include "ecom/http/router.hpp"

#include "ecom/http/error.hpp"

#include <gtest/gtest.h>

namespace ecom::http {
namespace {

using Params = std::vector<std::pair<std::string_view, std::string>>;

Handler noop() {
    return [](Request&) -> boost::asio::awaitable<Response> { co_return Response{}; };
}

TEST(Router, MatchesLiteralAndParameterSegments) {
    Router router;
    router.add({Method::get}, "/api/products", noop());
    router.add({Method::get, Method::put}, "/api/products/{id}", noop());
    Params params;
    auto m = router.match(Method::get, "/api/products", params);
    EXPECT_EQ(m.kind, Router::Match::Kind::found);
    EXPECT_EQ(m.route->pattern, "/api/products");
    EXPECT_TRUE(params.empty());

    m = router.match(Method::put, "/api/products/42", params);
    ASSERT_EQ(m.kind, Router::Match::Kind::found);
    EXPECT_EQ(m.route->pattern, "/api/products/{id}");
    ASSERT_EQ(params.size(), 1u);
    EXPECT_EQ(params[0].first, "id");
    EXPECT_EQ(params[0].second, "42");
}

TEST(Router, LiteralWinsOverParameter) {
    Router router;
    router.add({Method::get}, "/api/products/{id}", noop());
    router.add({Method::get}, "/api/products/categories", noop());
    Params params;
    auto m = router.match(Method::get, "/api/products/categories", params);
    ASSERT_EQ(m.kind, Router::Match::Kind::found);
    EXPECT_EQ(m.route->pattern, "/api/products/categories");
    EXPECT_TRUE(params.empty());
}

TEST(Router, WrongMethodGivesAllowList) {
    Router router;
    router.add({Method::get, Method::delete_}, "/api/products/{id}", noop());
    Params params;
    auto m = router.match(Method::post, "/api/products/1", params);
    ASSERT_EQ(m.kind, Router::Match::Kind::method_not_allowed);
    EXPECT_EQ(m.route->allow_header(), "GET, HEAD, DELETE");
}

TEST(Router, HeadFallsBackToGet) {
    Router router;
    router.add({Method::get}, "/health", noop());
    Params params;
    EXPECT_EQ(router.match(Method::head, "/health", params).kind, Router::Match::Kind::found);
}

TEST(Router, UnknownPathsAreNotFound) {
    Router router;
    router.add({Method::get}, "/api/products/{id}", noop());
    Params params;
    for (const auto* path : {"/", "/api", "/api/products/1/extra", "/api/products/", "/api//products/1", "relative", "",
                             "/API/products/1"}) {
        EXPECT_EQ(router.match(Method::get, path, params).kind, Router::Match::Kind::not_found) << path;
        EXPECT_TRUE(params.empty());
    }
}

TEST(Router, ParametersAreDecoded) {
    Router router;
    router.add({Method::get}, "/items/{name}", noop());
    Params params;
    ASSERT_EQ(router.match(Method::get, "/items/a%20b", params).kind, Router::Match::Kind::found);
    EXPECT_EQ(params[0].second, "a b");
    params.clear();
    // An encoded slash never splits a parameter; a malformed escape or NUL never matches.
    EXPECT_EQ(router.match(Method::get, "/items/a%2Fb", params).kind, Router::Match::Kind::not_found);
    EXPECT_EQ(router.match(Method::get, "/items/%zz", params).kind, Router::Match::Kind::not_found);
    EXPECT_EQ(router.match(Method::get, "/items/%00", params).kind, Router::Match::Kind::not_found);
    EXPECT_EQ(router.match(Method::get, "/items/%4", params).kind, Router::Match::Kind::not_found);
}

TEST(Router, RejectsBadPatternsAndDuplicates) {
    Router router;
    EXPECT_THROW(router.add({Method::get}, "no-slash", noop()), std::invalid_argument);
    EXPECT_THROW(router.add({Method::get}, "/a/{b", noop()), std::invalid_argument);
    router.add({Method::get}, "/a/{id}", noop());
    EXPECT_THROW(router.add({Method::get}, "/a/{id}", noop()), std::invalid_argument);
    EXPECT_THROW(router.add({Method::post}, "/a/{other}", noop()), std::invalid_argument);
}

TEST(Router, RouteIndexesAreStable) {
    Router router;
    router.add({Method::get}, "/a", noop());
    router.add({Method::get}, "/b", noop());
    router.add({Method::post}, "/a", noop());
    EXPECT_EQ(router.route_count(), 2u);
    Params params;
    EXPECT_EQ(router.match(Method::post, "/a", params).route->index, 0u);
    EXPECT_EQ(router.match(Method::get, "/b", params).route->index, 1u);
}

TEST(Router, FallbackTakesWhatNoRouteMatches) {
    Router router;
    router.add({Method::get}, "/api/things/{id}", noop());
    router.fallback({Method::get, Method::head}, noop(), "static");
    Params params;
    auto m = router.match(Method::get, "/products/42", params);
    ASSERT_EQ(m.kind, Router::Match::Kind::found);
    EXPECT_EQ(m.route->pattern, "static");
    EXPECT_EQ(router.match(Method::get, "/api/things/1", params).route->pattern, "/api/things/{id}");
    EXPECT_EQ(router.match(Method::post, "/anything", params).kind, Router::Match::Kind::method_not_allowed);
    EXPECT_EQ(router.match(Method::post, "/anything", params).route->allow_header(), "GET, HEAD");
    EXPECT_THROW(router.fallback({Method::get}, noop()), std::invalid_argument);
}

TEST(PercentDecode, HandlesPlusAndEscapes) {
    std::string out;
    EXPECT_TRUE(percent_decode("a+b%2Bc", out, true));
    EXPECT_EQ(out, "a b+c");
    out.clear();
    EXPECT_TRUE(percent_decode("a+b", out, false));
    EXPECT_EQ(out, "a+b");
    out.clear();
    EXPECT_FALSE(percent_decode("%", out, true));
    EXPECT_FALSE(percent_decode("%g1", out, true));
}

TEST(RequestQuery, FindsDecodedParameters) {
    Request r;
    r.query = "limit=20&q=red+mug&category=&empty&q=second";
    EXPECT_EQ(r.query_param("limit"), "20");
    EXPECT_EQ(r.query_param("q"), "red mug");
    EXPECT_EQ(r.query_param("category"), "");
    EXPECT_EQ(r.query_param("empty"), "");
    EXPECT_EQ(r.query_param("missing"), std::nullopt);
    r.query = "q=%ZZ";
    EXPECT_ANY_THROW((void)r.query_param("q"));
}

TEST(RequestQuery, IntegerParametersWithBounds) {
    Request r;
    r.query = "limit=100&zero=0&neg=-1&big=101&empty=&word=ten&half=1.5&plus=%2B5&huge=99999999999999999999";
    EXPECT_EQ(r.int_query_param("limit", 20, 1, 100), 100);
    EXPECT_EQ(r.int_query_param("missing", 20, 1, 100), 20);
    EXPECT_EQ(r.int_query_param("zero", 5, 0, 10), 0);
    for (const char* name : {"zero", "neg", "big", "empty", "word", "half", "plus", "huge"}) {
        try {
            (void)r.int_query_param(name, 20, 1, 100);
            ADD_FAILURE() << name << " was accepted";
        } catch (const HttpError& e) {
            EXPECT_EQ(e.status(), 400u) << name;
            EXPECT_EQ(e.code(), "invalid_parameter") << name;
            EXPECT_EQ(std::string(e.what()), std::string(name) + " must be an integer from 1 to 100");
        }
    }
}

}  // namespace
}  // namespace ecom::http
