#pragma once

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "costmodel/decimal.hpp"
#include "costmodel/plan.hpp"

namespace costmodel {

// The interface endpoints an environment needs without any NAT (the networking module's default).
const std::vector<std::string>& default_interface_endpoints();

struct ServiceSpec {
  std::string name;
  Decimal cpu_units = Decimal::from_int(256);    // 1024 = 1 vCPU
  Decimal memory_mib = Decimal::from_int(512);
  Decimal desired_count = Decimal::from_int(1);
};

// An environment as its tfvars describe it: what the root module would create. The
// what-if scenarios change one field at a time and price the resources it implies.
struct EnvironmentSpec {
  std::string name = "dev";
  int az_count = 2;
  std::string nat_strategy = "single";  // none | single | per_az | instance
  std::string nat_instance_type = "t4g.nano";
  bool interface_endpoints = false;  // always on when nat_strategy is none (as the networking module does)
  std::vector<std::string> interface_endpoint_services = default_interface_endpoints();
  int interface_endpoint_az_count = 2;
  std::vector<ServiceSpec> services = {{"frontend"}, {"product-service"}, {"order-service"}};
  bool arm64 = true;
  Decimal spot_share;  // fraction of tasks on FARGATE_SPOT, 0..1
  std::string db_instance_class = "db.t4g.micro";
  bool db_multi_az = false;
  Decimal db_storage_gb = Decimal::from_int(20);
  std::string db_storage_type = "gp3";
  int log_retention_days = 14;
  bool waf = false;
  bool scheduler = false;  // business-hours teardown by the scheduler Lambda
  int secrets = 3;         // database credentials, admin API key, per-service settings
  int ecr_repositories = 3;
  int alb_log_buckets = 1;
};

// Reads the tfvars (as JSON from `tfcheck tfvars-json`); keys it does not know are
// ignored, known keys with a bad value are an InputError naming the key.
EnvironmentSpec spec_from_tfvars(const boost::json::object& tfvars, const std::string& origin);
EnvironmentSpec load_spec_file(const std::string& path);
boost::json::object load_tfvars_file(const std::string& path);

// The resources the root module creates for this spec, in `terraform show -json` shape.
std::vector<Resource> synthesize_resources(const EnvironmentSpec& spec);


}  // namespace costmodel
