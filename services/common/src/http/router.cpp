#include "ecom/http/router.hpp"

#include <stdexcept>

namespace ecom::http {

struct Router::Node {
    std::map<std::string, std::unique_ptr<Node>, std::less<>> literals;
    std::unique_ptr<Node> parameter;
    std::string parameter_name;  // of `parameter`
    Route* route = nullptr;      // a pattern ends here
};

namespace {

// Splits "/a/b/c" into its segments; the path must start with '/'.
template <typename F>
void for_each_segment(std::string_view path, F&& f) {
    std::size_t pos = 1;
    while (true) {
        const auto slash = path.find('/', pos);
        f(path.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos));
        if (slash == std::string_view::npos) {
            break;
        }
        pos = slash + 1;
    }
}

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

}  // namespace

bool percent_decode(std::string_view in, std::string& out, bool plus_as_space) {
    out.reserve(out.size() + in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        const char c = in[i];
        if (c == '%') {
            if (i + 2 >= in.size()) {
                return false;
            }
            const int hi = hex_value(in[i + 1]);
            const int lo = hex_value(in[i + 2]);
            if (hi < 0 || lo < 0) {
                return false;
            }
            const char decoded = static_cast<char>(hi * 16 + lo);
            if (decoded == '\0') {
                return false;
            }
            out += decoded;
            i += 2;
        } else if (c == '+' && plus_as_space) {
            out += ' ';
        } else {
            out += c;
        }
    }
    return true;
}

const Handler* Route::handler(Method method) const {
    const auto& h = handlers[static_cast<std::size_t>(method)];
    if (h) {
        return &h;
    }
    if (method == Method::head && handlers[static_cast<std::size_t>(Method::get)]) {
        return &handlers[static_cast<std::size_t>(Method::get)];
    }
    return nullptr;
}

std::string Route::allow_header() const {
    std::string allow;
    for (std::size_t i = 0; i < method_count; ++i) {
        const auto method = static_cast<Method>(i);
        const bool has = handlers[i] || (method == Method::head && handlers[static_cast<std::size_t>(Method::get)]);
        if (has) {
            if (!allow.empty()) {
                allow += ", ";
            }
            allow += to_string(method);
        }
    }
    return allow;
}

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

Router& Router::add(std::initializer_list<Method> methods, std::string_view pattern, Handler handler,
                    RouteOptions options) {
    if (pattern.empty() || pattern.front() != '/') {
        throw std::invalid_argument("route pattern must start with '/': " + std::string(pattern));
    }
    Node* node = root_.get();
    for_each_segment(pattern, [&](std::string_view segment) {
        if (segment.size() >= 2 && segment.front() == '{' && segment.back() == '}') {
            const auto name = segment.substr(1, segment.size() - 2);
            if (!node->parameter) {
                node->parameter = std::make_unique<Node>();
                node->parameter_name = std::string(name);
            } else if (node->parameter_name != name) {
                throw std::invalid_argument("conflicting parameter names in route " + std::string(pattern));
            }
            node = node->parameter.get();
        } else {
            if (segment.find_first_of("{}") != std::string_view::npos) {
                throw std::invalid_argument("malformed route segment in " + std::string(pattern));
            }
            auto it = node->literals.find(segment);
            if (it == node->literals.end()) {
                it = node->literals.emplace(std::string(segment), std::make_unique<Node>()).first;
            }
            node = it->second.get();
        }
    });
    if (node->route == nullptr) {
        auto route = std::make_unique<Route>();
        route->pattern = std::string(pattern);
        route->index = routes_.size();
        node->route = route.get();
        routes_.push_back(std::move(route));
    }
    Route& route = *node->route;
    for (const auto method : methods) {
        auto& slot = route.handlers[static_cast<std::size_t>(method)];
        if (slot) {
            throw std::invalid_argument("method registered twice on route " + std::string(pattern));
        }
        slot = handler;
        route.options[static_cast<std::size_t>(method)] = options;
    }
    return *this;
}

Router& Router::fallback(std::initializer_list<Method> methods, Handler handler, std::string label) {
    if (fallback_ != nullptr) {
        throw std::invalid_argument("the router already has a fallback");
    }
    auto route = std::make_unique<Route>();
    route->pattern = std::move(label);
    route->index = routes_.size();
    for (const auto method : methods) {
        route->handlers[static_cast<std::size_t>(method)] = handler;
    }
    fallback_ = route.get();
    routes_.push_back(std::move(route));
    return *this;
}

Router::Match Router::match(Method method, std::string_view path,
                            std::vector<std::pair<std::string_view, std::string>>& params) const {
    Match result = match_routes(method, path, params);
    if (result.kind == Match::Kind::not_found && fallback_ != nullptr && !path.empty() && path.front() == '/') {
        result.route = fallback_;
        result.handler = fallback_->handler(method);
        result.kind = result.handler != nullptr ? Match::Kind::found : Match::Kind::method_not_allowed;
    }
    return result;
}

Router::Match Router::match_routes(Method method, std::string_view path,
                                   std::vector<std::pair<std::string_view, std::string>>& params) const {
    Match result;
    if (path.empty() || path.front() != '/') {
        return result;
    }
    const Node* node = root_.get();
    bool ok = true;
    for_each_segment(path, [&](std::string_view segment) {
        if (!ok) {
            return;
        }
        if (auto it = node->literals.find(segment); it != node->literals.end()) {
            node = it->second.get();
            return;
        }
        if (node->parameter) {
            std::string value;
            if (!percent_decode(segment, value, false) || value.empty() || value.find('/') != std::string::npos) {
                ok = false;
                return;
            }
            params.emplace_back(node->parameter_name, std::move(value));
            node = node->parameter.get();
            return;
        }
        ok = false;
    });
    if (!ok || node->route == nullptr) {
        params.clear();
        return result;
    }
    result.route = node->route;
    result.handler = node->route->handler(method);
    result.kind = result.handler != nullptr ? Match::Kind::found : Match::Kind::method_not_allowed;
    return result;
}

}  // namespace ecom::http
