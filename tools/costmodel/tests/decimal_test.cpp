#include "costmodel/decimal.hpp"

#include <gtest/gtest.h>

#include "costmodel/error.hpp"

namespace costmodel {
namespace {

TEST(Decimal, ParsesExactDecimalsAndExponents) {
  EXPECT_EQ(Decimal::parse("0.0225")->micro(), 22'500);
  EXPECT_EQ(Decimal::parse("-1.5")->micro(), -1'500'000);
  EXPECT_EQ(Decimal::parse("730")->micro(), 730'000'000);
  EXPECT_EQ(Decimal::parse("2.5e-3")->micro(), 2'500);
  EXPECT_EQ(Decimal::parse("1E3")->micro(), 1'000'000'000);
}

TEST(Decimal, RefusesTextThatIsNotANumberOrTooPrecise) {
  EXPECT_FALSE(Decimal::parse(""));
  EXPECT_FALSE(Decimal::parse("abc"));
  EXPECT_FALSE(Decimal::parse("1.2.3"));
  EXPECT_FALSE(Decimal::parse("0.0000001"));  // seven decimals cannot be held exactly
  EXPECT_FALSE(Decimal::parse("1e"));
}

TEST(Decimal, ConvertsDoublesWithAtMostSixDecimalsExactly) {
  EXPECT_EQ(Decimal::from_double(0.00356)->micro(), 3'560);
  EXPECT_EQ(Decimal::from_double(0.004445)->micro(), 4'445);
  EXPECT_FALSE(Decimal::from_double(0.0000166667));
}

TEST(Decimal, MultipliesAndDividesWithHalfAwayFromZeroRounding) {
  EXPECT_EQ((Decimal::from_int(730) * *Decimal::parse("0.0225")).to_string(6), "16.425000");
  EXPECT_EQ((*Decimal::parse("0.000001") * *Decimal::parse("0.5")).micro(), 1);    // 0.0000005 rounds up
  EXPECT_EQ((*Decimal::parse("-0.000001") * *Decimal::parse("0.5")).micro(), -1);  // and away from zero
  EXPECT_EQ((*Decimal::parse("0.009875") * Decimal::from_int(730)).to_plain_string(), "7.20875");
}

TEST(Decimal, RoundsToCentsHalfAwayFromZero) {
  EXPECT_EQ(Decimal::parse("16.425")->to_string(2), "16.43");
  EXPECT_EQ(Decimal::parse("7.20875")->to_string(2), "7.21");
  EXPECT_EQ(Decimal::parse("-0.005")->to_string(2), "-0.01");
  EXPECT_EQ(Decimal::parse("2.004999")->to_string(2), "2.00");
}

TEST(Decimal, DividesExactlyWhereItCan) {
  EXPECT_EQ((Decimal::from_int(256) / Decimal::from_int(1024)).to_plain_string(), "0.25");
  EXPECT_EQ((Decimal::from_int(36500) / Decimal::from_int(168)).to_plain_string(), "217.261905");
  EXPECT_THROW((void)(Decimal::from_int(1) / Decimal{}), InputError);
}

TEST(Decimal, CeilAndPlainText) {
  EXPECT_EQ(Decimal::parse("0.142857")->ceil_whole(), 1);
  EXPECT_EQ(Decimal::from_int(3).ceil_whole(), 3);
  EXPECT_EQ(Decimal::parse("0.500")->to_plain_string(), "0.5");
  EXPECT_EQ(Decimal::from_int(730).to_plain_string(), "730");
}

TEST(Decimal, SumsManySmallAmountsWithoutDrift) {
  Decimal sum;
  for (int i = 0; i < 1'000'000; ++i) {
    sum += *Decimal::parse("0.000001");
  }
  EXPECT_EQ(sum, Decimal::from_int(1));
}

TEST(Decimal, OverflowIsAnInputErrorNotUndefinedBehaviour) {
  const Decimal huge = Decimal::from_int(9'000'000'000'000);
  EXPECT_THROW((void)(huge * Decimal::from_int(10)), InputError);
  EXPECT_THROW((void)(huge + huge), InputError);
}

}  // namespace
}  // namespace costmodel
