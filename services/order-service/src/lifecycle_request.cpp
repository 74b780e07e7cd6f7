#include "lifecycle_request.hpp"

#include "checkout_request.hpp"
#include "ecom/ascii.hpp"
#include "ecom/http/error.hpp"
#include "ecom/ids.hpp"
#include "ecom/json.hpp"
#include "ecom/time_format.hpp"

#include <charconv>

namespace orders {
namespace {

using ecom::http::HttpError;

constexpr std::size_t kMaxReasonChars = 500;

[[noreturn]] void invalid(const std::string& message) {
    throw HttpError(400, "invalid_parameter", message);
}

std::vector<OrderStatus> parse_statuses(std::string_view text) {
    std::vector<OrderStatus> out;
    while (true) {
        const auto comma = text.find(',');
        const std::string_view name = text.substr(0, comma);
        const auto status = order_status_from_string(name);
        if (!status) {
            invalid("status must be one or more order statuses separated by commas (CONFIRMED,FULFILLED)");
        }
        out.push_back(*status);
        if (comma == std::string_view::npos) {
            return out;
        }
        text.remove_prefix(comma + 1);
    }
}

std::int64_t parse_instant(const std::string& name, const std::string& text) {
    const auto ms = ecom::parse_rfc3339_millis(text);
    if (!ms) {
        invalid(name + " must be an RFC 3339 date-time (2026-03-01T00:00:00Z)");
    }
    return *ms;
}

}  // namespace

MoveBody parse_move_body(std::string_view body, bool restock_allowed) {
    MoveBody out;
    if (body.empty()) {
        return out;
    }
    const auto document = ecom::json::parse_strict(body);
    ecom::json::FieldErrors errors;
    ecom::json::ObjectReader in(document, "", errors);
    if (!in.valid()) {
        errors.throw_if_any();  // the reader said why
    }
    out.reason = in.string("reason", false, {.min_chars = 0, .max_chars = kMaxReasonChars});
    if (restock_allowed) {
        out.restock = in.boolean("restock", false);
    }
    in.finish();
    errors.throw_if_any();
    if (out.reason && out.reason->empty()) {
        out.reason.reset();
    }
    return out;
}

OrderFilter parse_order_filter(const OrderFilterParams& p) {
    OrderFilter f;
    f.limit = static_cast<int>(p.limit);
    if (p.status) {
        f.statuses = parse_statuses(*p.status);
    }
    if (p.email) {
        if (!plausible_email(*p.email)) {
            invalid("email must be an email address");
        }
        f.email = ecom::ascii::to_lower(*p.email);
    }
    if (p.created_from) {
        f.created_from_ms = parse_instant("created_from", *p.created_from);
    }
    if (p.created_to) {
        f.created_to_ms = parse_instant("created_to", *p.created_to);
    }
    if (p.cursor) {
        f.after = parse_order_cursor(*p.cursor);
        if (!f.after) {
            invalid("cursor must be the next_cursor of an earlier page");
        }
    }
    return f;
}

std::string order_cursor(const OrderRecord& order) {
    return std::to_string(order.created_ms) + "_" + order.id;
}

std::optional<std::pair<std::int64_t, std::string>> parse_order_cursor(std::string_view cursor) {
    const auto underscore = cursor.find('_');
    if (underscore == std::string_view::npos || underscore == 0) {
        return std::nullopt;
    }
    std::int64_t ms = 0;
    const char* first = cursor.data();
    const char* last = cursor.data() + underscore;
    const auto [ptr, ec] = std::from_chars(first, last, ms);
    const std::string_view id = cursor.substr(underscore + 1);
    if (ec != std::errc{} || ptr != last || ms < 0 || !ecom::is_uuid(id)) {
        return std::nullopt;
    }
    return std::pair{ms, ecom::ascii::to_lower(id)};
}

}  // namespace orders
