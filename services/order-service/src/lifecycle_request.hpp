#pragma once

// What the lifecycle routes read from a request, validated: the optional
// body of a move, and the order desk's filters and keyset cursor. Pure
// functions, so every refusal has a unit test.

#include "order_store.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace orders {

struct MoveBody {
    std::optional<std::string> reason{};  // at most 500 characters, kept in the history
    std::optional<bool> restock{};        // a return's refund only
};

// An empty body is no reason (and no restock). Throws HttpError 400
// invalid_json, or 422 validation_failed (a field of the wrong type, an
// unknown field, "restock" where `restock_allowed` is false, a reason over
// 500 characters or with control characters).
MoveBody parse_move_body(std::string_view body, bool restock_allowed);

// The raw query parameters of GET /api/orders (percent-decoded).
struct OrderFilterParams {
    std::optional<std::string> status{};  // comma-separated statuses
    std::optional<std::string> email{};
    std::optional<std::string> created_from{};  // RFC 3339
    std::optional<std::string> created_to{};
    std::optional<std::string> cursor{};
    std::int64_t limit = 20;  // already checked 1..100
};

// Throws HttpError 400 invalid_parameter naming the first parameter that is wrong.
OrderFilter parse_order_filter(const OrderFilterParams& params);

// The keyset cursor after `order` ("<created_at ms>_<id>"), and back.
std::string order_cursor(const OrderRecord& order);
std::optional<std::pair<std::int64_t, std::string>> parse_order_cursor(std::string_view cursor);

}  // namespace orders
