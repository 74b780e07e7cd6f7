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

}  // namespace

std::int64_t Result::int64(int row, int column) const {
    std::int64_t v = 0;
    if (!parse_int64(text(row, column), v)) {
        throw std::runtime_error("column " + std::to_string(column) + " is not an integer");
    }
    return v;
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
