#pragma once

// POST /api/orders, validated. Money never comes from the client: prices,
// totals and statuses in the body are refused. The card number and CVC live
// only in memory for the length of the request; only the last four digits
// are stored or logged.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace orders {

struct OrderLine {
    std::int64_t product_id = 0;
    std::int64_t quantity = 0;
};

struct Card {
    std::string number;  // digits only
    int exp_month = 0;
    int exp_year = 0;
    std::string cvc;

    [[nodiscard]] std::string last4() const { return number.substr(number.size() - 4); }
};

struct CheckoutRequest {
    std::string email;  // lowercased
    std::string name;
    std::vector<OrderLine> items;
    Card card;

    // SHA-256 over a canonical form of everything but the card number and
    // CVC (the last four digits and the expiry stand in for the card): two
    // requests with one Idempotency-Key must have the same fingerprint.
    [[nodiscard]] std::string fingerprint() const;
};

// Today's year and month (UTC), for the expiry check; injectable in tests.
struct YearMonth {
    int year = 0;
    int month = 0;
    static YearMonth now();
};

// Throws HttpError 400 (malformed JSON) or 422 (a detail per invalid field).
CheckoutRequest parse_checkout_request(std::string_view body, YearMonth today = YearMonth::now());

bool luhn_valid(std::string_view digits) noexcept;
// A practical shape check: local@domain.tld, no spaces, at most 254 characters.
bool plausible_email(std::string_view email) noexcept;
// 1..255 printable ASCII characters.
bool valid_idempotency_key(std::string_view key) noexcept;

}  // namespace orders
