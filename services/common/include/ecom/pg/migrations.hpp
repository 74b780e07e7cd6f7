#pragma once

// Versioned SQL migrations, applied at start-up in file-name order, each in
// its own transaction, under an advisory lock so replicas starting together
// apply each migration exactly once. A migration changed after it was
// applied stops start-up.

#include <chrono>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ecom::pg {

struct MigrationOptions {
    std::string conninfo;
    std::string schema;  // where the schema_migrations table lives
    std::chrono::milliseconds wait_for_database{30'000};
};

struct MigrationFile {
    std::string_view name;  // "0001_create_products.sql"
    std::string_view sql;
};

struct MigrationReport {
    std::size_t applied = 0;
    std::size_t already_applied = 0;
};

// Blocks (it runs before the service serves). Throws std::runtime_error
// naming the migration and the problem.
MigrationReport migrate(const MigrationOptions& options, std::span<const MigrationFile> files);

// The same from the files a service embeds (cmake/EmbedFiles: its
// migrations folder as <namespace>::embedded_files(), name and text).
using EmbeddedFiles = std::vector<std::pair<std::string_view, std::string_view>>;
MigrationReport migrate(const MigrationOptions& options, const EmbeddedFiles& files);

// FNV-1a 64 of the text, as 16 hex digits: detects edits to applied files.
std::string migration_checksum(std::string_view sql);

}  // namespace ecom::pg
