#pragma once

// Maps a method and a path to a handler. Patterns are literal segments and
// `{name}` parameters: "/api/products/{id}". A literal segment wins over a
// parameter at the same position. A path that matches a pattern but not its
// methods yields the methods that would have matched (405 with Allow).

#include "ecom/http/message.hpp"

#include <boost/asio/awaitable.hpp>

#include <array>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ecom::http {

using Handler = std::function<boost::asio::awaitable<Response>(Request&)>;

struct RouteOptions {
    // Requests with a body must declare Content-Type: application/json (415).
    bool json_body = false;
    // false: no server span (health checks would flood the traces).
    bool traced = true;
};

struct Route {
    std::string pattern;
    std::array<Handler, method_count> handlers{};      // indexed by Method
    std::array<RouteOptions, method_count> options{};  // per method
    std::size_t index = 0;                             // stable, for per-route metrics

    [[nodiscard]] const Handler* handler(Method method) const;
    [[nodiscard]] const RouteOptions& options_for(Method method) const {
        return options[static_cast<std::size_t>(method)];
    }
    // "GET, HEAD, POST": the Allow header for this route. GET implies HEAD.
    [[nodiscard]] std::string allow_header() const;
};

class Router {
public:
    Router();
    ~Router();
    Router(Router&&) noexcept;
    Router& operator=(Router&&) noexcept;

    // Registers `handler` for each method on `pattern`. Throws
    // std::invalid_argument for a malformed pattern or a method registered
    // twice on one pattern.
    Router& add(std::initializer_list<Method> methods, std::string_view pattern, Handler handler,
                RouteOptions options = {});

    struct Match {
        enum class Kind { found, method_not_allowed, not_found } kind = Kind::not_found;
        const Route* route = nullptr;      // set unless not_found
        const Handler* handler = nullptr;  // set when found
    };

    // Matches the percent-encoded `path`; parameter values are decoded into
    // `params`. A parameter whose decoded value is empty or contains '/' does
    // not match. HEAD falls back to the GET handler.
    [[nodiscard]] Match match(Method method, std::string_view path,
                              std::vector<std::pair<std::string_view, std::string>>& params) const;

    // Handles every path no route matches (static files with an SPA
    // fallback); its metrics label is `label`.
    Router& fallback(std::initializer_list<Method> methods, Handler handler, std::string label = "/*");

    [[nodiscard]] std::size_t route_count() const noexcept { return routes_.size(); }
    [[nodiscard]] const Route& route(std::size_t index) const { return *routes_[index]; }

private:
    struct Node;
    std::unique_ptr<Node> root_;
    std::vector<std::unique_ptr<Route>> routes_;
    Route* fallback_ = nullptr;

    Match match_routes(Method method, std::string_view path,
                       std::vector<std::pair<std::string_view, std::string>>& params) const;
};

// Decodes %XX escapes (and '+' as space when `plus_as_space`). Returns false
// for a malformed escape or a decoded NUL byte.
bool percent_decode(std::string_view in, std::string& out, bool plus_as_space);

}  // namespace ecom::http
