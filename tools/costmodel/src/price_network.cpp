// Load balancer, NAT (gateway or instance), public IPv4 addresses and VPC endpoints.

#include "costmodel/json_util.hpp"
#include "pricing_context.hpp"

namespace costmodel::detail {
namespace {

Decimal count(std::size_t n) {
  return Decimal::from_int(static_cast<std::int64_t>(n));
}

// Subnets named by a list attribute, or the environment's AZ count when the plan does
// not know them yet (subnet ids created by the same apply are unknown at plan time).
std::size_t az_span(const Resource& resource, std::string_view key, int fallback) {
  if (const auto size = list_size(resource, key); size && *size > 0) {
    return *size;
  }
  return static_cast<std::size_t>(fallback);
}

std::string dominant_dimension(const LcuBreakdown& lcu) {
  const Decimal top = lcu.lcu();
  if (top == lcu.processed_gb) {
    return "processed bytes";
  }
  if (top == lcu.new_connections) {
    return "new connections";
  }
  if (top == lcu.active_connections) {
    return "active connections";
  }
  return "rule evaluations";
}

void price_public_ipv4(const Resource& resource, const PricingContext& context, std::size_t addresses, Decimal hours,
                       const std::string& component, const std::string& owner) {
  const Decimal rate = context.price("public_ipv4.hour");
  context.add(
      resource, component,
      "public IPv4: " + std::to_string(addresses) + " x " + hours_text(hours) + " x " + usd(rate) + "/h" + owner,
      count(addresses) * hours * rate);
}

}  // namespace

void price_load_balancer(const Resource& resource, const PricingContext& context) {
  const auto type = string_value(resource, "load_balancer_type", "application");
  if (type != "application") {
    context.unpriced(resource, "load_balancer_type '" + type + "' is not in the price table (application only)");
    return;
  }
  const Decimal hours = context.alb_hours();
  const Decimal hourly = context.price("alb.hour");
  context.add(resource, "load balancing", "ALB: " + hours_text(hours) + " x " + usd(hourly) + "/h", hours * hourly);

  const LcuBreakdown lcu = alb_lcu_per_hour(context.usage().alb);
  const Decimal lcu_rate = context.price("alb.lcu_hour");
  context.add(resource, "load balancing",
              "ALB LCUs: " + lcu.lcu().to_plain_string() + " LCU (" + dominant_dimension(lcu) + ", " +
                  context.usage().alb.requests_per_second.to_plain_string() + " req/s) x " + hours_text(hours) + " x " +
                  usd(lcu_rate) + "/LCU-h",
              lcu.lcu() * hours * lcu_rate);

  if (!bool_value(resource, "internal", false)) {
    // Its responses leave AWS: data transfer out, billed per GB (usage: response_kb per
    // request over the ALB's hours); the account's free 100 GB a month is a free-tier line.
    const AlbTraffic& traffic = context.usage().alb;
    const Decimal gb = traffic.requests_per_second * Decimal::from_int(3600) * hours * traffic.response_kb /
        Decimal::from_int(1'000'000);
    const std::string key = "data_transfer.internet_out_gb";
    const Decimal per_gb = context.price(key);
    context.add(resource, "data transfer",
                "data transfer out: " + gb.to_plain_string() + " GB (" + traffic.requests_per_second.to_plain_string() +
                    " req/s x " + traffic.response_kb.to_plain_string() + " KB x " + hours_text(hours) + ") x " +
                    usd(per_gb) + "/GB",
                gb * per_gb);
    context.meter(key, "data transfer", gb, gb * per_gb);
    const std::size_t subnets = std::max(az_span(resource, "subnets", context.default_az_count()),
                                         az_span(resource, "subnet_mapping", context.default_az_count()));
    price_public_ipv4(resource, context, subnets, hours, "load balancing", " (one per AZ of an internet-facing ALB)");
  }
}

void price_nat_gateway(const Resource& resource, const PricingContext& context) {
  const Decimal hours = context.always_on_hours();
  const Decimal hourly = context.price("nat_gateway.hour");
  const Decimal per_gb = context.price("nat_gateway.gb");
  const Decimal gateways = count(std::max<std::size_t>(1, context.count_of_type("aws_nat_gateway")));
  const Decimal gb = context.usage().nat_gateway_gb / gateways;
  context.add(resource, "network",
              "NAT gateway: " + hours_text(hours) + " x " + usd(hourly) + "/h + " + gb.to_plain_string() + " GB x " +
                  usd(per_gb) + "/GB",
              hours * hourly + gb * per_gb);
}

void price_elastic_ip(const Resource& resource, const PricingContext& context) {
  price_public_ipv4(resource, context, 1, context.always_on_hours(), "network",
                    " (an Elastic IP is billed whether attached or not)");
}

void price_ec2_instance(const Resource& resource, const PricingContext& context) {
  const auto type = string_value(resource, "instance_type", "");
  const auto hourly = context.find_price("ec2." + type + ".hour");
  if (!hourly) {
    context.unpriced(resource, "instance type '" + type + "' is not in the price table");
    return;
  }
  // An instance that forwards traffic (source_dest_check off) is the NAT instance,
  // which the scheduler stops out of hours; any other instance runs all month.
  const bool nat = !bool_value(resource, "source_dest_check", true);
  const Decimal hours = nat ? context.instance_hours() : context.always_on_hours();
  const std::string component = nat ? "network" : "compute";
  context.add(
      resource, component,
      std::string(nat ? "NAT instance " : "EC2 ") + type + ": " + hours_text(hours) + " x " + usd(*hourly) + "/h",
      hours * *hourly);

  Decimal volume_gb = Decimal::from_int(8);
  std::string volume_type = "gp3";
  if (const auto* root = first_block(resource.values, "root_block_device")) {
    volume_gb = number_field(*root, "volume_size", resource.address).value_or(volume_gb);
    volume_type = string_field(*root, "volume_type", resource.address).value_or(volume_type);
  }
  if (const auto gb_month = context.find_price("ebs." + volume_type + ".gb_month")) {
    context.add(
        resource, component,
        "EBS " + volume_type + " root volume: " + volume_gb.to_plain_string() + " GB x " + usd(*gb_month) + "/GB-month",
        volume_gb * *gb_month);
  } else {
    context.unpriced(resource, "EBS volume type '" + volume_type + "' is not in the price table");
  }
  if (bool_value(resource, "associate_public_ip_address", false)) {
    price_public_ipv4(resource, context, 1, hours, component, " (released while the instance is stopped)");
  }
}

void price_vpc_endpoint(const Resource& resource, const PricingContext& context) {
  const auto type = string_value(resource, "vpc_endpoint_type", "Gateway");
  const auto service = string_value(resource, "service_name", resource.name);
  if (type == "Gateway") {
    context.add(resource, "network", "gateway endpoint (" + service + "): no charge", Decimal{});
    return;
  }
  if (type != "Interface") {
    context.unpriced(resource, "vpc_endpoint_type '" + type + "' is not in the price table");
    return;
  }
  const std::size_t azs = az_span(resource, "subnet_ids", context.endpoint_az_count());
  const Decimal hours = context.always_on_hours();
  const Decimal hourly = context.price("vpc_endpoint.interface.az_hour");
  const Decimal per_gb = context.price("vpc_endpoint.interface.gb");
  const Decimal gb = context.usage().interface_endpoint_gb;
  context.add(resource, "network",
              "interface endpoint (" + service + "): " + std::to_string(azs) + " AZ x " + hours_text(hours) + " x " +
                  usd(hourly) + "/h + " + gb.to_plain_string() + " GB x " + usd(per_gb) + "/GB",
              count(azs) * hours * hourly + gb * per_gb);
}

}  // namespace costmodel::detail
