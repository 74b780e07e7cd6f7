#pragma once

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "costmodel/decimal.hpp"

namespace costmodel {

// Reads a whole file; InputError naming the file when it cannot be read.
std::string read_file(const std::string& path, std::string_view what);

// Parses JSON text; InputError naming the origin and the position of the syntax error.
boost::json::value parse_json(std::string_view text, const std::string& origin);

// Field readers: nullopt when the key is absent or null; InputError when the value has
// the wrong type. `context` names the object in the message ("price table entry X").
std::optional<Decimal> number_field(const boost::json::object& object, std::string_view key,
                                    const std::string& context);
std::optional<std::string> string_field(const boost::json::object& object, std::string_view key,
                                        const std::string& context);
std::optional<bool> bool_field(const boost::json::object& object, std::string_view key, const std::string& context);

// A JSON number (or a numeric string, as Terraform plans write "256") as a Decimal.
std::optional<Decimal> to_decimal(const boost::json::value& value);

// Terraform writes nested blocks as arrays of objects: the first one, or nullptr.
const boost::json::object* first_block(const boost::json::object& object, std::string_view key);
// Elements of an array field (empty when absent or not an array).
const boost::json::array& array_field(const boost::json::object& object, std::string_view key);

}  // namespace costmodel
