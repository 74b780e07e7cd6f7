#include "ecom/trace_context.hpp"

#include "ecom/ascii.hpp"
#include "ecom/ids.hpp"

#include <chrono>

namespace ecom::trace {
namespace {

bool is_lower_hex(std::string_view s) noexcept {
    for (const char c : s) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return true;
}

bool is_any_hex(std::string_view s) noexcept {
    for (const char c : s) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return false;
        }
    }
    return true;
}

bool all_zero(std::string_view s) noexcept {
    return s.find_first_not_of('0') == std::string_view::npos;
}

int hex_digit(char c) noexcept {
    return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

}  // namespace

std::optional<SpanContext> parse_traceparent(std::string_view h) noexcept {
    // 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01
    if (h.size() < 55 || h.size() > 512) {
        return std::nullopt;
    }
    if (h[2] != '-' || h[35] != '-' || h[52] != '-') {
        return std::nullopt;
    }
    const auto version = h.substr(0, 2);
    const auto trace_id = h.substr(3, 32);
    const auto span_id = h.substr(36, 16);
    const auto flags = h.substr(53, 2);
    if (!is_lower_hex(version) || version == "ff" || !is_lower_hex(trace_id) || !is_lower_hex(span_id) ||
        !is_lower_hex(flags) || all_zero(trace_id) || all_zero(span_id)) {
        return std::nullopt;
    }
    // Version 00 has exactly 55 characters; later versions may append "-...".
    if ((version == "00" && h.size() != 55) || (version != "00" && h.size() > 55 && h[55] != '-')) {
        return std::nullopt;
    }
    try {
        SpanContext ctx;
        ctx.trace_id = std::string(trace_id);
        ctx.parent_span_id = std::string(span_id);
        ctx.sampled = (hex_digit(flags[1]) & 1) != 0;
        ctx.sampling_decided = true;
        return ctx;
    } catch (...) {
        return std::nullopt;
    }
}

std::optional<SpanContext> parse_amzn_trace_id(std::string_view h) noexcept {
    if (h.empty() || h.size() > 512) {
        return std::nullopt;
    }
    try {
        SpanContext ctx;
        bool have_root = false;
        while (!h.empty()) {
            const auto semi = h.find(';');
            auto part = h.substr(0, semi);
            h = semi == std::string_view::npos ? std::string_view{} : h.substr(semi + 1);
            while (!part.empty() && part.front() == ' ') {
                part.remove_prefix(1);
            }
            if (part.starts_with("Root=")) {
                const auto root = part.substr(5);  // 1-5759e988-bd862e3fe1be46a994272793
                if (root.size() != 35 || root[0] != '1' || root[1] != '-' || root[10] != '-') {
                    return std::nullopt;
                }
                const auto epoch = root.substr(2, 8);
                const auto rest = root.substr(11, 24);
                if (!is_any_hex(epoch) || !is_any_hex(rest)) {
                    return std::nullopt;
                }
                ctx.trace_id = ascii::to_lower(epoch) + ascii::to_lower(rest);
                have_root = !all_zero(ctx.trace_id);
            } else if (part.starts_with("Parent=")) {
                const auto parent = part.substr(7);
                if (parent.size() == 16 && is_any_hex(parent) && !all_zero(parent)) {
                    ctx.parent_span_id = ascii::to_lower(parent);
                }
            } else if (part == "Sampled=1") {
                ctx.sampled = true;
                ctx.sampling_decided = true;
            } else if (part == "Sampled=0") {
                ctx.sampling_decided = true;
            }
        }
        if (!have_root) {
            return std::nullopt;
        }
        return ctx;
    } catch (...) {
        return std::nullopt;
    }
}

namespace {

bool is_key_char(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '*' || c == '/';
}

// key = simple-key / multi-tenant-key (tenant@system)
bool is_valid_key(std::string_view key) noexcept {
    if (key.empty() || key.size() > 256) {
        return false;
    }
    const auto at = key.find('@');
    if (at == std::string_view::npos) {
        if (!(key[0] >= 'a' && key[0] <= 'z')) {
            return false;
        }
        for (const char c : key) {
            if (!is_key_char(c)) {
                return false;
            }
        }
        return true;
    }
    const auto tenant = key.substr(0, at);
    const auto system = key.substr(at + 1);
    if (tenant.empty() || tenant.size() > 241 || system.empty() || system.size() > 14) {
        return false;
    }
    if (!((tenant[0] >= 'a' && tenant[0] <= 'z') || (tenant[0] >= '0' && tenant[0] <= '9')) ||
        !(system[0] >= 'a' && system[0] <= 'z')) {
        return false;
    }
    for (const char c : tenant) {
        if (!is_key_char(c)) {
            return false;
        }
    }
    for (const char c : system) {
        if (!is_key_char(c)) {
            return false;
        }
    }
    return true;
}

// value = 0*255(chr) nblk-chr, chr = %x20 / nblk-chr, nblk-chr = %x21-2B / %x2D-3C / %x3E-7E
bool is_valid_value(std::string_view value) noexcept {
    if (value.empty() || value.size() > 256 || value.back() == ' ') {
        return false;
    }
    for (const char c : value) {
        if (c < 0x20 || c > 0x7e || c == ',' || c == '=') {
            return false;
        }
    }
    return true;
}

}  // namespace

bool is_valid_tracestate(std::string_view h) noexcept {
    if (h.size() > 512) {
        return false;
    }
    int members = 0;
    while (true) {
        const auto comma = h.find(',');
        auto member = h.substr(0, comma);
        while (!member.empty() && (member.front() == ' ' || member.front() == '\t')) {
            member.remove_prefix(1);
        }
        while (!member.empty() && (member.back() == ' ' || member.back() == '\t')) {
            member.remove_suffix(1);
        }
        if (!member.empty()) {  // empty list-members are allowed and ignored
            const auto eq = member.find('=');
            if (eq == std::string_view::npos || !is_valid_key(member.substr(0, eq)) ||
                !is_valid_value(member.substr(eq + 1)) || ++members > 32) {
                return false;
            }
        }
        if (comma == std::string_view::npos) {
            break;
        }
        h.remove_prefix(comma + 1);
    }
    return members > 0;
}

std::string new_trace_id() {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    const auto secs = static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::seconds>(now).count());
    // The epoch seconds as 8 hex digits over the first 8 of 32 random ones
    // (one string, no snprintf: a trace id is made for every request).
    static constexpr char digits[] = "0123456789abcdef";
    std::string id = random_hex(16);
    for (int i = 0; i < 8; ++i) {
        id[static_cast<std::size_t>(i)] = digits[(secs >> (28 - 4 * i)) & 0xf];
    }
    return id;
}

std::string new_span_id() {
    std::string id = random_hex(8);
    if (all_zero(id)) {
        id[15] = '1';
    }
    return id;
}

std::string format_traceparent(std::string_view trace_id, std::string_view span_id, bool sampled) {
    std::string out = "00-";
    out += trace_id;
    out += '-';
    out += span_id;
    out += sampled ? "-01" : "-00";
    return out;
}

std::string format_amzn_trace_id(std::string_view trace_id, std::string_view span_id, bool sampled) {
    std::string out = "Root=1-";
    out += trace_id.substr(0, 8);
    out += '-';
    out += trace_id.substr(8);
    out += ";Parent=";
    out += span_id;
    out += sampled ? ";Sampled=1" : ";Sampled=0";
    return out;
}

}  // namespace ecom::trace
