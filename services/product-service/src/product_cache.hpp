#pragma once

// The in-process read cache: product bodies by id and list pages by query.
// Every replica drops entries when PostgreSQL notifies a change; while the
// notification connection is down the cache is bypassed, and it starts
// empty when the connection returns (notifications may have been missed).
//
// A read that started before an invalidation must not refill the cache
// with what it read: callers take generation() before querying and pass it
// to store_*(); a store with an outdated generation is dropped.

#include "ecom/metrics.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

namespace catalog {

struct CachedBody {
    std::string body;
    std::string etag;  // opaque tag, for products
};

class ProductCache {
public:
    ProductCache(std::size_t max_entries, ecom::metrics::Registry& registry);

    // Off: every find misses and every store is dropped.
    void set_active(bool active);
    [[nodiscard]] bool active() const noexcept { return active_.load(std::memory_order_acquire); }
    [[nodiscard]] std::uint64_t generation() const noexcept { return generation_.load(std::memory_order_acquire); }

    std::shared_ptr<const CachedBody> find_product(std::int64_t id);
    void store_product(std::int64_t id, std::shared_ptr<const CachedBody> entry, std::uint64_t read_generation);
    std::shared_ptr<const CachedBody> find_page(const std::string& key);
    void store_page(const std::string& key, std::shared_ptr<const CachedBody> entry, std::uint64_t read_generation);

    // A product changed: drop it and every list page.
    void invalidate_product(std::int64_t id);
    // Anything may have changed.
    void clear();
    // Applies a NOTIFY payload: a product id, or anything else = clear().
    void apply_notification(std::string_view payload);

    [[nodiscard]] std::size_t size() const;

private:
    template <typename Map, typename Key>
    void store(Map& map, const Key& key, std::shared_ptr<const CachedBody> entry, std::uint64_t read_generation);

    const std::size_t max_entries_;
    std::atomic<bool> active_{false};
    std::atomic<std::uint64_t> generation_{1};
    mutable std::shared_mutex mutex_;
    std::unordered_map<std::int64_t, std::shared_ptr<const CachedBody>> products_;
    std::unordered_map<std::string, std::shared_ptr<const CachedBody>> pages_;

    ecom::metrics::Counter& product_hits_;
    ecom::metrics::Counter& product_misses_;
    ecom::metrics::Counter& page_hits_;
    ecom::metrics::Counter& page_misses_;
    ecom::metrics::Counter& invalidations_;
};

}  // namespace catalog
