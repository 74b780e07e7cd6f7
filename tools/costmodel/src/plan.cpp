#include "costmodel/plan.hpp"

#include "costmodel/error.hpp"
#include "costmodel/json_util.hpp"

namespace costmodel {
namespace {

std::string index_text(const boost::json::value* index) {
  if (index == nullptr || index->is_null()) {
    return "";
  }
  if (index->is_string()) {
    return std::string(index->get_string());
  }
  return boost::json::serialize(*index);
}

Resource parse_resource(const boost::json::value& value, const std::string& module, const std::string& origin) {
  if (!value.is_object()) {
    throw InputError(origin + ": a resource in module '" + (module.empty() ? "root" : module) + "' is not an object");
  }
  const auto& object = value.get_object();
  const std::string context = origin + " resource";
  Resource resource;
  resource.module = module;
  resource.type = string_field(object, "type", context).value_or("");
  resource.name = string_field(object, "name", context).value_or("");
  resource.address = string_field(object, "address", context).value_or("");
  if (resource.type.empty() || resource.address.empty()) {
    throw InputError(origin + ": a resource in module '" + (module.empty() ? "root" : module) +
                     "' has no 'type' or 'address'");
  }
  resource.index = index_text(object.if_contains("index"));
  if (const auto* values = object.if_contains("values"); values != nullptr && values->is_object()) {
    resource.values = values->get_object();
  }
  return resource;
}

bool is_data_source(const boost::json::value& value) {
  const auto* mode = value.is_object() ? value.get_object().if_contains("mode") : nullptr;
  return mode != nullptr && mode->is_string() && mode->get_string() == "data";
}

void collect_module(const boost::json::object& module, const std::string& origin, std::vector<Resource>& out,
                    int depth) {
  if (depth > 32) {
    throw InputError(origin + ": modules are nested more than 32 deep");
  }
  const std::string address = string_field(module, "address", origin + " module").value_or("");
  for (const auto& value : array_field(module, "resources")) {
    if (!is_data_source(value)) {
      out.push_back(parse_resource(value, address, origin));
    }
  }
  for (const auto& child : array_field(module, "child_modules")) {
    if (!child.is_object()) {
      throw InputError(origin + ": an entry of child_modules is not an object");
    }
    collect_module(child.get_object(), origin, out, depth + 1);
  }
}

}  // namespace

std::vector<Resource> parse_plan(std::string_view json_text, const std::string& origin) {
  const auto document = parse_json(json_text, origin);
  const auto* root = document.is_object() ? document.get_object().if_contains("planned_values") : nullptr;
  if (root == nullptr && document.is_object()) {
    root = document.get_object().if_contains("values");
  }
  if (root == nullptr || !root->is_object()) {
    throw InputError(origin +
                     " is not a Terraform plan: it has no 'planned_values' object "
                     "(make it with: terraform show -json plan.out)");
  }
  const auto* root_module = root->get_object().if_contains("root_module");
  if (root_module == nullptr || !root_module->is_object()) {
    throw InputError(origin + ": 'planned_values.root_module' is missing or not an object");
  }
  std::vector<Resource> resources;
  collect_module(root_module->get_object(), origin, resources, 0);
  return resources;
}

std::vector<Resource> load_plan_file(const std::string& path) {
  return parse_plan(read_file(path, "plan"), path);
}

}  // namespace costmodel
