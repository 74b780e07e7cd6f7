#pragma once

// The inventory API's SQL: each operation is one call of a function from
// migrations/0003_reservations.sql, so it is one round trip and atomic.

#include "ecom/pg/result.hpp"

#include <vector>

namespace catalog::sql {

// $1 order id, $2 product ids (bigint[]), $3 quantities (integer[])
inline constexpr ecom::pg::Statement reserve_stock{"reserve_stock",
                                                   "SELECT reserve_stock($1::uuid, $2::bigint[], $3::integer[])"};
inline constexpr ecom::pg::Statement commit_reservation{"commit_reservation", "SELECT commit_reservation($1::uuid)"};
inline constexpr ecom::pg::Statement release_reservation{"release_reservation", "SELECT release_reservation($1::uuid)"};
// migrations/0004_returned_reservations.sql
inline constexpr ecom::pg::Statement return_reservation{"return_reservation", "SELECT return_reservation($1::uuid)"};
inline constexpr ecom::pg::Statement get_reservation{"get_reservation", "SELECT reservation_json($1::uuid)", true};
// $1 state, $2 minimum age in seconds, $3 limit
inline constexpr ecom::pg::Statement list_reservations{
    "list_reservations",
    "SELECT order_id, state, floor(extract(epoch FROM created_at) * 1000)::bigint FROM reservations "
    "WHERE state = $1 AND created_at < now() - make_interval(secs => $2::float8) ORDER BY created_at LIMIT $3",
    true};

// Served by the partial index reservations_held.
inline constexpr ecom::pg::Statement count_held_reservations{
    "count_held_reservations", "SELECT count(*) FROM reservations WHERE state = 'held'", true};

inline std::vector<ecom::pg::Statement> inventory_statements() {
    return {reserve_stock,   commit_reservation, release_reservation,    return_reservation,
            get_reservation, list_reservations,  count_held_reservations};
}

}  // namespace catalog::sql
