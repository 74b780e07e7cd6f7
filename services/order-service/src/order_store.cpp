#include "order_store.hpp"

#include "ecom/json_writer.hpp"
#include "order_sql.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <stdexcept>

namespace orders {
namespace {

namespace asio = boost::asio;
using ecom::pg::Result;

std::optional<std::string> optional_string(const Result& r, int row, int col) {
    if (r.is_null(row, col)) {
        return std::nullopt;
    }
    return std::string(r.text(row, col));
}

std::optional<std::string> optional_json(const Result& r, int row, int col) {
    if (r.is_null(row, col)) {
        return std::nullopt;
    }
    return std::string(r.json(row, col));
}

// The CHECK constraints keep these columns to the enums' names.
template <typename Enum>
Enum stored_enum(const Result& r, int row, int col, std::optional<Enum> (*parse)(std::string_view) noexcept) {
    const auto text = r.text(row, col);
    const auto value = parse(text);
    if (!value) {
        throw std::runtime_error("orders: unexpected stored value '" + std::string(text) + "' in column " +
                                 std::to_string(col));
    }
    return *value;
}

std::string uuid_array(const std::vector<std::string>& ids) {
    std::string out = "{";
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (i > 0) {
            out += ',';
        }
        out += ids[i];
    }
    out += '}';
    return out;
}

}  // namespace

std::string requested_lines_json(const std::vector<OrderLine>& lines) {
    std::string out;
    ecom::JsonWriter w(out);
    w.begin_array();
    for (const auto& line : lines) {
        w.begin_object().field("product_id", line.product_id).field("quantity", line.quantity).end_object();
    }
    w.end_array();
    return out;
}

std::string priced_lines_json(const std::vector<PricedLine>& lines) {
    std::string out;
    ecom::JsonWriter w(out);
    w.begin_array();
    for (const auto& l : lines) {
        w.begin_object()
            .field("product_id", l.product_id)
            .field("sku", l.sku)
            .field("name", l.name)
            .field("quantity", l.quantity)
            .field("unit_price_cents", l.unit_price_cents)
            .end_object();
    }
    w.end_array();
    return out;
}

std::vector<OrderLine> parse_requested_lines(std::string_view json) {
    std::vector<OrderLine> lines;
    const boost::json::value parsed = boost::json::parse(json);
    for (const auto& line : parsed.as_array()) {
        lines.push_back(
            {line.at("product_id").to_number<std::int64_t>(), line.at("quantity").to_number<std::int64_t>()});
    }
    return lines;
}

std::vector<PricedLine> parse_priced_lines(std::string_view json) {
    std::vector<PricedLine> lines;
    const boost::json::value parsed = boost::json::parse(json);
    for (const auto& line : parsed.as_array()) {
        lines.push_back({.product_id = line.at("product_id").to_number<std::int64_t>(),
                         .sku = std::string(line.at("sku").as_string()),
                         .name = std::string(line.at("name").as_string()),
                         .quantity = line.at("quantity").to_number<std::int64_t>(),
                         .unit_price_cents = line.at("unit_price_cents").to_number<std::int64_t>()});
    }
    return lines;
}

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// ORDERS_ORDER_COLUMNS (text format) or ORDERS_PAGE_ORDER_COLUMNS (binary):
// the typed accessors read both.
OrderRecord read_order(const Result& r, int row) {
    OrderRecord o;
    o.id = std::string(r.text(row, 0));
    o.status = stored_enum(r, row, 1, order_status_from_string);
    o.email = std::string(r.text(row, 2));
    o.name = std::string(r.text(row, 3));
    o.requested_items = parse_requested_lines(r.json(row, 4));
    if (!r.is_null(row, 5)) {
        o.items = parse_priced_lines(r.json(row, 5));
    }
    if (!r.is_null(row, 6)) {
        o.total_cents = r.int64(row, 6);
    }
    o.currency = std::string(r.text(row, 7));
    o.card_last4 = std::string(r.text(row, 8));
    o.reservation_state = stored_enum(r, row, 9, reservation_state_from_string);
    if (!r.is_null(row, 10)) {
        o.payment_outcome = stored_enum(r, row, 10, payment_outcome_from_string);
    }
    o.failure_code = optional_string(r, row, 11);
    o.failure_detail = optional_json(r, row, 12);
    if (!r.is_null(row, 13)) {
        o.response_status = static_cast<int>(r.int64(row, 13));
    }
    o.response_body = optional_string(r, row, 14);
    o.fingerprint = std::string(r.text(row, 15));
    o.created_ms = r.epoch_ms(row, 16);
    o.updated_ms = r.epoch_ms(row, 17);
    o.leased = r.boolean(row, 18);
    if (!r.is_null(row, 19)) {
        o.access_token_sha256 = r.hex(row, 19);
    }
    return o;
}

asio::awaitable<std::optional<OrderRecord>> OrderStore::insert(const NewOrder& o, const ecom::trace::SpanContext* ctx) {
    const Result r = co_await db_.run_traced(ctx, sql::insert_order, o.id, o.idempotency_key, o.fingerprint, o.email,
                                             o.name, requested_lines_json(o.requested_items), o.card_last4,
                                             o.lease_owner, static_cast<std::int64_t>(lease_.count()), o.created_ms);
    if (r.empty()) {
        co_return std::nullopt;
    }
    co_return read_order(r, 0);
}

asio::awaitable<std::optional<OrderRecord>> OrderStore::find_by_key(const std::string& email, const std::string& key,
                                                                    const ecom::trace::SpanContext* ctx) {
    const Result r = co_await db_.run_traced(ctx, sql::order_by_key, email, key);
    if (r.empty()) {
        co_return std::nullopt;
    }
    co_return read_order(r, 0);
}

asio::awaitable<std::optional<OrderRecord>> OrderStore::find(const std::string& id,
                                                             const ecom::trace::SpanContext* ctx) {
    const Result r = co_await db_.run_traced(ctx, sql::order_by_id, id);
    if (r.empty()) {
        co_return std::nullopt;
    }
    co_return read_order(r, 0);
}

asio::awaitable<std::optional<OrderRecord>> OrderStore::take_lease(const std::string& id, const std::string& owner,
                                                                   const ecom::trace::SpanContext* ctx) {
    const Result r =
        co_await db_.run_traced(ctx, sql::take_lease, id, owner, static_cast<std::int64_t>(lease_.count()));
    if (r.empty()) {
        co_return std::nullopt;
    }
    co_return read_order(r, 0);
}

asio::awaitable<bool> OrderStore::record_reservation(const std::string& id, const std::string& owner,
                                                     const std::vector<PricedLine>& items, std::int64_t total_cents,
                                                     std::int64_t updated_ms, const ecom::trace::SpanContext* ctx) {
    const Result r =
        co_await db_.run_traced(ctx, sql::record_reservation, id, owner, static_cast<std::int64_t>(lease_.count()),
                                priced_lines_json(items), total_cents, updated_ms);
    co_return !r.empty();
}

asio::awaitable<bool> OrderStore::finish(const std::string& id, const std::string& owner, const FinalOutcome& f,
                                         const ecom::trace::SpanContext* ctx) {
    std::optional<std::string_view> payment;
    if (f.payment_outcome) {
        payment = to_string(*f.payment_outcome);
    }
    const Result r = co_await db_.run_traced(
        ctx, sql::finish_order, id, owner, to_string(f.status), to_string(f.reservation_state), f.failure_code,
        f.failure_detail, static_cast<std::int64_t>(f.response_status), f.response_body, f.updated_ms, payment);
    co_return !r.empty();
}

asio::awaitable<MoveResult> OrderStore::move(const std::string& id, OrderStatus from, OrderStatus to, Actor actor,
                                             const std::optional<std::string>& reason,
                                             const ecom::trace::SpanContext* ctx, std::optional<bool> restock) {
    const Result r = co_await db_.run_traced(ctx, sql::move_order, id, to_string(from), to_string(to), to_string(actor),
                                             reason, restock);
    if (!r.empty()) {
        co_return MoveResult{.moved = true, .current = to};
    }
    const auto now = co_await find(id, ctx);
    co_return MoveResult{.moved = false, .current = now ? std::optional(now->status) : std::nullopt};
}

asio::awaitable<bool> OrderStore::set_access_token(const std::string& id, const std::string& digest_hex,
                                                   const ecom::trace::SpanContext* ctx) {
    const Result r = co_await db_.run_traced(ctx, sql::set_access_token, id, digest_hex);
    co_return !r.empty();
}

asio::awaitable<void> OrderStore::release_lease(const std::string& id, const std::string& owner,
                                                const ecom::trace::SpanContext* ctx) {
    co_await db_.run_traced(ctx, sql::release_lease, id, owner);
}

asio::awaitable<std::vector<OrderRecord>> OrderStore::claim_stale(std::chrono::seconds older_than, int limit,
                                                                  const std::string& owner,
                                                                  const ecom::trace::SpanContext* ctx) {
    const Result r =
        co_await db_.run_traced(ctx, sql::claim_stale_orders, static_cast<std::int64_t>(older_than.count()), limit,
                                owner, static_cast<std::int64_t>(lease_.count()));
    std::vector<OrderRecord> out;
    for (int i = 0; i < r.rows(); ++i) {
        out.push_back(read_order(r, i));
    }
    co_return out;
}

asio::awaitable<std::vector<OrderRecord>> OrderStore::by_email(const std::string& email, int limit,
                                                               const ecom::trace::SpanContext* ctx) {
    const Result r = co_await db_.run_traced(ctx, sql::orders_by_email, email, limit);
    std::vector<OrderRecord> out;
    for (int i = 0; i < r.rows(); ++i) {
        out.push_back(read_order(r, i));
    }
    co_return out;
}

asio::awaitable<std::vector<std::pair<std::string, OrderStatus>>> OrderStore::statuses(
    const std::vector<std::string>& ids, const ecom::trace::SpanContext* ctx) {
    const Result r = co_await db_.run_traced(ctx, sql::order_statuses, uuid_array(ids));
    std::vector<std::pair<std::string, OrderStatus>> out;
    for (int i = 0; i < r.rows(); ++i) {
        out.emplace_back(std::string(r.text(i, 0)), stored_enum(r, i, 1, order_status_from_string));
    }
    co_return out;
}

namespace {

// sql::order_page's columns after the order's (read_order()).
namespace page_column {
enum : int {
    refunded_at = 20,
    refund_refused_at,
    refund_failure_code,
    restock_on_return,
    history_id,  // NULL in the order's row
    actor,
    from_status,
    to_status,
    reason,
    at,
};
}  // namespace page_column

HistoryEntry read_history_entry(const Result& r, int row) {
    namespace c = page_column;
    HistoryEntry entry;
    entry.at_ms = r.epoch_ms(row, c::at);
    entry.actor = stored_enum(r, row, c::actor, actor_from_string);
    entry.from = stored_enum(r, row, c::from_status, order_status_from_string);
    entry.to = stored_enum(r, row, c::to_status, order_status_from_string);
    entry.reason = optional_string(r, row, c::reason);
    return entry;
}

// The page from sql::order_page's rows (in no particular order); none
// without the order's row.
std::optional<OrderPage> read_order_page(const Result& r) {
    namespace c = page_column;
    std::optional<OrderPage> page;
    std::vector<std::pair<std::int64_t, HistoryEntry>> history;
    for (int row = 0; row < r.rows(); ++row) {
        if (!r.is_null(row, c::history_id)) {
            history.emplace_back(r.int64(row, c::history_id), read_history_entry(r, row));
            continue;
        }
        page.emplace();
        page->order = read_order(r, row);
        if (!r.is_null(row, c::refunded_at)) {
            page->refund = RefundState{.refunded = true, .at_ms = r.epoch_ms(row, c::refunded_at)};
        } else if (!r.is_null(row, c::refund_refused_at)) {
            page->refund = RefundState{.refunded = false,
                                       .at_ms = r.epoch_ms(row, c::refund_refused_at),
                                       .failure_code = optional_string(r, row, c::refund_failure_code)};
        }
        page->restock_on_return = r.boolean(row, c::restock_on_return);
    }
    if (page) {
        // Oldest first: history ids grow with each move.
        std::sort(history.begin(), history.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        page->history.reserve(history.size());
        for (auto& [id, entry] : history) {
            page->history.push_back(std::move(entry));
        }
    }
    return page;
}

std::optional<std::string> text_array(const std::vector<OrderStatus>& statuses) {
    if (statuses.empty()) {
        return std::nullopt;
    }
    std::string out = "{";
    for (const auto status : statuses) {
        if (out.size() > 1) {
            out += ',';
        }
        out += to_string(status);
    }
    out += '}';
    return out;
}

}  // namespace

asio::awaitable<std::optional<OrderPage>> OrderStore::page(const std::string& id, const ecom::trace::SpanContext* ctx) {
    co_return read_order_page(co_await db_.run_traced(ctx, sql::order_page, id));
}

asio::awaitable<void> OrderStore::mark_returned(const std::string& id, const ecom::trace::SpanContext* ctx) {
    co_await db_.run_traced(ctx, sql::mark_returned, id);
}

asio::awaitable<std::vector<std::string>> OrderStore::stale_compensations(std::chrono::seconds older_than, int limit) {
    const Result r = co_await db_.run(sql::stale_compensations, static_cast<std::int64_t>(older_than.count()), limit);
    std::vector<std::string> out;
    for (int i = 0; i < r.rows(); ++i) {
        out.emplace_back(r.text(i, 0));
    }
    co_return out;
}

asio::awaitable<std::vector<OrderRecord>> OrderStore::list(const OrderFilter& f, const ecom::trace::SpanContext* ctx) {
    std::optional<std::int64_t> after_ms;
    std::optional<std::string> after_id;
    if (f.after) {
        after_ms = f.after->first;
        after_id = f.after->second;
    }
    const Result r = co_await db_.run_traced(ctx, sql::list_orders, text_array(f.statuses), f.email, f.created_from_ms,
                                             f.created_to_ms, after_ms, after_id, f.limit);
    std::vector<OrderRecord> out;
    for (int i = 0; i < r.rows(); ++i) {
        out.push_back(read_order(r, i));
    }
    co_return out;
}

}  // namespace orders
