#pragma once

#include <string_view>

#include "costmodel/decimal.hpp"

namespace costmodel {

// Hours a week something runs when a start cron turns it on and a stop cron turns it
// off, both EventBridge cron expressions of the simple form used for business hours:
// "cron(M H ? * DAYS *)" with DAYS "*", "MON-FRI", "SAT,SUN", "2-6"... (1 = SUN).
// InputError naming the expression when it is not of that form.
Decimal weekly_on_hours(std::string_view start_cron, std::string_view stop_cron);

}  // namespace costmodel
