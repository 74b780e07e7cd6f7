#pragma once

// Name tables of the order domain's enums: std::array of {enumerator, name}
// pairs, one row per enumerator in declaration order (checked at compile
// time with in_order), so a name is found by index and an enumerator by name.

#include <cstddef>
#include <optional>
#include <string_view>

namespace orders::enum_names {

template <typename Table>
constexpr bool in_order(const Table& table, std::size_t count) {
    for (std::size_t i = 0; i < table.size(); ++i) {
        if (static_cast<std::size_t>(table[i].first) != i) {
            return false;
        }
    }
    return table.size() == count;
}

template <typename Enum, typename Table>
std::string_view name_in(const Table& table, Enum value) noexcept {
    return table[static_cast<std::size_t>(value)].second;
}

template <typename Enum, typename Table>
std::optional<Enum> find_in(const Table& table, std::string_view text) noexcept {
    for (const auto& [value, name] : table) {
        if (name == text) {
            return value;
        }
    }
    return std::nullopt;
}

}  // namespace orders::enum_names
