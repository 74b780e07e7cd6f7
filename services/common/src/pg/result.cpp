#include "ecom/pg/result.hpp"

#include <libpq-fe.h>

#include <charconv>

namespace ecom::pg {

Params& Params::add(std::string_view v) {
    values_.emplace_back(std::string(v));
    return *this;
}

Params& Params::add(std::int64_t v) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    values_.emplace_back(std::string(buf, static_cast<std::size_t>(r.ptr - buf)));
    return *this;
}

Params& Params::add(std::nullopt_t) {
    values_.emplace_back(std::nullopt);
    return *this;
}

std::vector<const char*> Params::pointers() const {
    std::vector<const char*> out;
    out.reserve(values_.size());
    for (const auto& v : values_) {
        out.push_back(v ? v->c_str() : nullptr);
    }
    return out;
}

Result::Result(pg_result* result) : result_(result, PQclear) {}

int Result::rows() const noexcept {
    return result_ ? PQntuples(result_.get()) : 0;
}

int Result::columns() const noexcept {
    return result_ ? PQnfields(result_.get()) : 0;
}

bool Result::is_null(int row, int column) const noexcept {
    return PQgetisnull(result_.get(), row, column) != 0;
}

std::string_view Result::text(int row, int column) const noexcept {
    return {PQgetvalue(result_.get(), row, column), static_cast<std::size_t>(PQgetlength(result_.get(), row, column))};
}

std::optional<std::string_view> Result::optional_text(int row, int column) const noexcept {
    if (is_null(row, column)) {
        return std::nullopt;
    }
    return text(row, column);
}

namespace {

// What std::from_chars accepts for an int64 (an optional '-', then decimal
// digits, in range), in a third of its instructions: two per row of a list.
bool parse_int64(std::string_view t, std::int64_t& out) noexcept {
    std::size_t i = 0;
    const bool negative = !t.empty() && t[0] == '-';
    if (negative) {
        i = 1;
    }
    if (i == t.size()) {
        return false;
    }
    std::uint64_t v = 0;
    if (t.size() - i <= 18) {
        // Up to 18 digits cannot overflow: no checks but the digits'.
        for (; i < t.size(); ++i) {
            const auto digit = static_cast<unsigned>(static_cast<unsigned char>(t[i])) - '0';
            if (digit > 9) {
                return false;
            }
            v = v * 10 + digit;
        }
    }
    for (; i < t.size(); ++i) {
        const auto digit = static_cast<unsigned>(static_cast<unsigned char>(t[i])) - '0';
        if (digit > 9 || __builtin_mul_overflow(v, 10u, &v) || __builtin_add_overflow(v, digit, &v)) {
            return false;
        }
    }
    constexpr std::uint64_t max = 9'223'372'036'854'775'807ull;
    if (v > max + (negative ? 1 : 0)) {
        return false;
    }
    out = negative ? static_cast<std::int64_t>(0 - v) : static_cast<std::int64_t>(v);
    return true;
}

// A big-endian two's-complement integer of `bytes.size()` bytes (2, 4, 8).
bool decode_binary_int(std::string_view bytes, std::int64_t& out) noexcept {
    if (bytes.size() != 2 && bytes.size() != 4 && bytes.size() != 8) {
        return false;
    }
    std::uint64_t v = 0;
    for (const char c : bytes) {
        v = (v << 8) | static_cast<unsigned char>(c);
    }
    const unsigned unused = 64 - 8 * static_cast<unsigned>(bytes.size());
    // Sign-extend from the value's own width.
    out = static_cast<std::int64_t>(v << unused) >> unused;
    return true;
}

// PostgreSQL's timestamps count microseconds from 2000-01-01 00:00 UTC.
constexpr std::int64_t kPostgresEpochMs = 946'684'800'000;

// Type OIDs (pg_type.dat) of the binary values decoded here.
constexpr unsigned kJsonbOid = 3802;
constexpr unsigned kTimestamptzOid = 1184;

}  // namespace

bool Result::is_binary(int column) const noexcept {
    return PQfformat(result_.get(), column) == 1;
}

std::int64_t Result::int64(int row, int column) const {
    std::int64_t v = 0;
    const bool ok = is_binary(column) ? decode_binary_int(text(row, column), v) : parse_int64(text(row, column), v);
    if (!ok) {
        throw std::runtime_error("column " + std::to_string(column) + " is not an integer");
    }
    return v;
}

bool Result::boolean(int row, int column) const noexcept {
    const auto value = text(row, column);
    return is_binary(column) ? value.size() == 1 && value[0] != 0 : value == "t";
}

std::string_view Result::json(int row, int column) const {
    const auto value = text(row, column);
    if (!is_binary(column) || PQftype(result_.get(), column) != kJsonbOid) {
        return value;
    }
    if (value.empty() || value[0] != 1) {
        throw std::runtime_error("column " + std::to_string(column) + " is not jsonb of version 1");
    }
    return value.substr(1);
}

std::int64_t Result::epoch_ms(int row, int column) const {
    if (!is_binary(column)) {
        return int64(row, column);
    }
    std::int64_t us = 0;
    if (PQftype(result_.get(), column) != kTimestamptzOid || !decode_binary_int(text(row, column), us)) {
        throw std::runtime_error("column " + std::to_string(column) + " is not a timestamptz");
    }
    // Rounded down, as floor(extract(epoch FROM t) * 1000) is.
    const std::int64_t ms = us / 1000 - (us % 1000 < 0 ? 1 : 0);
    return ms + kPostgresEpochMs;
}

std::string Result::hex(int row, int column) const {
    const auto value = text(row, column);
    if (!is_binary(column)) {
        return std::string(value);
    }
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(value.size() * 2);
    for (const char c : value) {
        const auto byte = static_cast<unsigned char>(c);
        out += digits[byte >> 4];
        out += digits[byte & 0xF];
    }
    return out;
}

std::int64_t Result::affected() const {
    const char* tuples = result_ ? PQcmdTuples(result_.get()) : "";
    std::int64_t v = 0;
    std::from_chars(tuples, tuples + std::char_traits<char>::length(tuples), v);
    return v;
}

std::string_view Result::command() const noexcept {
    if (!result_) {
        return {};
    }
    const std::string_view status = PQcmdStatus(result_.get());
    return status.substr(0, status.find(' '));
}

int Result::column(std::string_view name) const {
    const std::string n(name);
    const int c = PQfnumber(result_.get(), n.c_str());
    if (c < 0) {
        throw std::runtime_error("no column named " + n);
    }
    return c;
}

}  // namespace ecom::pg
