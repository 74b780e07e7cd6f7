#pragma once

// Opaque keyset-pagination cursors: the id of the last product of a page,
// versioned and base64url-encoded so clients treat it as a token.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace catalog {

std::string encode_cursor(std::int64_t last_id);
// nullopt for anything encode_cursor() could not have produced.
std::optional<std::int64_t> decode_cursor(std::string_view cursor);

}  // namespace catalog
