#pragma once

#include <compare>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

namespace costmodel {

// An exact fixed-point number with six decimal places (micro-units), used for money
// (micro-dollars) and for quantities (hours, vCPU, GB). Products and quotients are
// computed in 128 bits and rounded half away from zero to the sixth decimal, so a
// sum of many lines never drifts the way binary floating point does.
class Decimal {
public:
  static constexpr std::int64_t kScale = 1'000'000;
  static constexpr int kPlaces = 6;

  constexpr Decimal() = default;

  static constexpr Decimal from_micro(std::int64_t micro) { return Decimal(micro); }
  static Decimal from_int(std::int64_t whole);
  // "12", "-0.0225", "1.5e3"; at most six decimals after applying the exponent.
  static std::optional<Decimal> parse(std::string_view text);
  // A JSON double rounded to six decimals; nullopt when it has more precision than
  // that (a price such as 0.0000166667 cannot be held exactly and is refused).
  static std::optional<Decimal> from_double(double value);

  [[nodiscard]] constexpr std::int64_t micro() const { return micro_; }
  [[nodiscard]] bool is_negative() const { return micro_ < 0; }
  [[nodiscard]] bool is_zero() const { return micro_ == 0; }

  // Rounded half away from zero to `places` decimals (0..6), e.g. cents with 2.
  [[nodiscard]] Decimal rounded(int places) const;
  // Smallest whole number not below this value.
  [[nodiscard]] std::int64_t ceil_whole() const;
  // Fixed notation with exactly `places` decimals after rounding.
  [[nodiscard]] std::string to_string(int places) const;
  // Shortest fixed notation without trailing zeros ("0.0225", "730", "0.5").
  [[nodiscard]] std::string to_plain_string() const;

  friend Decimal operator+(Decimal a, Decimal b);
  friend Decimal operator-(Decimal a, Decimal b);
  friend Decimal operator*(Decimal a, Decimal b);
  friend Decimal operator/(Decimal a, Decimal b);  // throws InputError on division by zero
  Decimal& operator+=(Decimal other);

  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 flags the 0 of the defaulted comparison
  friend constexpr auto operator<=>(Decimal, Decimal) = default;

private:
  constexpr explicit Decimal(std::int64_t micro) : micro_(micro) {}
  std::int64_t micro_ = 0;
};

Decimal max(Decimal a, Decimal b);
std::ostream& operator<<(std::ostream& out, Decimal value);  // plain text, for test failures
Decimal min(Decimal a, Decimal b);

}  // namespace costmodel
