#include "costmodel/schedule.hpp"

#include <algorithm>
#include <array>
#include <bitset>
#include <charconv>
#include <sstream>
#include <string>
#include <vector>

#include "costmodel/error.hpp"

namespace costmodel {
namespace {

constexpr int kMinutesPerWeek = 7 * 24 * 60;
constexpr std::array<std::string_view, 7> kDayNames = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

struct CronTime {
  int minute = 0;
  int hour = 0;
  std::bitset<7> days;  // 0 = Sunday
};

[[noreturn]] void bad(std::string_view cron, const std::string& why) {
  throw InputError("schedule '" + std::string(cron) + "': " + why +
                   " (expected cron(M H ? * DAYS *); pass --weekly-hours instead)");
}

int number(std::string_view text, int low, int high, std::string_view cron, const char* what) {
  int value = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < low || value > high) {
    bad(cron, std::string(what) + " must be a number from " + std::to_string(low) + " to " + std::to_string(high));
  }
  return value;
}

int day_index(std::string_view item, std::string_view cron) {
  for (std::size_t i = 0; i < kDayNames.size(); ++i) {
    if (item == kDayNames[i]) {
      return static_cast<int>(i);
    }
  }
  return number(item, 1, 7, cron, "a day of week") - 1;
}

std::bitset<7> days_of(std::string_view field, std::string_view cron) {
  std::bitset<7> days;
  if (field == "*" || field == "?") {
    return days.set();
  }
  std::size_t start = 0;
  while (start <= field.size()) {
    const auto comma = std::min(field.find(',', start), field.size());
    const std::string_view item = field.substr(start, comma - start);
    const auto dash = item.find('-');
    const int first = day_index(item.substr(0, dash), cron);
    const int last = dash == std::string_view::npos ? first : day_index(item.substr(dash + 1), cron);
    for (int d = first; d != last; d = (d + 1) % 7) {
      days.set(static_cast<std::size_t>(d));
    }
    days.set(static_cast<std::size_t>(last));
    start = comma + 1;
  }
  return days;
}

CronTime parse_cron(std::string_view cron) {
  if (cron.substr(0, 5) != "cron(" || cron.back() != ')') {
    bad(cron, "not a cron(...) expression");
  }
  std::istringstream stream(std::string(cron.substr(5, cron.size() - 6)));
  std::vector<std::string> fields;
  for (std::string field; stream >> field;) {
    fields.push_back(field);
  }
  if (fields.size() != 6) {
    bad(cron, "a cron expression has 6 fields");
  }
  if ((fields[2] != "?" && fields[2] != "*") || fields[3] != "*" || fields[5] != "*") {
    bad(cron, "day of month, month and year must be ?/*");
  }
  CronTime time;
  time.minute = number(fields[0], 0, 59, cron, "the minute");
  time.hour = number(fields[1], 0, 23, cron, "the hour");
  time.days = days_of(fields[4], cron);
  return time;
}

}  // namespace

Decimal weekly_on_hours(std::string_view start_cron, std::string_view stop_cron) {
  const CronTime start = parse_cron(start_cron);
  const CronTime stop = parse_cron(stop_cron);
  // Walk two weeks minute by minute; count the minutes "on" during the second one,
  // so that the state carried over from the first week is right.
  bool on = false;
  int minutes_on = 0;
  for (int minute = 0; minute < 2 * kMinutesPerWeek; ++minute) {
    const int in_week = minute % kMinutesPerWeek;
    const auto day = static_cast<std::size_t>(in_week / (24 * 60));
    const int minute_of_day = in_week % (24 * 60);
    if (stop.days.test(day) && minute_of_day == stop.hour * 60 + stop.minute) {
      on = false;
    } else if (start.days.test(day) && minute_of_day == start.hour * 60 + start.minute) {
      on = true;
    }
    if (on && minute >= kMinutesPerWeek) {
      ++minutes_on;
    }
  }
  return Decimal::from_int(minutes_on) / Decimal::from_int(60);
}

}  // namespace costmodel
