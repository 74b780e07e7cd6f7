#include "ecom/pg/migrations.hpp"

#include "ecom/log.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <map>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

namespace ecom::pg {
namespace {

using ConnPtr = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

std::string one_line(const char* text) {
    std::string s = text != nullptr ? text : "";
    std::replace(s.begin(), s.end(), '\n', ' ');
    while (!s.empty() && s.back() == ' ') {
        s.pop_back();
    }
    return s;
}

ResultPtr exec(PGconn* conn, const std::string& sql, const std::vector<std::string>& params = {}) {
    std::vector<const char*> values;
    for (const auto& p : params) {
        values.push_back(p.c_str());
    }
    ResultPtr r(params.empty() ? PQexec(conn, sql.c_str())
                               : PQexecParams(conn, sql.c_str(), static_cast<int>(values.size()), nullptr,
                                              values.data(), nullptr, nullptr, 0),
                PQclear);
    const auto status = PQresultStatus(r.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        const char* primary = PQresultErrorField(r.get(), PG_DIAG_MESSAGE_PRIMARY);
        throw std::runtime_error(one_line(primary != nullptr ? primary : PQerrorMessage(conn)));
    }
    return r;
}

std::string quote_identifier(PGconn* conn, const std::string& name) {
    char* quoted = PQescapeIdentifier(conn, name.c_str(), name.size());
    if (quoted == nullptr) {
        throw std::runtime_error("invalid schema name");
    }
    std::string out(quoted);
    PQfreemem(quoted);
    return out;
}

ConnPtr connect_with_retries(const MigrationOptions& options) {
    const auto deadline = std::chrono::steady_clock::now() + options.wait_for_database;
    auto backoff = std::chrono::milliseconds(100);
    int attempt = 0;
    while (true) {
        ConnPtr conn(PQconnectdb(options.conninfo.c_str()), PQfinish);
        if (conn && PQstatus(conn.get()) == CONNECTION_OK) {
            return conn;
        }
        const std::string error = one_line(conn ? PQerrorMessage(conn.get()) : "out of memory");
        if (std::chrono::steady_clock::now() + backoff >= deadline) {
            throw std::runtime_error("cannot connect to the database: " + error);
        }
        if (attempt++ % 10 == 0) {
            log::warn("waiting for the database", {{"error", error}});
        }
        std::this_thread::sleep_for(backoff);
        backoff = std::min(backoff * 2, std::chrono::milliseconds(1000));
    }
}

}  // namespace

std::string migration_checksum(std::string_view sql) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (const char c : sql) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
    }
    static constexpr char digits[] = "0123456789abcdef";
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i) {
        out[static_cast<std::size_t>(i)] = digits[h & 0xf];
        h >>= 4;
    }
    return out;
}

MigrationReport migrate(const MigrationOptions& options, const EmbeddedFiles& files) {
    std::vector<MigrationFile> migrations;
    migrations.reserve(files.size());
    for (const auto& [name, sql] : files) {
        migrations.push_back({name, sql});
    }
    return migrate(options, migrations);
}

MigrationReport migrate(const MigrationOptions& options, std::span<const MigrationFile> files) {
    std::vector<MigrationFile> ordered(files.begin(), files.end());
    std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.name < b.name; });

    ConnPtr conn = connect_with_retries(options);
    PGconn* c = conn.get();
    const std::string schema = quote_identifier(c, options.schema);
    exec(c, "SET client_min_messages TO warning");
    // A session lock: released when the connection closes, even on a crash.
    exec(c, "SELECT pg_advisory_lock(hashtext($1))", {"ecom.migrations." + options.schema});
    exec(c, "SET search_path TO " + schema);
    exec(c,
         "CREATE TABLE IF NOT EXISTS " + schema +
             ".schema_migrations (name text PRIMARY KEY, checksum text NOT NULL, "
             "applied_at timestamptz NOT NULL DEFAULT now())");

    std::map<std::string, std::string> applied;
    {
        auto r = exec(c, "SELECT name, checksum FROM " + schema + ".schema_migrations");
        for (int i = 0; i < PQntuples(r.get()); ++i) {
            applied.emplace(PQgetvalue(r.get(), i, 0), PQgetvalue(r.get(), i, 1));
        }
    }

    MigrationReport report;
    for (const auto& file : ordered) {
        const std::string name(file.name);
        const std::string checksum = migration_checksum(file.sql);
        if (auto it = applied.find(name); it != applied.end()) {
            if (it->second != checksum) {
                throw std::runtime_error("migration " + name +
                                         " was changed after it was applied; add a new migration instead");
            }
            ++report.already_applied;
            continue;
        }
        try {
            exec(c, "BEGIN");
            exec(c, std::string(file.sql));
            exec(c, "INSERT INTO " + schema + ".schema_migrations (name, checksum) VALUES ($1, $2)", {name, checksum});
            exec(c, "COMMIT");
        } catch (const std::exception& e) {
            PQclear(PQexec(c, "ROLLBACK"));
            throw std::runtime_error("migration " + name + " failed: " + e.what());
        }
        log::info("migration applied", {{"migration", name}});
        ++report.applied;
    }
    for (const auto& entry : applied) {
        const std::string& name = entry.first;
        const bool known = std::any_of(ordered.begin(), ordered.end(), [&](const auto& f) { return f.name == name; });
        if (!known) {
            log::warn("the database has a migration this build does not know", {{"migration", name}});
        }
    }
    exec(c, "SELECT pg_advisory_unlock(hashtext($1))", {"ecom.migrations." + options.schema});
    return report;
}

}  // namespace ecom::pg
