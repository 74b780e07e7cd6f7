#pragma once

#include "catalog_sql.hpp"
#include "inventory_sql.hpp"

namespace catalog::sql {

// Every statement product-service prepares on its connections.
inline std::vector<ecom::pg::Statement> statements() {
    auto all = catalog_statements();
    for (const auto& s : inventory_statements()) {
        all.push_back(s);
    }
    return all;
}

}  // namespace catalog::sql
