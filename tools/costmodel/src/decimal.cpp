#include "costmodel/decimal.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <ostream>

#include "costmodel/error.hpp"

namespace costmodel {
namespace {

__extension__ using Int128 = __int128;

constexpr Int128 kScale128 = Decimal::kScale;

Int128 divide_rounded(Int128 numerator, Int128 denominator) {
  const bool negative = (numerator < 0) != (denominator < 0);
  const Int128 n = numerator < 0 ? -numerator : numerator;
  const Int128 d = denominator < 0 ? -denominator : denominator;
  const Int128 q = (n + d / 2) / d;
  return negative ? -q : q;
}

std::int64_t checked(Int128 value) {
  if (value > std::numeric_limits<std::int64_t>::max() || value < std::numeric_limits<std::int64_t>::min()) {
    throw InputError("a number is too large for the cost model (over 9.2e12)");
  }
  return static_cast<std::int64_t>(value);
}

std::int64_t power_of_ten(int exponent) {
  std::int64_t result = 1;
  for (int i = 0; i < exponent; ++i) {
    result *= 10;
  }
  return result;
}

std::optional<int> parse_exponent(std::string_view text) {
  if (text.empty()) {
    return std::nullopt;
  }
  bool negative = false;
  std::size_t i = 0;
  if (text[0] == '+' || text[0] == '-') {
    negative = text[0] == '-';
    i = 1;
  }
  if (i == text.size() || text.size() - i > 3) {
    return std::nullopt;
  }
  int value = 0;
  for (; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') {
      return std::nullopt;
    }
    value = value * 10 + (text[i] - '0');
  }
  return negative ? -value : value;
}

}  // namespace

Decimal Decimal::from_int(std::int64_t whole) {
  return Decimal(checked(Int128{whole} * kScale128));
}

std::optional<Decimal> Decimal::parse(std::string_view text) {
  std::string_view mantissa = text;
  int exponent = 0;
  if (const auto e = text.find_first_of("eE"); e != std::string_view::npos) {
    const auto parsed = parse_exponent(text.substr(e + 1));
    if (!parsed) {
      return std::nullopt;
    }
    exponent = *parsed;
    mantissa = text.substr(0, e);
  }
  bool negative = false;
  if (!mantissa.empty() && (mantissa[0] == '-' || mantissa[0] == '+')) {
    negative = mantissa[0] == '-';
    mantissa.remove_prefix(1);
  }
  Int128 digits = 0;
  int decimals = 0;
  bool seen_point = false;
  bool seen_digit = false;
  for (const char c : mantissa) {
    if (c == '.' && !seen_point) {
      seen_point = true;
      continue;
    }
    if (c < '0' || c > '9' || digits > Int128{1} << 100) {
      return std::nullopt;
    }
    seen_digit = true;
    digits = digits * 10 + (c - '0');
    if (seen_point) {
      ++decimals;
    }
  }
  const int shift = kPlaces - decimals + exponent;  // digits * 10^shift micro-units
  if (!seen_digit || shift < -30 || shift > 18) {
    return std::nullopt;
  }
  Int128 micro = digits;
  if (shift >= 0) {
    micro *= power_of_ten(shift);
  } else {
    const Int128 divisor = Int128{power_of_ten(std::min(-shift, 18))} * power_of_ten(std::max(0, -shift - 18));
    if (micro % divisor != 0) {
      return std::nullopt;  // more than six decimals: refuse rather than round silently
    }
    micro /= divisor;
  }
  if (micro > std::numeric_limits<std::int64_t>::max()) {
    return std::nullopt;
  }
  return Decimal(static_cast<std::int64_t>(negative ? -micro : micro));
}

std::optional<Decimal> Decimal::from_double(double value) {
  if (!std::isfinite(value) || std::fabs(value) > 9.0e12) {
    return std::nullopt;
  }
  const double scaled = value * static_cast<double>(kScale);
  const double nearest = std::round(scaled);
  if (std::fabs(scaled - nearest) > 1e-3 * std::max(1.0, std::fabs(scaled) * 1e-9)) {
    return std::nullopt;
  }
  return Decimal(static_cast<std::int64_t>(nearest));
}

Decimal Decimal::rounded(int places) const {
  const std::int64_t unit = power_of_ten(kPlaces - std::clamp(places, 0, kPlaces));
  return Decimal(checked(divide_rounded(micro_, unit) * unit));
}

std::int64_t Decimal::ceil_whole() const {
  const std::int64_t whole = micro_ / kScale;
  return (micro_ % kScale > 0) ? whole + 1 : whole;
}

std::string Decimal::to_string(int places) const {
  places = std::clamp(places, 0, kPlaces);
  const Decimal r = rounded(places);
  const std::int64_t magnitude = r.micro_ < 0 ? -r.micro_ : r.micro_;
  std::string text = (r.micro_ < 0 ? "-" : "") + std::to_string(magnitude / kScale);
  if (places > 0) {
    std::string fraction = std::to_string(magnitude % kScale);
    fraction.insert(0, static_cast<std::size_t>(kPlaces) - fraction.size(), '0');
    text += "." + fraction.substr(0, static_cast<std::size_t>(places));
  }
  return text;
}

std::string Decimal::to_plain_string() const {
  std::string text = to_string(kPlaces);
  while (text.back() == '0') {
    text.pop_back();
  }
  if (text.back() == '.') {
    text.pop_back();
  }
  return text;
}

Decimal operator+(Decimal a, Decimal b) {
  return Decimal(checked(Int128{a.micro_} + b.micro_));
}
Decimal operator-(Decimal a, Decimal b) {
  return Decimal(checked(Int128{a.micro_} - b.micro_));
}
Decimal operator*(Decimal a, Decimal b) {
  return Decimal(checked(divide_rounded(Int128{a.micro_} * b.micro_, kScale128)));
}
Decimal operator/(Decimal a, Decimal b) {
  if (b.micro_ == 0) {
    throw InputError("division by zero in a cost formula (a rate or size of 0 where a positive value is needed)");
  }
  return Decimal(checked(divide_rounded(Int128{a.micro_} * kScale128, b.micro_)));
}
Decimal& Decimal::operator+=(Decimal other) {
  *this = *this + other;
  return *this;
}

std::ostream& operator<<(std::ostream& out, Decimal value) {
  return out << value.to_plain_string();
}

Decimal max(Decimal a, Decimal b) {
  return a < b ? b : a;
}
Decimal min(Decimal a, Decimal b) {
  return a < b ? a : b;
}

}  // namespace costmodel
