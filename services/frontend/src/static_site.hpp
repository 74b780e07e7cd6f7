#pragma once

// The built storefront, held in memory: every file under the asset root is
// read once at start-up with its precompressed .br and .gz siblings, its
// content type, a strong entity tag and its caching policy. Requests never
// touch the file system, so no path a client sends can reach outside the
// root: paths are decoded once, normalised, and looked up in a map; ".."
// segments, backslashes and NUL bytes are refused outright, and symbolic
// links that point outside the root are not loaded.

#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace storefront {

struct Variant {
    std::shared_ptr<const std::string> body;  // shared with the responses that send it
    std::string etag;                         // quoted
};

struct Asset {
    std::string content_type;
    std::string cache_control;
    Variant identity;
    std::optional<Variant> gzip;
    std::optional<Variant> brotli;
};

enum class Encoding { identity, gzip, brotli };

struct LoadReport {
    std::size_t files = 0;
    std::size_t bytes = 0;
    std::size_t skipped_links = 0;
};

class StaticSite {
public:
    StaticSite() = default;
    StaticSite(StaticSite&&) noexcept = default;
    StaticSite& operator=(StaticSite&&) noexcept = default;
    StaticSite(const StaticSite&) = delete;
    StaticSite& operator=(const StaticSite&) = delete;

    // Throws std::runtime_error when the root or its index.html is missing.
    static StaticSite load(const std::filesystem::path& root, LoadReport* report = nullptr);

    // The asset at a request path ("/assets/app-1a2b.js"), or nullptr.
    [[nodiscard]] const Asset* find(std::string_view request_path) const;
    [[nodiscard]] const Asset& index() const { return *index_; }
    [[nodiscard]] std::size_t size() const noexcept { return assets_.size(); }

private:
    std::map<std::string, Asset, std::less<>> assets_;
    const Asset* index_ = nullptr;
};

// The path relative to the root for a request path: percent-decoded once,
// "." and empty segments dropped. nullopt for "..", a backslash, a NUL, or a
// malformed escape.
std::optional<std::string> safe_relative_path(std::string_view request_path);

// "text/css; charset=utf-8" for "site.css"; application/octet-stream when unknown.
std::string_view content_type_for(std::string_view file_name);

// Vite puts hashed, immutable files under assets/: cached for a year;
// index.html must be revalidated; other files (images) for an hour.
std::string_view cache_control_for(std::string_view relative_path);

// The best encoding an Accept-Encoding header allows among those available.
Encoding choose_encoding(std::string_view accept_encoding, bool have_gzip, bool have_brotli);

// A client route of the single-page app (no file extension, not an API or
// asset path): answered with index.html. Missing files with an extension are 404.
bool is_client_route(std::string_view request_path);

}  // namespace storefront
