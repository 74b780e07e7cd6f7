#include "order_access.hpp"
#include "ecom/sha256.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <set>
#include <string>

namespace orders {
namespace {

TEST(OrderAccess, TokensAre43Base64urlCharactersAndDistinct) {
    std::set<std::string> seen;
    for (int i = 0; i < 200; ++i) {
        const auto token = new_access_token();
        EXPECT_EQ(token.size(), 43u) << token;
        EXPECT_TRUE(plausible_access_token(token)) << token;
        EXPECT_EQ(token.find_first_of("+/="), std::string::npos) << token;
        seen.insert(token);
    }
    EXPECT_EQ(seen.size(), 200u);
}

TEST(OrderAccess, OnlyTheDigestIsKeptAndOnlyTheTokenMatchesIt) {
    const auto token = new_access_token();
    const auto digest = access_token_digest(token);
    EXPECT_EQ(digest, ecom::sha256_hex(token));
    EXPECT_EQ(digest.size(), 64u);
    EXPECT_EQ(digest.find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_TRUE(access_token_matches(digest, token));
    EXPECT_FALSE(access_token_matches(std::nullopt, token));         // an order without a token
    EXPECT_FALSE(access_token_matches(digest, new_access_token()));  // another order's token
    EXPECT_FALSE(access_token_matches(digest, digest));              // the digest is not the token
    EXPECT_FALSE(access_token_matches(digest, ""));
    auto changed = token;
    changed[0] = changed[0] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(access_token_matches(digest, changed));
    EXPECT_FALSE(access_token_matches(digest, token + "A"));
}

TEST(OrderAccess, PlausibleTokenShape) {
    EXPECT_TRUE(plausible_access_token(std::string(43, 'A')));
    EXPECT_TRUE(plausible_access_token(std::string(42, '-') + "_"));
    EXPECT_FALSE(plausible_access_token(std::string(42, 'A')));
    EXPECT_FALSE(plausible_access_token(std::string(44, 'A')));
    EXPECT_FALSE(plausible_access_token(std::string(42, 'A') + "="));
    EXPECT_FALSE(plausible_access_token(std::string(42, 'A') + "+"));
    EXPECT_FALSE(plausible_access_token(std::string(42, 'A') + " "));
}

TEST(OrderAccess, TheTokenIsTheAnswersFirstMember) {
    const std::string token(43, 'x');
    const auto body = with_access_token(R"({"id":"o-1","status":"CONFIRMED"})", token);
    EXPECT_EQ(body, R"({"access_token":")" + token + R"(","id":"o-1","status":"CONFIRMED"})");
    const auto parsed = boost::json::parse(body).as_object();
    EXPECT_EQ(parsed.at("access_token").as_string(), token);
    EXPECT_EQ(with_access_token("{}", token), R"({"access_token":")" + token + R"("})");
    EXPECT_EQ(with_access_token("{ }", token), R"({"access_token":")" + token + R"(" })");
    EXPECT_THROW(with_access_token("[]", token), std::logic_error);
    EXPECT_THROW(with_access_token("", token), std::logic_error);
}

}  // namespace
}  // namespace orders
