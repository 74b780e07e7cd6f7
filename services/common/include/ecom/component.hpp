#pragma once

// A part of a service with a lifecycle of its own: a database pool, a
// listener, a background loop, an HTTP client's connections. A service's
// main() builds its components and adds them to the Service, which
//   - starts them in the order they were added, before the API accepts;
//   - tells them, newest first, when the drain begins (take no new work);
//   - stops them, newest first, once the drain is over and before the
//     worker threads end (close connections, flush).
// Each step has a default that does nothing.

namespace ecom {

class Component {
public:
    virtual ~Component() = default;

    virtual void start() {}
    virtual void drain() {}
    virtual void stop() {}

protected:
    Component() = default;
    Component(const Component&) = default;
    Component& operator=(const Component&) = default;
};

}  // namespace ecom
