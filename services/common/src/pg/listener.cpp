#include "ecom/pg/listener.hpp"

#include "ecom/log.hpp"
#include "pg/connection.hpp"

#include <boost/asio/post.hpp>

#include <stdexcept>

namespace ecom::pg {

class ListenerEvents final : public ConnectionEvents {
public:
    void query_finished(const PendingQuery&, bool) override {}
    void reconnected() override {}
};

namespace {

bool plain_identifier(std::string_view name) {
    if (name.empty() || name.size() > 63 || (name.front() >= '0' && name.front() <= '9')) {
        return false;
    }
    for (const char c : name) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
            return false;
        }
    }
    return true;
}

}  // namespace

Listener::Listener(boost::asio::io_context& io, Settings settings, std::vector<std::string> channels,
                   NotifyCallback on_notify, StateCallback on_state)
    : io_(io),
      settings_(std::move(settings)),
      channels_(std::move(channels)),
      on_notify_(std::move(on_notify)),
      on_state_(std::move(on_state)),
      events_(std::make_unique<ListenerEvents>()) {
    for (const auto& channel : channels_) {
        if (!plain_identifier(channel)) {
            throw std::invalid_argument("invalid channel name: " + channel);
        }
        listen_sql_.push_back("LISTEN " + channel);
    }
    connection_ = std::make_unique<Connection>(io_, settings_, no_statements_, *events_, "listener");
    connection_->on_notify = [this](std::string_view channel, std::string_view payload) {
        on_notify_(channel, payload);
    };
    connection_->on_lost = [this] {
        if (listening_.exchange(false)) {
            on_state_(false);
        }
    };
    connection_->on_ready = [this] {
        auto remaining = std::make_shared<std::size_t>(listen_sql_.size());
        for (const auto& sql : listen_sql_) {
            auto q = std::make_unique<PendingQuery>(QueryHandler([this, remaining](std::exception_ptr error, Result) {
                if (error) {
                    log::warn("LISTEN failed; the connection will be retried");
                    return;
                }
                if (--*remaining == 0 && !listening_.exchange(true)) {
                    on_state_(true);
                }
            }));
            q->raw_sql = sql.c_str();
            q->submitted = Clock::now();
            q->deadline = q->submitted + settings_.acquire_timeout;
            q->generation = connection_->generation();
            q->retry_on_abort = false;
            connection_->submit(std::move(q));
        }
    };
}

Listener::~Listener() = default;

void Listener::start() {
    boost::asio::post(io_, [this] { connection_->start(); });
}

void Listener::close() {
    boost::asio::post(io_, [this] {
        connection_->close();
        if (listening_.exchange(false)) {
            on_state_(false);
        }
    });
}

}  // namespace ecom::pg
