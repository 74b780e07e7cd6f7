#include "ecom/http/message.hpp"

#include "ecom/ascii.hpp"
#include "ecom/http/error.hpp"
#include "ecom/http/router.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <string>

namespace ecom::http {
namespace {

constexpr std::array<std::string_view, method_count> method_names{"GET",   "HEAD",   "POST",    "PUT",
                                                                  "PATCH", "DELETE", "OPTIONS", "UNKNOWN"};

}  // namespace

std::string_view to_string(Method method) noexcept {
    return method_names[static_cast<std::size_t>(method)];
}

Method method_from_string(std::string_view name) noexcept {
    for (std::size_t i = 0; i + 1 < method_names.size(); ++i) {
        if (method_names[i] == name) {
            return static_cast<Method>(i);
        }
    }
    return Method::unknown;
}

void Headers::add(std::string name, std::string value) {
    if (fields_.capacity() == 0) {
        fields_.reserve(8);  // one allocation for a request's or response's usual fields
    }
    fields_.emplace_back(std::move(name), std::move(value));
}

void Headers::set(std::string_view name, std::string value) {
    erase(name);
    fields_.emplace_back(std::string(name), std::move(value));
}

void Headers::erase(std::string_view name) {
    std::erase_if(fields_, [&](const auto& field) { return ascii::iequals(field.first, name); });
}

std::optional<std::string_view> Headers::get(std::string_view name) const {
    for (const auto& [key, value] : fields_) {
        if (ascii::iequals(key, name)) {
            return std::string_view(value);
        }
    }
    return std::nullopt;
}

std::string_view Request::param(std::string_view name) const {
    for (const auto& [key, value] : path_params) {
        if (key == name) {
            return value;
        }
    }
    return {};
}

std::optional<std::string> Request::query_param(std::string_view name) const {
    std::string_view rest = query;
    std::string key;
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
        const auto eq = pair.find('=');
        const std::string_view raw_key = pair.substr(0, eq);
        key.clear();
        if (!percent_decode(raw_key, key, true)) {
            throw HttpError(400, "invalid_parameter", "the query string has a malformed percent escape");
        }
        if (key != name) {
            continue;
        }
        std::string value;
        if (eq != std::string_view::npos && !percent_decode(pair.substr(eq + 1), value, true)) {
            throw HttpError(400, "invalid_parameter", "the query string has a malformed percent escape");
        }
        return value;
    }
    return std::nullopt;
}

std::int64_t Request::int_query_param(std::string_view name, std::int64_t fallback, std::int64_t min,
                                      std::int64_t max) const {
    const auto text = query_param(name);
    if (!text) {
        return fallback;
    }
    std::int64_t v = 0;
    const auto r = std::from_chars(text->data(), text->data() + text->size(), v);
    if (text->empty() || r.ec != std::errc{} || r.ptr != text->data() + text->size() || v < min || v > max) {
        throw HttpError(
            400, "invalid_parameter",
            std::string(name) + " must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
    }
    return v;
}

Response Response::json(unsigned status, std::string body) {
    Response response;
    response.status = status;
    response.headers.add("Content-Type", "application/json");
    response.body = std::move(body);
    return response;
}

Response Response::no_content() {
    Response response;
    response.status = 204;
    return response;
}

}  // namespace ecom::http
