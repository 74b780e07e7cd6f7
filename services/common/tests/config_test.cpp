#include "ecom/config.hpp"
#include "ecom/service.hpp"

#include <gtest/gtest.h>

#include <map>

namespace ecom {
namespace {

Env env_of(std::map<std::string, std::string> vars) {
    auto shared = std::make_shared<std::map<std::string, std::string>>(std::move(vars));
    return Env([shared](const char* name) -> const char* {
        auto it = shared->find(name);
        return it == shared->end() ? nullptr : it->second.c_str();
    });
}

TEST(Env, UsesDefaultsWhenUnset) {
    Env env = env_of({});
    EXPECT_EQ(env.integer("PORT", 8080, 1, 65535), 8080);
    EXPECT_EQ(env.string("NAME", "x"), "x");
    EXPECT_TRUE(env.boolean("FLAG", true));
    EXPECT_DOUBLE_EQ(env.fraction("RATE", 0.01, 0, 1), 0.01);
    EXPECT_NO_THROW(env.check());
}

TEST(Env, ParsesValidValues) {
    Env env = env_of({{"PORT", "9000"},
                      {"FLAG", "false"},
                      {"RATE", "0.5"},
                      {"LEVEL", "warn"},
                      {"URL", "http://product-service:8080"}});
    EXPECT_EQ(env.integer("PORT", 8080, 1, 65535), 9000);
    EXPECT_FALSE(env.boolean("FLAG", true));
    EXPECT_DOUBLE_EQ(env.fraction("RATE", 0.01, 0, 1), 0.5);
    EXPECT_EQ(env.one_of("LEVEL", "info", {"info", "warn"}), "warn");
    EXPECT_EQ(env.http_url("URL", "http://localhost"), "http://product-service:8080");
    EXPECT_NO_THROW(env.check());
}

TEST(Env, OptionalUrlAndTrailingSlash) {
    Env env = env_of({{"COLLECTOR", "http://collector:4318/"}, {"BAD", "http://collector:4318/v1/traces"}});
    EXPECT_EQ(env.http_url("UNSET", ""), "");
    EXPECT_EQ(env.http_url("COLLECTOR", ""), "http://collector:4318");
    EXPECT_NO_THROW(env.check());
    env.http_url("BAD", "");
    EXPECT_EQ(env.problems().size(), 1u);
}

TEST(Env, NamesEveryBadVariable) {
    Env env = env_of({{"PORT", "80x"},
                      {"THREADS", "0"},
                      {"FLAG", "maybe"},
                      {"RATE", "1e-2"},
                      {"LEVEL", "loud"},
                      {"URL", "ftp://x/y"}});
    env.integer("PORT", 8080, 1, 65535);
    env.integer("THREADS", 1, 1, 64);
    env.boolean("FLAG", true);
    env.fraction("RATE", 0.01, 0, 1);
    env.one_of("LEVEL", "info", {"info", "warn"});
    env.http_url("URL", "http://localhost");
    env.required_string("KEY");
    ASSERT_EQ(env.problems().size(), 7u);
    try {
        env.check();
        FAIL();
    } catch (const ConfigError& e) {
        const std::string message = e.what();
        for (const auto* name : {"PORT", "THREADS", "FLAG", "RATE", "LEVEL", "URL", "KEY"}) {
            EXPECT_NE(message.find(name), std::string::npos) << name;
        }
    }
}

TEST(Env, RequiredStringChecksLength) {
    Env env = env_of({{"ADMIN_API_KEY", "short"}});
    env.required_string("ADMIN_API_KEY", 16);
    EXPECT_THROW(env.check(), ConfigError);
    // The value of a secret is never part of the message.
    EXPECT_EQ(env.problems()[0].find("short"), std::string::npos);
}

TEST(Env, EmptyCountsAsUnset) {
    Env env = env_of({{"PORT", ""}});
    EXPECT_EQ(env.integer("PORT", 8080, 1, 65535), 8080);
    EXPECT_NO_THROW(env.check());
}

TEST(ServiceConfig, ReadsCommonSettings) {
    Env env = env_of({{"PORT", "8081"},
                      {"ADMIN_PORT", "9081"},
                      {"HTTP_THREADS", "2"},
                      {"LOG_LEVEL", "debug"},
                      {"LOG_SAMPLE_RATE", "0.25"},
                      {"DRAIN_TIMEOUT_SECONDS", "5"}});
    auto c = ServiceConfig::from_env(env, "test");
    EXPECT_NO_THROW(env.check());
    EXPECT_EQ(c.port, 8081);
    EXPECT_EQ(c.admin_port, 9081);
    EXPECT_EQ(c.threads, 2u);
    EXPECT_EQ(c.log_level, log::Level::debug);
    EXPECT_DOUBLE_EQ(c.request_log.sample_rate, 0.25);
    EXPECT_EQ(c.drain_timeout, std::chrono::seconds(5));
}

TEST(ServiceConfig, RefusesSamePorts) {
    Env env = env_of({{"PORT", "8080"}, {"ADMIN_PORT", "8080"}});
    EXPECT_THROW(ServiceConfig::from_env(env, "test"), ConfigError);
}

}  // namespace
}  // namespace ecom
