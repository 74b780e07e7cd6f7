#include "ecom/ascii.hpp"

#include <algorithm>

namespace ecom::ascii {

std::string to_lower(std::string_view s) {
    std::string out(s);
    std::ranges::transform(out, out.begin(), [](char c) { return to_lower(c); });
    return out;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
    return std::ranges::equal(a, b, [](char x, char y) { return to_lower(x) == to_lower(y); });
}

}  // namespace ecom::ascii
