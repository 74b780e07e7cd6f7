#include "product_cache.hpp"

#include <charconv>
#include <mutex>

namespace catalog {

ProductCache::ProductCache(std::size_t max_entries, ecom::metrics::Registry& r)
    : max_entries_(max_entries),
      product_hits_(r.counter("cache_hits_total", "Reads served from the in-process cache", {{"cache", "product"}})),
      product_misses_(
          r.counter("cache_misses_total", "Reads that missed the in-process cache", {{"cache", "product"}})),
      page_hits_(r.counter("cache_hits_total", "Reads served from the in-process cache", {{"cache", "page"}})),
      page_misses_(r.counter("cache_misses_total", "Reads that missed the in-process cache", {{"cache", "page"}})),
      invalidations_(r.counter("cache_invalidations_total", "Cache invalidations applied")) {
    r.callback_gauge("cache_entries", "Entries in the in-process cache", {},
                     [this] { return static_cast<double>(size()); });
    r.callback_gauge("cache_active", "1 while the cache is in use (its notification connection is up)", {},
                     [this] { return active() ? 1.0 : 0.0; });
}

void ProductCache::set_active(bool active) {
    // Whether turning on or off, whatever is cached may be stale now.
    clear();
    active_.store(active, std::memory_order_release);
}

std::shared_ptr<const CachedBody> ProductCache::find_product(std::int64_t id) {
    if (active()) {
        std::shared_lock lock(mutex_);
        if (auto it = products_.find(id); it != products_.end()) {
            product_hits_.inc();
            return it->second;
        }
    }
    product_misses_.inc();
    return nullptr;
}

std::shared_ptr<const CachedBody> ProductCache::find_page(const std::string& key) {
    if (active()) {
        std::shared_lock lock(mutex_);
        if (auto it = pages_.find(key); it != pages_.end()) {
            page_hits_.inc();
            return it->second;
        }
    }
    page_misses_.inc();
    return nullptr;
}

template <typename Map, typename Key>
void ProductCache::store(Map& map, const Key& key, std::shared_ptr<const CachedBody> entry,
                         std::uint64_t read_generation) {
    if (!active()) {
        return;
    }
    std::unique_lock lock(mutex_);
    // Checked under the lock: an invalidation bumps the generation while
    // holding it, so a stale read can never slip in after it.
    if (generation_.load(std::memory_order_relaxed) != read_generation) {
        return;
    }
    if (products_.size() + pages_.size() >= max_entries_) {
        // Pages are the cheapest to lose; then any product.
        if (!pages_.empty()) {
            pages_.clear();
        } else if (!products_.empty()) {
            products_.erase(products_.begin());
        }
    }
    map[key] = std::move(entry);
}

void ProductCache::store_product(std::int64_t id, std::shared_ptr<const CachedBody> entry,
                                 std::uint64_t read_generation) {
    store(products_, id, std::move(entry), read_generation);
}

void ProductCache::store_page(const std::string& key, std::shared_ptr<const CachedBody> entry,
                              std::uint64_t read_generation) {
    store(pages_, key, std::move(entry), read_generation);
}

void ProductCache::invalidate_product(std::int64_t id) {
    std::unique_lock lock(mutex_);
    generation_.fetch_add(1, std::memory_order_acq_rel);
    products_.erase(id);
    pages_.clear();
    invalidations_.inc();
}

void ProductCache::clear() {
    std::unique_lock lock(mutex_);
    generation_.fetch_add(1, std::memory_order_acq_rel);
    products_.clear();
    pages_.clear();
    invalidations_.inc();
}

void ProductCache::apply_notification(std::string_view payload) {
    std::int64_t id = 0;
    const auto r = std::from_chars(payload.data(), payload.data() + payload.size(), id);
    if (r.ec == std::errc{} && r.ptr == payload.data() + payload.size()) {
        invalidate_product(id);
    } else {
        clear();
    }
}

std::size_t ProductCache::size() const {
    std::shared_lock lock(mutex_);
    return products_.size() + pages_.size();
}

}  // namespace catalog
