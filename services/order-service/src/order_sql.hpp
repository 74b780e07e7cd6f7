#pragma once

// Every SQL statement of order-service, in one place.

#include "ecom/pg/result.hpp"

#include <vector>

namespace orders::sql {

// Column order read by read_order(): keep them in step (and
// ORDERS_PAGE_ORDER_COLUMNS).
#define ORDERS_ORDER_COLUMNS                                                                                 \
    "id, status, customer_email, customer_name, requested_items::text, items::text, total_cents, currency, " \
    "card_last4, reservation_state, payment_outcome, failure_code, failure_detail::text, response_status, "  \
    "response_body, request_fingerprint, floor(extract(epoch FROM created_at) * 1000)::bigint, "             \
    "floor(extract(epoch FROM updated_at) * 1000)::bigint, COALESCE(lease_until > now(), false), "           \
    "encode(access_token_sha256, 'hex')"

// Timestamps shown by the API come from the service's clock ($10 here, and
// in record_reservation and finish_order), so they never go backwards
// between the database's clock and the service's.
// $1 id, $2 key, $3 fingerprint, $4 email, $5 name, $6 requested items, $7 card last4, $8 lease owner,
// $9 lease seconds, $10 created_at (epoch ms)
inline constexpr ecom::pg::Statement insert_order{
    "insert_order",
    "INSERT INTO orders (id, idempotency_key, request_fingerprint, customer_email, customer_name, requested_items, "
    "card_last4, lease_owner, lease_until, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, now() + make_interval(secs => $9::float8), "
    "to_timestamp($10::float8 / 1000), to_timestamp($10::float8 / 1000)) "
    "ON CONFLICT (customer_email, idempotency_key) DO NOTHING RETURNING " ORDERS_ORDER_COLUMNS};

// A key belongs to its customer: $1 email, $2 key.
inline constexpr ecom::pg::Statement order_by_key{
    "order_by_key", "SELECT " ORDERS_ORDER_COLUMNS " FROM orders WHERE customer_email = $1 AND idempotency_key = $2",
    true};

inline constexpr ecom::pg::Statement order_by_id{"order_by_id",
                                                 "SELECT " ORDERS_ORDER_COLUMNS " FROM orders WHERE id = $1", true};

// $1 id, $2 new owner, $3 lease seconds: only a PENDING order whose lease expired.
inline constexpr ecom::pg::Statement take_lease{
    "take_lease",
    "UPDATE orders SET lease_owner = $2, lease_until = now() + make_interval(secs => $3::float8) "
    "WHERE id = $1 AND status = 'PENDING' AND (lease_until IS NULL OR lease_until < now()) "
    "RETURNING " ORDERS_ORDER_COLUMNS};

// Saga steps: each checks the lease is still ours and renews it.
// $1 id, $2 owner, $3 lease seconds, $4 priced items, $5 total, $6 updated_at (epoch ms)
inline constexpr ecom::pg::Statement record_reservation{
    "record_reservation",
    "UPDATE orders SET reservation_state = 'held', items = $4::jsonb, total_cents = $5, "
    "lease_until = now() + make_interval(secs => $3::float8), updated_at = to_timestamp($6::float8 / 1000) "
    "WHERE id = $1 AND lease_owner = $2 AND status = 'PENDING' RETURNING id"};

// $1 id, $2 owner, $3 status, $4 reservation state, $5 failure code, $6 failure detail,
// $7 response status, $8 response body, $9 updated_at (epoch ms, the one the body shows),
// $10 payment outcome
// The checkout's end is the order's first move: its history row is written
// by the same statement.
inline constexpr ecom::pg::Statement finish_order{
    "finish_order",
    "WITH finished AS (UPDATE orders SET status = $3, reservation_state = $4, failure_code = $5, "
    "failure_detail = $6::jsonb, response_status = $7, response_body = $8, lease_owner = NULL, lease_until = NULL, "
    "updated_at = to_timestamp($9::float8 / 1000), payment_outcome = $10 "
    "WHERE id = $1 AND lease_owner = $2 AND status = 'PENDING' RETURNING id, status, updated_at) "
    "INSERT INTO order_history (order_id, at, actor, from_status, to_status, reason) "
    "SELECT id, updated_at, 'system', 'PENDING', status, 'checkout' FROM finished RETURNING order_id"};

// The digest of the order's access token (order_access.hpp), replaced by
// each 201 or 402 answer of its checkout: $1 id, $2 SHA-256 hex.
inline constexpr ecom::pg::Statement set_access_token{
    "set_access_token",
    "UPDATE orders SET access_token_sha256 = decode($2, 'hex') WHERE id = $1 AND status <> 'PENDING' RETURNING id"};

// A lifecycle move (order_lifecycle.hpp): one guarded UPDATE, the current
// status in its WHERE, and its history row, in one statement. No row: the
// order is not in $2 (any more), and nothing changed.
// $1 id, $2 from status, $3 to status, $4 actor, $5 reason, $6 restock on
// return (null: unchanged)
inline constexpr ecom::pg::Statement move_order{
    "move_order",
    "WITH moved AS (UPDATE orders SET status = $3, updated_at = now(), "
    "restock_on_return = COALESCE($6::boolean, restock_on_return) WHERE id = $1 AND status = $2 "
    "RETURNING id, updated_at) "
    "INSERT INTO order_history (order_id, at, actor, from_status, to_status, reason) "
    "SELECT id, updated_at, $4, $2, $3, $5 FROM moved RETURNING order_id"};

// $1 id, $2 owner: give the lease back early after a transient failure.
inline constexpr ecom::pg::Statement release_lease{"release_lease",
                                                   "UPDATE orders SET lease_owner = NULL, lease_until = NULL WHERE id "
                                                   "= $1 AND lease_owner = $2 AND status = 'PENDING'"};

// The reconciler claims PENDING orders older than $1 seconds whose lease
// expired, at most $2, for owner $3 with a lease of $4 seconds. SKIP LOCKED
// lets several replicas claim disjoint sets.
inline constexpr ecom::pg::Statement claim_stale_orders{
    "claim_stale_orders",
    "UPDATE orders SET lease_owner = $3, lease_until = now() + make_interval(secs => $4::float8) "
    "WHERE id IN (SELECT id FROM orders WHERE status = 'PENDING' "
    "AND created_at < now() - make_interval(secs => $1::float8) "
    "AND (lease_until IS NULL OR lease_until < now()) ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED) "
    "RETURNING " ORDERS_ORDER_COLUMNS};

// $1 email, $2 limit
inline constexpr ecom::pg::Statement orders_by_email{
    "orders_by_email",
    "SELECT " ORDERS_ORDER_COLUMNS " FROM orders WHERE customer_email = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
    true};

// $1 ids (uuid[])
inline constexpr ecom::pg::Statement order_statuses{"order_statuses",
                                                    "SELECT id, status FROM orders WHERE id = ANY($1::uuid[])", true};

// The simulated provider's ledger. Charging twice for one order returns
// the first charge: $1 order, $2 amount, $3 last4, $4 outcome.
inline constexpr ecom::pg::Statement record_charge{
    "record_charge",
    "WITH created AS (INSERT INTO payment_charges (order_id, amount_cents, card_last4, outcome) "
    "VALUES ($1, $2, $3, $4) ON CONFLICT (order_id) DO NOTHING RETURNING outcome, amount_cents) "
    "SELECT outcome, amount_cents FROM created UNION ALL "
    "SELECT outcome, amount_cents FROM payment_charges WHERE order_id = $1 AND NOT EXISTS (SELECT 1 FROM created)"};

inline constexpr ecom::pg::Statement find_charge{
    "find_charge", "SELECT outcome, amount_cents FROM payment_charges WHERE order_id = $1", true};

// A refund, exactly once: $1 order. The simulated provider refuses the
// first refund of a charge made with a card ending 5126 (the test card
// 4000 0000 0000 5126), so an operator's retry can be shown; later ones go
// through. The order's copy of the outcome (what its page reads) follows by
// triggers (migrations/0004_refund_outcome_on_order.sql, 0005). Returns
// 'refunded' or 'refused'; no row: nothing left to refund (already
// refunded, or never charged).
inline constexpr ecom::pg::Statement refund_charge{
    "refund_charge",
    "WITH c AS (SELECT order_id, card_last4 = '5126' AND refund_refused_at IS NULL AS refuse FROM payment_charges "
    "WHERE order_id = $1 AND refunded_at IS NULL AND outcome = 'approved' FOR UPDATE) "
    "UPDATE payment_charges p SET "
    "refunded_at = CASE WHEN c.refuse THEN NULL ELSE now() END, "
    "refund_refused_at = CASE WHEN c.refuse THEN now() ELSE p.refund_refused_at END, "
    "refund_failure_code = CASE WHEN c.refuse THEN 'refund_refused' ELSE NULL END "
    "FROM c WHERE p.order_id = c.order_id "
    "RETURNING CASE WHEN c.refuse THEN 'refused' ELSE 'refunded' END"};

// A sold order's stock went back to the catalog: $1 id.
inline constexpr ecom::pg::Statement mark_returned{
    "mark_returned",
    "UPDATE orders SET reservation_state = 'returned' WHERE id = $1 AND reservation_state = 'committed' "
    "RETURNING id"};

// ORDERS_ORDER_COLUMNS' order and meaning as plain columns of `o`, for
// binary results (read_order() reads both), without the checkout's replayed
// answer and fingerprint (NULL): the order page never shows them.
#define ORDERS_PAGE_ORDER_COLUMNS                                                                                      \
    "o.id::text, o.status, o.customer_email, o.customer_name, o.requested_items, o.items, o.total_cents, o.currency, " \
    "o.card_last4, o.reservation_state, o.payment_outcome, o.failure_code, o.failure_detail, o.response_status, "      \
    "NULL::text, NULL::text, o.created_at, o.updated_at, COALESCE(o.lease_until > now(), false), "                     \
    "o.access_token_sha256"

// The order page in one statement (one snapshot), in binary format (no
// timestamp formatted, no JSON built or parsed): first the order's row
// (ORDERS_PAGE_ORDER_COLUMNS, then its refund's outcome: refunded / refused
// at, failure code; and whether a return restocks), then one row per
// history entry, whose id is NULL in the order's row. Columns:
// read_order_page().
inline constexpr ecom::pg::Statement order_page{
    "order_page",
    "SELECT " ORDERS_PAGE_ORDER_COLUMNS
    ", o.refunded_at, o.refund_refused_at, o.refund_failure_code, o.restock_on_return, "
    "NULL::bigint, NULL::text, NULL::text, NULL::text, NULL::text, NULL::timestamptz "
    "FROM orders o WHERE o.id = $1 "
    "UNION ALL "
    "SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
    "NULL, NULL, NULL, NULL, NULL, NULL, NULL, h.id, h.actor, h.from_status, h.to_status, h.reason, h.at "
    "FROM order_history h WHERE h.order_id = $1",
    true, ecom::pg::Format::binary};

// Cancels and returns whose compensation has not finished (a crash, or a
// dependency that did not answer), untouched for $1 seconds, at most $2.
inline constexpr ecom::pg::Statement stale_compensations{
    "stale_compensations",
    "SELECT id FROM orders WHERE status IN ('CANCELLING', 'REFUNDING') "
    "AND updated_at < now() - make_interval(secs => $1::float8) ORDER BY updated_at LIMIT $2",
    true};

// The order desk: newest first, keyset pages. $1 statuses (text[], null:
// all), $2 email (null: all), $3 created at or after (epoch ms, null),
// $4 created before (epoch ms, null), $5 cursor created_at (epoch ms,
// null: first page), $6 cursor id, $7 limit.
inline constexpr ecom::pg::Statement list_orders{
    "list_orders",
    "SELECT " ORDERS_ORDER_COLUMNS
    " FROM orders "
    "WHERE ($1::text[] IS NULL OR status = ANY($1::text[])) "
    "AND ($2::text IS NULL OR customer_email = $2) "
    "AND ($3::bigint IS NULL OR created_at >= to_timestamp($3::float8 / 1000)) "
    "AND ($4::bigint IS NULL OR created_at < to_timestamp($4::float8 / 1000)) "
    "AND ($5::bigint IS NULL OR (created_at, id) < (to_timestamp($5::float8 / 1000), $6::uuid)) "
    "ORDER BY created_at DESC, id DESC LIMIT $7",
    true};

inline std::vector<ecom::pg::Statement> statements() {
    return {insert_order,  order_by_key,  order_by_id,         take_lease,      record_reservation,
            finish_order,  release_lease, claim_stale_orders,  orders_by_email, order_statuses,
            record_charge, find_charge,   refund_charge,       move_order,      set_access_token,
            mark_returned, order_page,    stale_compensations, list_orders};
}

}  // namespace orders::sql
