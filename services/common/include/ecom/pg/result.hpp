#pragma once

// Values going to PostgreSQL (text format) and coming from it (text format,
// or binary for the statements that ask for it).

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct pg_result;

namespace ecom::pg {

// How the server sends a statement's result values. Binary spares the
// server its output functions (a timestamptz is 8 bytes, not a formatted
// date) and the SQL its conversions (no extract(epoch ...) per row); read
// its values with the typed accessors of Result, never text() for a
// non-textual column.
enum class Format { text, binary };

// A prepared statement: a stable name and its SQL. Declared as constants in
// one place per service and prepared on every connection when it opens.
struct Statement {
    const char* name;
    const char* sql;
    // A statement that may run twice without harm (a read). Only these are
    // re-sent when a connection drops before their outcome is known.
    bool idempotent = false;
    Format results = Format::text;
};

class Error : public std::runtime_error {
public:
    enum class Kind {
        server,       // PostgreSQL reported an error: see sqlstate()
        connection,   // the connection dropped; the outcome of a write is unknown
        unavailable,  // no connection became ready before the deadline
        timeout,      // the server did not answer in time
        closed,       // the pool is shutting down
    };

    Error(Kind kind, std::string sqlstate, const std::string& message)
        : std::runtime_error(message), kind_(kind), sqlstate_(std::move(sqlstate)) {}

    [[nodiscard]] Kind kind() const noexcept { return kind_; }
    [[nodiscard]] const std::string& sqlstate() const noexcept { return sqlstate_; }
    [[nodiscard]] bool unique_violation() const noexcept { return sqlstate_ == "23505"; }
    [[nodiscard]] bool check_violation() const noexcept { return sqlstate_ == "23514"; }
    [[nodiscard]] bool foreign_key_violation() const noexcept { return sqlstate_ == "23503"; }
    [[nodiscard]] bool serialization_failure() const noexcept { return sqlstate_ == "40001" || sqlstate_ == "40P01"; }
    // The database could not serve the request now (503 rather than 500).
    [[nodiscard]] bool transient() const noexcept {
        return kind_ != Kind::server || serialization_failure() || sqlstate_ == "57014" ||
            sqlstate_.starts_with("08") || sqlstate_ == "57P01" || sqlstate_ == "57P03";
    }

private:
    Kind kind_;
    std::string sqlstate_;
};

// Parameters in text format; std::nullopt is SQL NULL.
class Params {
public:
    Params() = default;
    template <typename... Args>
    explicit Params(Args&&... args) {
        values_.reserve(sizeof...(args));
        (add(std::forward<Args>(args)), ...);
    }

    Params& add(std::string_view v);
    Params& add(const std::string& v) { return add(std::string_view(v)); }
    Params& add(const char* v) { return add(std::string_view(v)); }
    Params& add(std::int64_t v);
    Params& add(int v) { return add(static_cast<std::int64_t>(v)); }
    Params& add(bool v) { return add(std::string_view(v ? "t" : "f")); }
    Params& add(std::nullopt_t);
    template <typename T>
    Params& add(const std::optional<T>& v) {
        return v ? add(*v) : add(std::nullopt);
    }

    [[nodiscard]] int size() const noexcept { return static_cast<int>(values_.size()); }
    // Pointers for PQsendQueryPrepared; valid until the Params change.
    [[nodiscard]] std::vector<const char*> pointers() const;

private:
    std::vector<std::optional<std::string>> values_;
};

class Result {
public:
    Result() = default;
    explicit Result(pg_result* result);

    [[nodiscard]] int rows() const noexcept;
    [[nodiscard]] int columns() const noexcept;
    [[nodiscard]] bool empty() const noexcept { return rows() == 0; }
    [[nodiscard]] bool is_null(int row, int column) const noexcept;
    [[nodiscard]] bool is_binary(int column) const noexcept;
    // The value's bytes: text format, or a textual type (text, varchar,
    // json) in binary format.
    [[nodiscard]] std::string_view text(int row, int column) const noexcept;
    [[nodiscard]] std::optional<std::string_view> optional_text(int row, int column) const noexcept;
    // An integer: its digits (text format), or an int2/int4/int8 (binary).
    // Throws std::runtime_error when the value is not one.
    [[nodiscard]] std::int64_t int64(int row, int column) const;
    [[nodiscard]] bool boolean(int row, int column) const noexcept;
    // A JSON document's text: json or jsonb in either format (binary jsonb
    // is a version byte, 1, then the text). Throws on another version.
    [[nodiscard]] std::string_view json(int row, int column) const;
    // Milliseconds since 1970, rounded down: a binary timestamptz, or (text
    // format) the integer the SQL computed. Throws when it is neither.
    [[nodiscard]] std::int64_t epoch_ms(int row, int column) const;
    // Lower-case hex of a binary bytea, or the text format's value as is
    // (the SQL's encode(..., 'hex')).
    [[nodiscard]] std::string hex(int row, int column) const;
    // Rows affected by INSERT/UPDATE/DELETE.
    [[nodiscard]] std::int64_t affected() const;
    [[nodiscard]] int column(std::string_view name) const;
    // The command tag's verb: "SELECT", "INSERT", "COMMIT", "ROLLBACK", ...
    [[nodiscard]] std::string_view command() const noexcept;
    // Which server session (connection generation) produced the result.
    [[nodiscard]] std::uint64_t session() const noexcept { return session_; }
    void set_session(std::uint64_t session) noexcept { session_ = session; }

private:
    std::shared_ptr<pg_result> result_;
    std::uint64_t session_ = 0;
};

}  // namespace ecom::pg
