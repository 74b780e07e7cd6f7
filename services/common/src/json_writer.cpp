#include "ecom/json_writer.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ecom {
namespace {

// 0: copy as is; 1: needs an escape.
constexpr std::array<std::uint8_t, 256> escape_table = [] {
    std::array<std::uint8_t, 256> t{};
    for (std::size_t c = 0; c < 0x20; ++c) {
        t[c] = 1;
    }
    t['"'] = 1;
    t['\\'] = 1;
    t[0x7f] = 1;
    return t;
}();

constexpr char hex_digits[] = "0123456789abcdef";

void append_escape(std::string& out, unsigned char c) {
    switch (c) {
        case '"': out += "\\\""; return;
        case '\\': out += "\\\\"; return;
        case '\n': out += "\\n"; return;
        case '\r': out += "\\r"; return;
        case '\t': out += "\\t"; return;
        case '\b': out += "\\b"; return;
        case '\f': out += "\\f"; return;
        default: {
            const char buf[6] = {'\\', 'u', '0', '0', hex_digits[c >> 4], hex_digits[c & 0xf]};
            out.append(buf, 6);
        }
    }
}

// Bit 7 of each byte of the result is set where a byte of `w` may need an
// escape: below 0x20, '"', '\\' or 0x7f (bytes from 0x80 never match; a
// false alarm only sends the word to the byte-by-byte check).
std::uint64_t may_need_escape(std::uint64_t w) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101ull;
    constexpr std::uint64_t highs = 0x8080808080808080ull;
    const auto zero_byte = [](std::uint64_t v) { return (v - ones) & ~v & highs; };
    const std::uint64_t control = (w - ones * 0x20) & ~w & highs;
    return control | zero_byte(w ^ (ones * '"')) | zero_byte(w ^ (ones * '\\')) | zero_byte(w ^ (ones * 0x7f));
}

#if defined(__SSE2__)
// Bit i is set where byte i of the 16 at `p` needs an escape (exact).
unsigned escape_mask16(const char* p) noexcept {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i limit = _mm_set1_epi8(0x1f);
    const __m128i control = _mm_cmpeq_epi8(_mm_max_epu8(v, limit), limit);  // v <= 0x1f, unsigned
    const __m128i special =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
                     _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f)));
    return static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(control, special)));
}
#endif

}  // namespace

void append_json_escaped(std::string& out, std::string_view text) {
    const char* p = text.data();
    const char* const end = p + text.size();
    const char* run = p;
    // Most values (a sku, a name, a URL) need no escape: one or two
    // overlapping word checks prove it for 8 to 16 bytes without a loop.
    if (text.size() >= 8 && text.size() <= 16) {
        std::uint64_t first;
        std::uint64_t last;
        std::memcpy(&first, p, sizeof first);
        std::memcpy(&last, end - sizeof last, sizeof last);
        if ((may_need_escape(first) | may_need_escape(last)) == 0) {
            out.append(p, text.size());
            return;
        }
    }
#if defined(__SSE2__)
    bool tail_checked = false;
#endif
    while (p != end) {
#if defined(__SSE2__)
        // Sixteen bytes at a time on x86-64: an exact mask of the bytes
        // that need an escape; skip to the first of them.
        if (end - p >= 16) {
            const unsigned mask = escape_mask16(p);
            if (mask == 0) {
                p += 16;
                continue;
            }
            p += __builtin_ctz(mask);
        } else if (!tail_checked && text.size() >= 16) {
            // Fewer than 16 bytes left: one check of the last 16 (some
            // already seen) usually clears them all.
            tail_checked = true;
            if (escape_mask16(end - 16) == 0) {
                break;
            }
        } else
#endif
            // Eight bytes at a time while none may need an escape (the tail on
            // x86-64, everything elsewhere).
            if (end - p >= 8) {
                std::uint64_t w;
                std::memcpy(&w, p, sizeof w);
                if (may_need_escape(w) == 0) {
                    p += 8;
                    continue;
                }
            }
        const auto c = static_cast<unsigned char>(*p);
        if (escape_table[c] != 0) {
            out.append(run, static_cast<std::size_t>(p - run));
            append_escape(out, c);
            run = p + 1;
        }
        ++p;
    }
    out.append(run, static_cast<std::size_t>(end - run));
}

void JsonWriter::separate() {
    if (need_comma_) {
        out_ += ',';
    }
}

JsonWriter& JsonWriter::begin_object() {
    separate();
    out_ += '{';
    need_comma_ = false;
    return *this;
}

JsonWriter& JsonWriter::end_object() {
    out_ += '}';
    need_comma_ = true;
    return *this;
}

JsonWriter& JsonWriter::begin_array() {
    separate();
    out_ += '[';
    need_comma_ = false;
    return *this;
}

JsonWriter& JsonWriter::end_array() {
    out_ += ']';
    need_comma_ = true;
    return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
    separate();
    out_ += '"';
    append_json_escaped(out_, name);
    out_ += "\":";
    need_comma_ = false;
    return *this;
}

JsonWriter& JsonWriter::string(std::string_view value) {
    separate();
    out_ += '"';
    append_json_escaped(out_, value);
    out_ += '"';
    need_comma_ = true;
    return *this;
}

JsonWriter& JsonWriter::integer(std::int64_t value) {
    separate();
    char buf[24];
    const auto result = std::to_chars(buf, buf + sizeof buf, value);
    out_.append(buf, static_cast<std::size_t>(result.ptr - buf));
    need_comma_ = true;
    return *this;
}

JsonWriter& JsonWriter::unsigned_integer(std::uint64_t value) {
    separate();
    char buf[24];
    const auto result = std::to_chars(buf, buf + sizeof buf, value);
    out_.append(buf, static_cast<std::size_t>(result.ptr - buf));
    need_comma_ = true;
    return *this;
}

JsonWriter& JsonWriter::number(double value) {
    if (!std::isfinite(value)) {
        return null();
    }
    separate();
    char buf[32];
    const auto result = std::to_chars(buf, buf + sizeof buf, value);
    out_.append(buf, static_cast<std::size_t>(result.ptr - buf));
    need_comma_ = true;
    return *this;
}

JsonWriter& JsonWriter::boolean(bool value) {
    separate();
    out_ += value ? "true" : "false";
    need_comma_ = true;
    return *this;
}

JsonWriter& JsonWriter::null() {
    separate();
    out_ += "null";
    need_comma_ = true;
    return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json) {
    separate();
    out_ += json;
    need_comma_ = true;
    return *this;
}

}  // namespace ecom
