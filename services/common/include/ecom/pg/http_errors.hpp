#pragma once

// Turns database failures into HTTP answers: a database that is down or
// overloaded is a 503 with Retry-After (clients and load balancers retry);
// anything else is the handler's bug and stays a 500.

#include "ecom/http/router.hpp"

namespace ecom::pg {

// Wraps a handler: pg::Error that is transient becomes HttpError 503
// `database_unavailable`; other pg::Error are logged and become 500.
http::Handler with_database_errors(http::Handler handler);

}  // namespace ecom::pg
