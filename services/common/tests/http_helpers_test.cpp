#include "ecom/ascii.hpp"
#include "ecom/http/admin_auth.hpp"
#include "ecom/http/client.hpp"
#include "ecom/http/error.hpp"
#include "ecom/http/etag.hpp"
#include "ecom/ids.hpp"
#include "ecom/log.hpp"
#include "ecom/sha256.hpp"
#include "ecom/time_format.hpp"
#include "ecom/trace_context.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <set>

namespace ecom {
namespace {

TEST(Ascii, LowersOnlyAsciiLetters) {
    EXPECT_EQ(ascii::to_lower("Content-Type: APPLICATION/Json 0-9_@[`{"), "content-type: application/json 0-9_@[`{");
    EXPECT_EQ(ascii::to_lower("\xC3\x89T\xC3\x89"), "\xC3\x89t\xC3\x89");  // "ÉTÉ": UTF-8 bytes kept
    EXPECT_EQ(ascii::to_lower(""), "");
    static_assert(ascii::to_lower('Z') == 'z' && ascii::to_lower('[') == '[' && ascii::to_lower('@') == '@');
}

TEST(Ascii, EqualButForCase) {
    EXPECT_TRUE(ascii::iequals("Transfer-Encoding", "transfer-ENCODING"));
    EXPECT_TRUE(ascii::iequals("", ""));
    EXPECT_FALSE(ascii::iequals("chunked", "chunked "));
    EXPECT_FALSE(ascii::iequals("[", "{"));                // 0x5B and 0x7B differ by 32 but are not letters
    EXPECT_FALSE(ascii::iequals("\xC3\x89", "\xC3\xA9"));  // É and é: not ASCII, not folded
}

TEST(AdminAuth, MissingKeyIs401AndWrongKeyIs403) {
    http::AdminAuth auth("0123456789abcdef");
    http::Request r;
    try {
        auth.require(r);
        FAIL();
    } catch (const http::HttpError& e) {
        EXPECT_EQ(e.status(), 401u);
        EXPECT_TRUE(e.headers().get("WWW-Authenticate").has_value());
    }
    r.headers.add("Authorization", "Bearer 0123456789abcdeX");
    try {
        auth.require(r);
        FAIL();
    } catch (const http::HttpError& e) {
        EXPECT_EQ(e.status(), 403u);
    }
    http::Request ok;
    ok.headers.add("authorization", "Bearer 0123456789abcdef");
    EXPECT_NO_THROW(auth.require(ok));
    http::Request basic;
    basic.headers.add("Authorization", "Basic abc");
    EXPECT_THROW(auth.require(basic), http::HttpError);
}

TEST(AdminAuth, AcceptsThePreviousKeyDuringARotationAndNothingElse) {
    http::AdminAuth auth("new-key-0123456789", "old-key-0123456789");
    EXPECT_TRUE(auth.allows("new-key-0123456789"));
    EXPECT_TRUE(auth.allows("old-key-0123456789"));
    EXPECT_FALSE(auth.allows("other-key-01234567"));
    EXPECT_FALSE(auth.allows(""));
    http::Request old;
    old.headers.add("Authorization", "Bearer old-key-0123456789");
    EXPECT_NO_THROW(auth.require(old));
    // Without a previous key only the current one opens the door; an empty
    // previous key is never a match, and no key at all refuses everything.
    http::AdminAuth single("new-key-0123456789");
    EXPECT_FALSE(single.allows("old-key-0123456789"));
    EXPECT_FALSE(single.allows(""));
    EXPECT_FALSE(http::AdminAuth("", "old-key-0123456789").allows("old-key-0123456789"));
}

TEST(AdminAuth, ConstantTimeEquals) {
    EXPECT_TRUE(http::constant_time_equals("abc", "abc"));
    EXPECT_FALSE(http::constant_time_equals("abc", "abd"));
    EXPECT_FALSE(http::constant_time_equals("abc", "abcd"));
    EXPECT_FALSE(http::constant_time_equals("", "a"));
    EXPECT_FALSE(http::AdminAuth("").allows(""));
}

TEST(Etag, ParsesConditions) {
    auto c = http::parse_etag_condition("\"v1\", W/\"v2\"");
    ASSERT_TRUE(c);
    EXPECT_FALSE(c->any);
    EXPECT_TRUE(http::match_hits(*c, "v1"));
    EXPECT_FALSE(http::match_hits(*c, "v2"));  // weak tags never match If-Match
    EXPECT_TRUE(http::none_match_hits(*c, "v2"));
    EXPECT_TRUE(http::parse_etag_condition(" * ")->any);
    for (const auto* bad : {"", "v1", "\"v1", "\"v1\" \"v2\"", "W/v1", "\"a\"\"b\"", "\"v1\",", "*,\"v1\""}) {
        EXPECT_FALSE(http::parse_etag_condition(bad)) << bad;
    }
}

TEST(Ids, UuidsAreWellFormedAndUnique) {
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        const auto id = new_uuid();
        ASSERT_TRUE(is_uuid(id)) << id;
        EXPECT_EQ(id[14], '4');
        EXPECT_TRUE(id[19] == '8' || id[19] == '9' || id[19] == 'a' || id[19] == 'b');
        seen.insert(id);
    }
    EXPECT_EQ(seen.size(), 1000u);
    EXPECT_FALSE(is_uuid("not-a-uuid"));
    EXPECT_FALSE(is_uuid("123e4567-e89b-12d3-a456-42661417400g"));
}

TEST(Ids, RequestIdValidation) {
    EXPECT_TRUE(is_valid_request_id("abc-123_x.y:z"));
    EXPECT_EQ(new_request_id().size(), 32u);
    EXPECT_FALSE(is_valid_request_id(""));
    EXPECT_FALSE(is_valid_request_id("a b"));
    EXPECT_FALSE(is_valid_request_id("a\r\nSet-Cookie: x"));
    EXPECT_FALSE(is_valid_request_id(std::string(129, 'a')));
}

TEST(Trace, ParsesTraceparent) {
    auto c = trace::parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
    EXPECT_EQ(c->parent_span_id, "00f067aa0ba902b7");
    EXPECT_TRUE(c->sampled);
    // Future versions may append fields.
    EXPECT_TRUE(trace::parse_traceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-extra"));
    for (const auto* bad : {"", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
                            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
                            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
                            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x"}) {
        EXPECT_FALSE(trace::parse_traceparent(bad)) << bad;
    }
    EXPECT_FALSE(trace::parse_traceparent(std::string(10'000, '0')));
}

TEST(Trace, ParsesAmznTraceId) {
    auto c = trace::parse_amzn_trace_id("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->trace_id, "5759e988bd862e3fe1be46a994272793");
    EXPECT_EQ(c->parent_span_id, "53995c3f42cd8ad8");
    EXPECT_TRUE(c->sampled);
    EXPECT_TRUE(trace::parse_amzn_trace_id("Self=1-abc;Root=1-5759e988-bd862e3fe1be46a994272793"));
    for (const auto* bad : {"", "Root=2-5759e988-bd862e3fe1be46a994272793", "Root=1-5759e988",
                            "Root=1-zzzzzzzz-bd862e3fe1be46a994272793", "Parent=53995c3f42cd8ad8"}) {
        EXPECT_FALSE(trace::parse_amzn_trace_id(bad)) << bad;
    }
}

TEST(Trace, NewIdsAreXrayCompatible) {
    const auto id = trace::new_trace_id();
    ASSERT_EQ(id.size(), 32u);
    const auto epoch = std::stoul(id.substr(0, 8), nullptr, 16);
    const auto now = static_cast<unsigned long>(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    EXPECT_LE(now - epoch, 5u);
    EXPECT_EQ(trace::new_span_id().size(), 16u);
    EXPECT_EQ(trace::format_amzn_trace_id(id, "53995c3f42cd8ad8", true),
              "Root=1-" + id.substr(0, 8) + "-" + id.substr(8) + ";Parent=53995c3f42cd8ad8;Sampled=1");
    EXPECT_TRUE(trace::parse_traceparent(trace::format_traceparent(id, trace::new_span_id(), true)));
}

TEST(Sha256, KnownVectors) {
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    EXPECT_EQ(sha256_hex(std::string(1'000'000, 'a')),
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    Sha256 incremental;
    incremental.update("ab").update("c");
    EXPECT_EQ(incremental.hex_digest(), sha256_hex("abc"));
}

TEST(HmacSha256, Rfc4231Vectors) {
    EXPECT_EQ(hmac_sha256_hex(std::string(20, '\x0b'), "Hi There"),
              "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    EXPECT_EQ(hmac_sha256_hex(std::string(20, '\xaa'), std::string(50, '\xdd')),
              "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
    // A key longer than the block is hashed first.
    EXPECT_EQ(hmac_sha256_hex(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First"),
              "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    EXPECT_NE(hmac_sha256_hex("key-a", "4242424242424242"), hmac_sha256_hex("key-b", "4242424242424242"));
}

TEST(Backoff, FullJitterIsBoundedAndGrows) {
    using std::chrono::milliseconds;
    EXPECT_EQ(http::backoff_delay(0, milliseconds(50), milliseconds(1000), 0.0), milliseconds(0));
    EXPECT_EQ(http::backoff_delay(0, milliseconds(50), milliseconds(1000), 0.999), milliseconds(49));
    EXPECT_EQ(http::backoff_delay(3, milliseconds(50), milliseconds(1000), 0.999), milliseconds(399));
    EXPECT_EQ(http::backoff_delay(10, milliseconds(50), milliseconds(1000), 0.999), milliseconds(999));
}

TEST(TimeFormat, FormatsRfc3339Millis) {
    EXPECT_EQ(rfc3339_millis(0), "1970-01-01T00:00:00.000Z");
    EXPECT_EQ(rfc3339_millis(1'796'031'630'123), "2026-11-30T09:40:30.123Z");
    EXPECT_EQ(rfc3339_millis(951'782'400'000), "2000-02-29T00:00:00.000Z");  // leap day
    EXPECT_EQ(rfc3339_millis(-1), "1969-12-31T23:59:59.999Z");
    EXPECT_EQ(rfc3339_now().size(), 24u);
}

TEST(TimeFormat, ParsesRfc3339DateTimes) {
    EXPECT_EQ(parse_rfc3339_millis("2026-11-30T09:40:30.123Z"), 1'796'031'630'123);
    EXPECT_EQ(parse_rfc3339_millis("2026-11-30t09:40:30z"), 1'796'031'630'000);
    EXPECT_EQ(parse_rfc3339_millis("2026-11-30T10:40:30.1234567+01:00"), 1'796'031'630'123);
    EXPECT_EQ(parse_rfc3339_millis("2026-11-30T04:10:30.5-05:30"), 1'796'031'630'500);
    EXPECT_EQ(parse_rfc3339_millis("2000-02-29T00:00:00Z"), 951'782'400'000);
    EXPECT_EQ(parse_rfc3339_millis("1969-12-31T23:59:59.999Z"), -1);
    EXPECT_EQ(parse_rfc3339_millis("2016-12-31T23:59:60Z"), 1'483'228'799'999);  // a leap second
    for (const char* bad : {"", "2026-11-30", "2026-11-30T09:40:30", "2026-11-30 09:40:30Z", "2026-02-30T00:00:00Z",
                            "2026-13-01T00:00:00Z", "2026-11-30T24:00:00Z", "2026-11-30T09:60:00Z",
                            "2026-11-30T09:40:30.Z", "2026-11-30T09:40:30+24:00", "2026-11-30T09:40:30+01",
                            "2026-11-30T09:40:30Zjunk", "+2026-11-30T09:40:30Z", "2026-1-30T09:40:30Z"}) {
        EXPECT_FALSE(parse_rfc3339_millis(bad).has_value()) << bad;
    }
}

TEST(Log, FormatsOneJsonObjectPerLine) {
    const auto line = log::format_line("2026-01-01T00:00:00.000Z", log::Level::warn, "svc", "hello \"x\"",
                                       {{"n", 5}, {"ok", true}, {"s", "a\nb"}, {"ms", 1.5}});
    EXPECT_EQ(
        line,
        R"({"time":"2026-01-01T00:00:00.000Z","level":"warn","service":"svc","msg":"hello \"x\"","n":5,"ok":true,"s":"a\nb","ms":1.5})");
    EXPECT_EQ(line.find('\n'), std::string::npos);
    EXPECT_EQ(log::utc_timestamp().size(), 24u);
}

}  // namespace
}  // namespace ecom
