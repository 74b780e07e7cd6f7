#pragma once

// Case for ASCII text: HTTP tokens and header names, hex identifiers, file
// extensions, e-mail addresses as the services compare them. Locale-free:
// only A-Z and a-z change; every other byte (UTF-8 included) is kept.

#include <string>
#include <string_view>

namespace ecom::ascii {

constexpr char to_lower(char c) noexcept {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c;
}

std::string to_lower(std::string_view s);

// Equal but for the case of ASCII letters.
bool iequals(std::string_view a, std::string_view b) noexcept;

}  // namespace ecom::ascii
