#pragma once

#include <boost/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace costmodel {

// One managed resource of a Terraform plan (`terraform show -json`): its address,
// the module it lives in, its type and name, its for_each/count key and its values.
struct Resource {
  std::string address;
  std::string module;  // "" for the root module, else "module.ecs" or "module.ecs.module.x"
  std::string type;
  std::string name;
  std::string index;  // for_each key or count index as text; "" when neither
  boost::json::object values;
};

// Reads planned_values (or values, for a state) and every nested child_modules entry.
// Data sources are skipped: they cost nothing. InputError names what is malformed.
std::vector<Resource> parse_plan(std::string_view json_text, const std::string& origin);
std::vector<Resource> load_plan_file(const std::string& path);

}  // namespace costmodel
