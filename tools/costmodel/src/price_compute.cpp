// Fargate: aws_ecs_service priced with the size and architecture of its task definition.

#include <algorithm>

#include "costmodel/error.hpp"
#include "costmodel/json_util.hpp"
#include "pricing_context.hpp"

namespace costmodel {
namespace {

constexpr std::string_view kFargate = "FARGATE";
constexpr std::string_view kFargateSpot = "FARGATE_SPOT";

std::string family_of(std::string_view task_definition) {
  // "arn:aws:ecs:...:task-definition/family:3", "family:3" or "family"
  if (const auto slash = task_definition.rfind('/'); slash != std::string_view::npos) {
    task_definition.remove_prefix(slash + 1);
  }
  return std::string(task_definition.substr(0, task_definition.find(':')));
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// The service's task definition: named by the service's task_definition value when the
// plan knows it, else the one in the same module with the same for_each key, else the
// one whose family is the service's name (or ends with "-<name>").
const Resource* find_task_definition(const Resource& service, const std::vector<Resource>& all) {
  std::vector<const Resource*> candidates;
  for (const auto& r : all) {
    if (r.type == "aws_ecs_task_definition") {
      candidates.push_back(&r);
    }
  }
  const auto family = [](const Resource* r) { return detail::string_value(*r, "family", ""); };
  const auto pick = [&](auto predicate) -> const Resource* {
    const auto it = std::find_if(candidates.begin(), candidates.end(), predicate);
    return it == candidates.end() ? nullptr : *it;
  };
  if (const auto named = detail::string_value(service, "task_definition", ""); !named.empty()) {
    if (const auto* found = pick([&](const Resource* r) { return family(r) == family_of(named); })) {
      return found;
    }
  }
  if (const auto* found = pick([&](const Resource* r) {
        return r->module == service.module && r->index == service.index && !service.index.empty();
      })) {
    return found;
  }
  const auto name = detail::string_value(service, "name", service.name);
  if (const auto* found =
          pick([&](const Resource* r) { return family(r) == name || ends_with(family(r), "-" + name); })) {
    return found;
  }
  const auto same_module = std::count_if(candidates.begin(), candidates.end(),
                                         [&](const Resource* r) { return r->module == service.module; });
  if (same_module == 1) {
    return pick([&](const Resource* r) { return r->module == service.module; });
  }
  return nullptr;
}

struct TaskShape {
  FargateTask task;
  Decimal extra_storage_gb;  // ephemeral storage above the 20 GB included
};

std::optional<TaskShape> task_shape(const Resource& definition, std::string& why) {
  const Decimal cpu_units = detail::number_value(definition, "cpu", Decimal{});
  const Decimal memory_mib = detail::number_value(definition, "memory", Decimal{});
  if (cpu_units.is_zero() || memory_mib.is_zero()) {
    why = "its task definition " + definition.address + " has no task-level cpu and memory (Fargate needs them)";
    return std::nullopt;
  }
  std::string architecture = "X86_64";
  std::string os = "LINUX";
  if (const auto* platform = first_block(definition.values, "runtime_platform")) {
    architecture = string_field(*platform, "cpu_architecture", definition.address).value_or("X86_64");
    os = string_field(*platform, "operating_system_family", definition.address).value_or("LINUX");
  }
  if (os != "LINUX") {
    why = "operating system " + os + " is not in the price table (Linux only)";
    return std::nullopt;
  }
  if (architecture != "ARM64" && architecture != "X86_64") {
    why = "unknown cpu_architecture '" + architecture + "' (ARM64 or X86_64)";
    return std::nullopt;
  }
  TaskShape shape;
  const Decimal per_k = Decimal::from_int(1024);
  shape.task = FargateTask{cpu_units / per_k, memory_mib / per_k, architecture == "ARM64"};
  if (const auto* storage = first_block(definition.values, "ephemeral_storage")) {
    const auto size = number_field(*storage, "size_in_gib", definition.address).value_or(Decimal::from_int(20));
    shape.extra_storage_gb = max(Decimal{}, size - Decimal::from_int(20));
  }
  return shape;
}

// Only Fargate capacity providers are priced; EC2 capacity providers run on instances.
std::optional<std::string> non_fargate_provider(const boost::json::array& strategy) {
  for (const auto& item : strategy) {
    const auto* object = item.if_object();
    const auto* provider = object != nullptr ? object->if_contains("capacity_provider") : nullptr;
    if (provider == nullptr || !provider->is_string() ||
        (provider->get_string() != kFargate && provider->get_string() != kFargateSpot)) {
      return provider != nullptr ? boost::json::serialize(*provider) : std::string("(none)");
    }
  }
  return std::nullopt;
}

std::string tasks_text(Decimal count) {
  return count.to_plain_string() + (count == Decimal::from_int(1) ? " task" : " tasks");
}

std::string capacity_text(const CapacityShare& share, Decimal discount) {
  if (share.spot_tasks.is_zero()) {
    return "on-demand";
  }
  const std::string spot = "Spot at " + (discount * Decimal::from_int(100)).to_plain_string() + "% off";
  if (share.on_demand_tasks.is_zero()) {
    return spot;
  }
  return share.on_demand_tasks.to_plain_string() + " on-demand + " + share.spot_tasks.to_plain_string() + " " + spot;
}

}  // namespace

Decimal spot_discount(const PriceTable& prices, const PricingOptions& options) {
  return prices.price(options.spot_worst_case ? "fargate.spot_discount_low" : "fargate.spot_discount");
}

Decimal fargate_task_cost(const FargateTask& task, Decimal hours, const PriceTable& prices) {
  const std::string arch = task.arm64 ? "arm64" : "x86_64";
  return task.vcpu * hours * prices.price("fargate." + arch + ".vcpu_hour") +
      task.memory_gb * hours * prices.price("fargate." + arch + ".gb_hour");
}

CapacityShare capacity_share(Decimal desired_count, const boost::json::array& strategy) {
  if (strategy.empty()) {
    return CapacityShare{desired_count, Decimal{}};
  }
  Decimal spot_base;
  Decimal base_total;
  Decimal spot_weight;
  Decimal total_weight;
  for (const auto& item : strategy) {
    const auto& object = item.as_object();
    const bool spot = object.at("capacity_provider").as_string() == kFargateSpot;
    const Decimal base = number_field(object, "base", "capacity_provider_strategy").value_or(Decimal{});
    const Decimal weight = number_field(object, "weight", "capacity_provider_strategy").value_or(Decimal{});
    if (base.is_negative() || weight.is_negative()) {
      throw InputError("capacity_provider_strategy: base and weight must not be negative");
    }
    base_total += base;
    total_weight += weight;
    if (spot) {
      spot_base += base;
      spot_weight += weight;
    }
  }
  // The base is placed first (on the provider that has it), the rest is split by weight.
  const Decimal placed_base = min(base_total, desired_count);
  const Decimal spot_from_base = base_total.is_zero() ? Decimal{} : min(spot_base, placed_base);
  const Decimal remaining = desired_count - placed_base;
  const Decimal spot_from_weight = total_weight.is_zero() ? Decimal{} : remaining * spot_weight / total_weight;
  const Decimal spot = spot_from_base + spot_from_weight;
  return CapacityShare{desired_count - spot, spot};
}

namespace detail {

void price_ecs_service(const Resource& service, const PricingContext& context) {
  const auto& strategy = array_field(service.values, "capacity_provider_strategy");
  const auto launch_type = string_value(service, "launch_type", strategy.empty() ? "FARGATE" : "");
  if (strategy.empty() && launch_type != kFargate) {
    context.unpriced(service, "launch type " + launch_type + " runs on instances (price them as aws_instance)");
    return;
  }
  if (const auto provider = non_fargate_provider(strategy)) {
    context.unpriced(service, "capacity provider " + *provider + " is not Fargate");
    return;
  }
  const Resource* definition = find_task_definition(service, context.all());
  if (definition == nullptr) {
    context.unpriced(service, "no aws_ecs_task_definition in the plan matches it");
    return;
  }
  std::string why;
  const auto shape = task_shape(*definition, why);
  if (!shape) {
    context.unpriced(service, why);
    return;
  }
  const Decimal desired = number_value(service, "desired_count", Decimal{});
  const CapacityShare share = capacity_share(desired, strategy);
  const Decimal discount = context.spot_discount();
  const Decimal hours = context.task_hours();
  const Decimal per_task_month = fargate_task_cost(shape->task, hours, context.prices());
  Decimal on_demand = per_task_month * share.on_demand_tasks;
  if (context.compute_savings_plan() && !share.on_demand_tasks.is_zero()) {
    on_demand = on_demand * (Decimal::from_int(1) - context.price("fargate.compute_savings_plan_discount"));
  }
  Decimal monthly = on_demand + per_task_month * share.spot_tasks * (Decimal::from_int(1) - discount);
  const std::string arch = shape->task.arm64 ? "arm64" : "x86_64";
  std::string detail = tasks_text(desired) + " x (" + shape->task.vcpu.to_plain_string() + " vCPU x " +
      usd(context.price("fargate." + arch + ".vcpu_hour")) + " + " + shape->task.memory_gb.to_plain_string() +
      " GB x " + usd(context.price("fargate." + arch + ".gb_hour")) + ") x " + hours_text(hours) + ", " +
      (shape->task.arm64 ? "ARM64" : "X86_64") + ", " + capacity_text(share, discount);
  if (context.compute_savings_plan() && !share.on_demand_tasks.is_zero()) {
    detail += ", on-demand under a Compute Savings Plan at " +
        (context.price("fargate.compute_savings_plan_discount") * Decimal::from_int(100)).to_plain_string() + "% off";
  }
  if (!shape->extra_storage_gb.is_zero()) {
    monthly += shape->extra_storage_gb * context.price("fargate.ephemeral_storage_gb_hour") * hours * desired;
    detail += ", +" + shape->extra_storage_gb.to_plain_string() + " GB ephemeral storage";
  }
  context.add(service, "compute", detail, monthly);
}

}  // namespace detail
}  // namespace costmodel
