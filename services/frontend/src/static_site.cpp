#include "static_site.hpp"

#include "ecom/ascii.hpp"
#include "ecom/http/router.hpp"
#include "ecom/log.hpp"
#include "ecom/sha256.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace storefront {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

Variant variant(std::string body) {
    Variant v;
    v.etag = "\"" + ecom::sha256_hex(body).substr(0, 32) + "\"";
    v.body = std::make_shared<const std::string>(std::move(body));
    return v;
}

bool inside(const fs::path& root, const fs::path& candidate) {
    const auto r = root.lexically_normal().string();
    const auto c = candidate.lexically_normal().string();
    return c == r || (c.size() > r.size() && c.compare(0, r.size(), r) == 0 && c[r.size()] == '/');
}

std::string lower_extension(std::string_view name) {
    const auto dot = name.rfind('.');
    if (dot == std::string_view::npos) {
        return {};
    }
    return ecom::ascii::to_lower(name.substr(dot + 1));
}

// The regular files under the root, skipping (and counting) links that
// point outside it.
std::vector<fs::path> asset_files(const fs::path& root, LoadReport& report) {
    std::vector<fs::path> files;
    std::error_code ec;
    std::error_code walk;
    for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::none, walk);
         !walk && it != fs::recursive_directory_iterator(); it.increment(walk)) {
        const fs::path path = it->path();
        if (it->is_symlink()) {
            const fs::path target = fs::canonical(path, ec);
            if (ec || !inside(root, target)) {
                ++report.skipped_links;
                ecom::log::warn("static file skipped: its link points outside the asset root",
                                {{"file", path.lexically_relative(root).string()}});
                if (it->is_directory()) {
                    it.disable_recursion_pending();
                }
                ec.clear();
                continue;
            }
        }
        if (it->is_regular_file()) {
            files.push_back(path);
        }
    }
    return files;
}

// The precompressed copies beside a file (FILE.gz, FILE.br) inside the root,
// each with its own ETag.
void attach_compressed(const fs::path& root, const fs::path& path, Asset& asset, LoadReport& report) {
    std::error_code ec;
    for (const auto& [suffix, slot] : {std::pair{".gz", &asset.gzip}, std::pair{".br", &asset.brotli}}) {
        fs::path compressed = path;
        compressed += suffix;
        if (fs::is_regular_file(compressed, ec) && inside(root, fs::canonical(compressed, ec))) {
            *slot = variant(read_file(compressed));
            slot->value().etag.insert(slot->value().etag.size() - 1, suffix[1] == 'g' ? "-gz" : "-br");
            report.bytes += slot->value().body->size();
        }
    }
}

Asset load_asset(const fs::path& root, const fs::path& path, const std::string& relative, LoadReport& report) {
    Asset asset;
    asset.content_type = std::string(content_type_for(relative));
    asset.cache_control = std::string(cache_control_for(relative));
    asset.identity = variant(read_file(path));
    attach_compressed(root, path, asset, report);
    report.bytes += asset.identity.body->size();
    ++report.files;
    return asset;
}

}  // namespace

std::optional<std::string> safe_relative_path(std::string_view request_path) {
    std::string decoded;
    if (!ecom::http::percent_decode(request_path, decoded, false)) {
        return std::nullopt;  // also refuses %00
    }
    if (decoded.find('\\') != std::string::npos || decoded.find('\0') != std::string::npos) {
        return std::nullopt;
    }
    std::string out;
    std::size_t pos = 0;
    while (pos <= decoded.size()) {
        const auto slash = decoded.find('/', pos);
        const std::string_view segment =
            std::string_view(decoded).substr(pos, slash == std::string::npos ? std::string::npos : slash - pos);
        if (segment == "..") {
            return std::nullopt;
        }
        if (!segment.empty() && segment != ".") {
            if (!out.empty()) {
                out += '/';
            }
            out += segment;
        }
        if (slash == std::string::npos) {
            break;
        }
        pos = slash + 1;
    }
    return out;
}

std::string_view content_type_for(std::string_view file_name) {
    const std::string ext = lower_extension(file_name);
    if (ext == "html")
        return "text/html; charset=utf-8";
    if (ext == "js" || ext == "mjs")
        return "text/javascript; charset=utf-8";
    if (ext == "css")
        return "text/css; charset=utf-8";
    if (ext == "json" || ext == "map")
        return "application/json";
    if (ext == "webmanifest")
        return "application/manifest+json";
    if (ext == "svg")
        return "image/svg+xml";
    if (ext == "png")
        return "image/png";
    if (ext == "jpg" || ext == "jpeg")
        return "image/jpeg";
    if (ext == "webp")
        return "image/webp";
    if (ext == "avif")
        return "image/avif";
    if (ext == "gif")
        return "image/gif";
    if (ext == "ico")
        return "image/x-icon";
    if (ext == "txt")
        return "text/plain; charset=utf-8";
    if (ext == "xml")
        return "application/xml";
    if (ext == "woff2")
        return "font/woff2";
    if (ext == "woff")
        return "font/woff";
    return "application/octet-stream";
}

std::string_view cache_control_for(std::string_view relative_path) {
    if (relative_path.starts_with("assets/")) {
        return "public, max-age=31536000, immutable";
    }
    if (relative_path == "index.html") {
        return "no-cache";
    }
    return "public, max-age=3600";
}

Encoding choose_encoding(std::string_view header, bool have_gzip, bool have_brotli) {
    double q_br = -1;
    double q_gzip = -1;
    double q_any = -1;
    std::size_t pos = 0;
    while (pos < header.size()) {
        const auto comma = header.find(',', pos);
        std::string_view item =
            header.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
        pos = comma == std::string_view::npos ? header.size() : comma + 1;
        const auto semi = item.find(';');
        std::string_view coding = item.substr(0, semi);
        while (!coding.empty() && coding.front() == ' ')
            coding.remove_prefix(1);
        while (!coding.empty() && coding.back() == ' ')
            coding.remove_suffix(1);
        double q = 1.0;
        if (semi != std::string_view::npos) {
            const auto qpos = item.find("q=", semi);
            if (qpos != std::string_view::npos) {
                q = std::strtod(std::string(item.substr(qpos + 2)).c_str(), nullptr);
            }
        }
        if (coding == "br")
            q_br = q;
        else if (coding == "gzip" || coding == "x-gzip")
            q_gzip = q;
        else if (coding == "*")
            q_any = q;
    }
    if (q_br < 0)
        q_br = q_any;
    if (q_gzip < 0)
        q_gzip = q_any;
    if (have_brotli && q_br > 0 && q_br >= q_gzip)
        return Encoding::brotli;
    if (have_gzip && q_gzip > 0)
        return Encoding::gzip;
    if (have_brotli && q_br > 0)
        return Encoding::brotli;
    return Encoding::identity;
}

bool is_client_route(std::string_view path) {
    if (path.starts_with("/api/") || path == "/api" || path.starts_with("/assets/") || path.starts_with("/images/") ||
        path.starts_with("/internal/")) {
        return false;
    }
    const auto last_slash = path.rfind('/');
    const auto last = path.substr(last_slash == std::string_view::npos ? 0 : last_slash + 1);
    return last.find('.') == std::string_view::npos;
}

StaticSite StaticSite::load(const fs::path& root_path, LoadReport* report) {
    std::error_code ec;
    const fs::path root = fs::canonical(root_path, ec);
    if (ec || !fs::is_directory(root)) {
        throw std::runtime_error("STATIC_DIR " + root_path.string() + " is not a directory (build the web app first)");
    }
    StaticSite site;
    LoadReport local;
    for (const auto& path : asset_files(root, local)) {
        const std::string relative = path.lexically_relative(root).generic_string();
        if (relative.ends_with(".gz") || relative.ends_with(".br")) {
            continue;  // attached to the file they compress
        }
        site.assets_.emplace(relative, load_asset(root, path, relative, local));
    }
    const auto index = site.assets_.find("index.html");
    if (index == site.assets_.end()) {
        throw std::runtime_error("STATIC_DIR " + root_path.string() + " has no index.html");
    }
    site.index_ = &index->second;
    if (report != nullptr) {
        *report = local;
    }
    return site;
}

const Asset* StaticSite::find(std::string_view request_path) const {
    const auto relative = safe_relative_path(request_path);
    if (!relative || relative->empty()) {
        return relative ? index_ : nullptr;
    }
    const auto it = assets_.find(*relative);
    return it == assets_.end() ? nullptr : &it->second;
}

}  // namespace storefront
