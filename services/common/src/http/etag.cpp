#include "ecom/http/etag.hpp"

namespace ecom::http {
namespace {

bool etagc(char c) noexcept {
    const auto u = static_cast<unsigned char>(c);
    return u == 0x21 || (u >= 0x23 && u <= 0x7e) || u >= 0x80;
}

}  // namespace

std::optional<EtagCondition> parse_etag_condition(std::string_view field) {
    EtagCondition out;
    std::size_t i = 0;
    auto skip_space = [&] {
        while (i < field.size() && (field[i] == ' ' || field[i] == '\t')) {
            ++i;
        }
    };
    skip_space();
    if (field.substr(i) == "*" ||
        (field.substr(i, 1) == "*" && field.find_first_not_of(" \t", i + 1) == std::string_view::npos)) {
        out.any = true;
        return out;
    }
    while (true) {
        skip_space();
        bool weak = false;
        if (field.substr(i, 2) == "W/") {
            weak = true;
            i += 2;
        }
        if (i >= field.size() || field[i] != '"') {
            return std::nullopt;
        }
        ++i;
        const std::size_t start = i;
        while (i < field.size() && etagc(field[i])) {
            ++i;
        }
        if (i >= field.size() || field[i] != '"') {
            return std::nullopt;
        }
        out.tags.emplace_back(field.substr(start, i - start));
        out.weak.push_back(weak);
        ++i;
        skip_space();
        if (i == field.size()) {
            break;
        }
        if (field[i] != ',') {
            return std::nullopt;
        }
        ++i;
    }
    if (out.tags.empty() || out.tags.size() > 32) {
        return std::nullopt;
    }
    return out;
}

bool none_match_hits(const EtagCondition& condition, std::string_view opaque_tag) {
    if (condition.any) {
        return true;
    }
    for (const auto& tag : condition.tags) {
        if (tag == opaque_tag) {
            return true;
        }
    }
    return false;
}

bool match_hits(const EtagCondition& condition, std::string_view opaque_tag) {
    if (condition.any) {
        return true;
    }
    for (std::size_t i = 0; i < condition.tags.size(); ++i) {
        if (!condition.weak[i] && condition.tags[i] == opaque_tag) {
            return true;
        }
    }
    return false;
}

std::string quote_etag(std::string_view opaque_tag) {
    std::string out = "\"";
    out += opaque_tag;
    out += '"';
    return out;
}

}  // namespace ecom::http
