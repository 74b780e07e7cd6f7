// frontend: serves the storefront web app and its one-call home page data.

#include "config.hpp"
#include "ecom/http/client.hpp"
#include "ecom/log.hpp"
#include "ecom/service.hpp"
#include "static_site.hpp"
#include "storefront_routes.hpp"

#include <boost/asio/awaitable.hpp>

namespace {

int run() {
    ecom::Env env;
    const storefront::Config config = storefront::Config::from_env(env);
    ecom::log::set_level(config.service.log_level);

    storefront::LoadReport report;
    const storefront::StaticSite site = storefront::StaticSite::load(config.static_dir, &report);
    ecom::log::info("web app loaded",
                    {{"files", static_cast<std::uint64_t>(report.files)},
                     {"bytes", static_cast<std::uint64_t>(report.bytes)},
                     {"skipped_links", static_cast<std::uint64_t>(report.skipped_links)}});

    ecom::Service service(config.service);
    service.set_default_headers(storefront::security_headers());
    ecom::http::Client catalog(service.workers(), config.product_service, service.metrics());
    storefront::StorefrontRoutes routes(site, catalog, config.home_ttl, service.metrics());
    routes.register_on(service.api());
    service.add(catalog);
    return service.run();
}

}  // namespace

int main(int argc, char** argv) {
    return ecom::service_main(argc, argv, "frontend", run);
}
