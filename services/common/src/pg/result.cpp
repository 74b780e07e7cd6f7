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

int Result::rows() const noexcept { return result_ ? PQntuples(result_.get()) : 0; }

int Result::columns() const noexcept { return result_ ? PQnfields(result_.get()) : 0; }

bool Result::is_null(int row, int column) const noexcept {
    return PQgetisnull(result_.get(), row, column) != 0;
}

std::string_view Result::text(int row, int column) const noexcept {
    return {PQgetvalue(result_.get(), row, column),
            static_cast<std::size_t>(PQgetlength(result_.get(), row, column))};
}

std::optional<std::string_view> Result::optional_text(int row, int column) const noexcept {
    if (is_null(row, column)) {
        return std::nullopt;
    }
    return text(row, column);
}

std::int64_t Result::int64(int row, int column) const {
    const auto t = text(row, column);
    std::int64_t v = 0;
    const auto r = std::from_chars(t.data(), t.data() + t.size(), v);
    if (r.ec != std::errc{} || r.ptr != t.data() + t.size()) {
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
