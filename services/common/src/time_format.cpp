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

}  // namespace ecom
