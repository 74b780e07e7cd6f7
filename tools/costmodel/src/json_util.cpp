#include "costmodel/json_util.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "costmodel/error.hpp"

namespace costmodel {

std::string read_file(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InputError(std::string(what) + " file '" + path + "' cannot be read (missing or not readable)");
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    throw InputError(std::string(what) + " file '" + path + "' could not be read completely");
  }
  return buffer.str();
}

boost::json::value parse_json(std::string_view text, const std::string& origin) {
  boost::json::stream_parser parser;
  boost::system::error_code ec;
  const std::size_t used = parser.write_some(text.data(), text.size(), ec);
  if (!ec) {
    parser.finish(ec);
  }
  if (ec) {
    const std::size_t line = 1 +
        static_cast<std::size_t>(std::count(
            text.begin(), text.begin() + static_cast<std::ptrdiff_t>(std::min(used, text.size())), '\n'));
    throw InputError(origin + " is not valid JSON: " + ec.message() + " (near line " + std::to_string(line) + ")");
  }
  return parser.release();
}

std::optional<Decimal> to_decimal(const boost::json::value& value) {
  if (value.is_int64()) {
    return Decimal::from_int(value.get_int64());
  }
  if (value.is_uint64()) {
    if (value.get_uint64() > 9'000'000'000'000ULL) {
      return std::nullopt;
    }
    return Decimal::from_int(static_cast<std::int64_t>(value.get_uint64()));
  }
  if (value.is_double()) {
    return Decimal::from_double(value.get_double());
  }
  if (value.is_string()) {
    return Decimal::parse(std::string_view(value.get_string()));
  }
  return std::nullopt;
}

std::optional<Decimal> number_field(const boost::json::object& object, std::string_view key,
                                    const std::string& context) {
  const auto* value = object.if_contains(key);
  if (value == nullptr || value->is_null()) {
    return std::nullopt;
  }
  auto number = to_decimal(*value);
  if (!number) {
    throw InputError(context + ": '" + std::string(key) + "' must be a number with at most 6 decimals, got " +
                     boost::json::serialize(*value));
  }
  return number;
}

std::optional<std::string> string_field(const boost::json::object& object, std::string_view key,
                                        const std::string& context) {
  const auto* value = object.if_contains(key);
  if (value == nullptr || value->is_null()) {
    return std::nullopt;
  }
  if (!value->is_string()) {
    throw InputError(context + ": '" + std::string(key) + "' must be a string, got " + boost::json::serialize(*value));
  }
  return std::string(value->get_string());
}

std::optional<bool> bool_field(const boost::json::object& object, std::string_view key, const std::string& context) {
  const auto* value = object.if_contains(key);
  if (value == nullptr || value->is_null()) {
    return std::nullopt;
  }
  if (value->is_bool()) {
    return value->get_bool();
  }
  if (value->is_string() && (value->get_string() == "true" || value->get_string() == "false")) {
    return value->get_string() == "true";
  }
  throw InputError(context + ": '" + std::string(key) + "' must be true or false, got " +
                   boost::json::serialize(*value));
}

const boost::json::object* first_block(const boost::json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (value == nullptr) {
    return nullptr;
  }
  if (value->is_object()) {
    return &value->get_object();
  }
  if (value->is_array() && !value->get_array().empty() && value->get_array().front().is_object()) {
    return &value->get_array().front().get_object();
  }
  return nullptr;
}

const boost::json::array& array_field(const boost::json::object& object, std::string_view key) {
  static const boost::json::array empty;
  const auto* value = object.if_contains(key);
  if (value == nullptr || !value->is_array()) {
    return empty;
  }
  return value->get_array();
}

}  // namespace costmodel
