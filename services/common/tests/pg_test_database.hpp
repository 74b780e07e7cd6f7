#pragma once

// A throwaway database on the test cluster named by ECOM_TEST_PG (a
// superuser connection string that scripts/test.sh exports).

#include <libpq-fe.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <stdexcept>
#include <string>

namespace ecom::testing {

inline std::string admin_conninfo() {
    const char* base = std::getenv("ECOM_TEST_PG");
    if (base == nullptr || *base == '\0') {
        throw std::runtime_error("ECOM_TEST_PG is not set: run through scripts/test.sh, which starts PostgreSQL");
    }
    return base;
}

inline void admin_exec(const std::string& conninfo, const std::string& sql) {
    PGconn* c = PQconnectdb(conninfo.c_str());
    if (PQstatus(c) != CONNECTION_OK) {
        std::string e = PQerrorMessage(c);
        PQfinish(c);
        throw std::runtime_error("cannot connect: " + e);
    }
    PGresult* r = PQexec(c, sql.c_str());
    const auto status = PQresultStatus(r);
    std::string error = PQresultErrorMessage(r);
    PQclear(r);
    PQfinish(c);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        throw std::runtime_error(sql + ": " + error);
    }
}

inline std::string admin_scalar(const std::string& conninfo, const std::string& sql) {
    PGconn* c = PQconnectdb(conninfo.c_str());
    PGresult* r = PQexec(c, sql.c_str());
    std::string value = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "";
    PQclear(r);
    PQfinish(c);
    return value;
}

class TestDatabase {
public:
    TestDatabase() {
        std::random_device rd;
        name_ = "ecom_test_" + std::to_string(rd()) + std::to_string(rd() % 1000);
        admin_exec(admin_conninfo(), "CREATE DATABASE " + name_);
    }
    ~TestDatabase() {
        try {
            admin_exec(admin_conninfo(), "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
        } catch (...) {
        }
    }
    TestDatabase(const TestDatabase&) = delete;
    TestDatabase& operator=(const TestDatabase&) = delete;

    [[nodiscard]] std::string conninfo() const { return admin_conninfo() + " dbname=" + name_; }
    [[nodiscard]] const std::string& name() const { return name_; }
    void exec(const std::string& sql) const { admin_exec(conninfo(), sql); }
    [[nodiscard]] std::string scalar(const std::string& sql) const { return admin_scalar(conninfo(), sql); }

private:
    std::string name_;
};

}  // namespace ecom::testing
