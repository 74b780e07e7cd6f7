#pragma once

// LISTEN on a dedicated connection and hand every NOTIFY to a callback.
// After each (re)connection the channels are listened to again and
// on_connected runs: notifications sent while the connection was down are
// lost, so a cache must assume everything changed.

#include "ecom/component.hpp"
#include "ecom/pg/database.hpp"

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ecom::pg {

class Connection;
class ListenerEvents;

class Listener : public Component {
public:
    using NotifyCallback = std::function<void(std::string_view channel, std::string_view payload)>;
    using StateCallback = std::function<void(bool connected)>;

    // `channels` must be plain identifiers ([a-z_][a-z0-9_]*).
    Listener(boost::asio::io_context& io, Settings settings, std::vector<std::string> channels,
             NotifyCallback on_notify, StateCallback on_state);
    ~Listener() override;

    void start() override;
    void close();  // thread-safe
    void stop() override { close(); }
    // True from the moment every LISTEN is in effect until the connection drops.
    [[nodiscard]] bool listening() const noexcept { return listening_.load(); }

private:
    boost::asio::io_context& io_;
    Settings settings_;
    std::vector<std::string> channels_;
    std::vector<std::string> listen_sql_;
    std::vector<Statement> no_statements_;
    NotifyCallback on_notify_;
    StateCallback on_state_;
    std::unique_ptr<ListenerEvents> events_;
    std::unique_ptr<Connection> connection_;
    std::atomic<bool> listening_{false};
};

}  // namespace ecom::pg
