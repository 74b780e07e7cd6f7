#include "ecom/time_format.hpp"

#include <chrono>
#include <cstring>

namespace ecom {
namespace {

// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2 ? 1 : 0;
}

// Writes `value` as `width` decimal digits at `at` (the lowest digits when
// it has more).
void put_digits(char* at, std::int64_t value, int width) {
    for (int i = width - 1; i >= 0; --i) {
        at[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
}

// "00" to "99": two digits per lookup.
constexpr char digit_pairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

void put_two(char* at, unsigned value) {
    std::memcpy(at, digit_pairs + 2 * value, 2);
}

}  // namespace

void write_rfc3339_millis(char* out, std::int64_t epoch_millis) {
    std::int64_t days = epoch_millis / 86'400'000;
    std::int64_t rest = epoch_millis % 86'400'000;
    if (rest < 0) {
        rest += 86'400'000;
        --days;
    }
    std::int64_t y = 0;
    unsigned m = 0;
    unsigned d = 0;
    civil_from_days(days, y, m, d);
    char* const buf = out;
    std::memcpy(buf, "0000-00-00T00:00:00.000Z", rfc3339_millis_size);
    if (y >= 0 && y <= 9999) {
        put_two(buf, static_cast<unsigned>(y / 100));
        put_two(buf + 2, static_cast<unsigned>(y % 100));
    } else {
        put_digits(buf, y, 4);
    }
    put_two(buf + 5, m);
    put_two(buf + 8, d);
    const auto seconds = static_cast<unsigned>(rest / 1000);
    const auto millis = static_cast<unsigned>(rest % 1000);
    put_two(buf + 11, seconds / 3600);
    put_two(buf + 14, seconds / 60 % 60);
    put_two(buf + 17, seconds % 60);
    buf[20] = static_cast<char>('0' + millis / 100);
    put_two(buf + 21, millis % 100);
}

void append_rfc3339_millis(std::string& out, std::int64_t epoch_millis) {
    char buf[rfc3339_millis_size];
    write_rfc3339_millis(buf, epoch_millis);
    out.append(buf, sizeof buf);
}

std::string rfc3339_millis(std::int64_t epoch_millis) {
    std::string out;
    out.reserve(24);
    append_rfc3339_millis(out, epoch_millis);
    return out;
}

std::string rfc3339_now() {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    return rfc3339_millis(std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
}

namespace {

// Reads `width` decimal digits at text[at]; false when one is not a digit.
bool read_digits(std::string_view text, std::size_t at, std::size_t width, int& value) {
    if (at + width > text.size()) {
        return false;
    }
    value = 0;
    for (std::size_t i = at; i < at + width; ++i) {
        if (text[i] < '0' || text[i] > '9') {
            return false;
        }
        value = value * 10 + (text[i] - '0');
    }
    return true;
}

bool expect(std::string_view text, std::size_t at, std::string_view one_of) {
    return at < text.size() && one_of.find(text[at]) != std::string_view::npos;
}

// The fraction of a second at text[at] (after the '.'), in milliseconds;
// `at` moves past its digits (at least one).
bool read_fraction(std::string_view text, std::size_t& at, int& millis) {
    const std::size_t start = at;
    millis = 0;
    int scale = 100;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
        millis += (text[at] - '0') * scale;
        scale /= 10;
        ++at;
    }
    return at > start;
}

// The offset east of UTC in minutes: Z, or +HH:MM / -HH:MM ending the text.
bool read_offset(std::string_view text, std::size_t at, int& minutes) {
    if (expect(text, at, "Zz")) {
        minutes = 0;
        return at + 1 == text.size();
    }
    int hours = 0;
    int mins = 0;
    if (!expect(text, at, "+-") || !read_digits(text, at + 1, 2, hours) || !expect(text, at + 3, ":") ||
        !read_digits(text, at + 4, 2, mins) || at + 6 != text.size() || hours > 23 || mins > 59) {
        return false;
    }
    minutes = (text[at] == '-' ? -1 : 1) * (hours * 60 + mins);
    return true;
}

}  // namespace

std::optional<std::int64_t> parse_rfc3339_millis(std::string_view text) {
    int year = 0;
    int month = 0;
    int day = 0;
    int hour = 0;
    int minute = 0;
    int second = 0;
    if (!read_digits(text, 0, 4, year) || !expect(text, 4, "-") || !read_digits(text, 5, 2, month) ||
        !expect(text, 7, "-") || !read_digits(text, 8, 2, day) || !expect(text, 10, "Tt") ||
        !read_digits(text, 11, 2, hour) || !expect(text, 13, ":") || !read_digits(text, 14, 2, minute) ||
        !expect(text, 16, ":") || !read_digits(text, 17, 2, second)) {
        return std::nullopt;
    }
    std::size_t at = 19;
    int millis = 0;
    if (expect(text, at, ".")) {
        ++at;
        if (!read_fraction(text, at, millis)) {
            return std::nullopt;
        }
    }
    int offset_minutes = 0;
    if (!read_offset(text, at, offset_minutes)) {
        return std::nullopt;
    }
    const std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                                           std::chrono::day{static_cast<unsigned>(day)}};
    if (!date.ok() || hour > 23 || minute > 59 || second > 60) {
        return std::nullopt;
    }
    if (second == 60) {
        second = 59;
        millis = 999;
    }
    const std::int64_t days = std::chrono::sys_days{date}.time_since_epoch().count();
    const std::int64_t seconds = days * 86'400 + hour * 3'600 + minute * 60 + second - offset_minutes * 60;
    return seconds * 1'000 + millis;
}

}  // namespace ecom
