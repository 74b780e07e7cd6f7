#pragma once

// `<service> --health-check`: asks the service's own /health on the local
// API port and exits 0 when it answers 200, 1 otherwise. Container images
// have no shell or curl; compose and ECS health checks run this instead.

namespace ecom {

// Reads PORT (default 8080) from the environment; waits at most 2 seconds.
int health_check_main();

}  // namespace ecom
