"use strict";
// The names of one environment's AWS resources, as terraform/ creates them
// and the scripts expect them (the decisions of issue 13). The fake Terraform
// materialises exactly these; names-in-step.test.js (added with terraform/'s
// side of the issue) compares them with what tools/tfcheck evaluates from
// terraform/ for each envs/*.tfvars, so the fake cannot drift from Terraform.

const PROJECT = "ecommerce";
const SERVICES = ["product-service", "order-service", "frontend"];
// The secrets, by owner (terraform/main.tf generated_secrets): each service
// with a database role has its own; the inventory API's key is shared.
const SECRET_KEYS = {
  "product-service": ["ADMIN_API_KEY", "PGPASSWORD"],
  "order-service": ["ADMIN_API_KEY", "CARD_FINGERPRINT_KEY", "PGPASSWORD"],
  shared: ["INTERNAL_API_KEY"],
};
// What each service's container gets: ENV => [owner, key] of the secret, or
// [owner, key, stage] for a version stage other than AWSCURRENT (terraform/main.tf:
// the previous keys of a rotation's grace window are the AWSPREVIOUS stage).
const INJECTED_SECRETS = {
  "product-service": {
    ADMIN_API_KEY: ["product-service", "ADMIN_API_KEY"], ADMIN_API_KEY_PREVIOUS: ["product-service", "ADMIN_API_KEY", "AWSPREVIOUS"],
    INTERNAL_API_KEY: ["shared", "INTERNAL_API_KEY"], INTERNAL_API_KEY_PREVIOUS: ["shared", "INTERNAL_API_KEY", "AWSPREVIOUS"],
    PGPASSWORD: ["product-service", "PGPASSWORD"],
  },
  "order-service": {
    ADMIN_API_KEY: ["order-service", "ADMIN_API_KEY"], ADMIN_API_KEY_PREVIOUS: ["order-service", "ADMIN_API_KEY", "AWSPREVIOUS"],
    CARD_FINGERPRINT_KEY: ["order-service", "CARD_FINGERPRINT_KEY"],
    INTERNAL_API_KEY: ["shared", "INTERNAL_API_KEY"], PGPASSWORD: ["order-service", "PGPASSWORD"],
  },
};
const DATABASE_SERVICES = ["product-service", "order-service"];

// The root outputs the scripts read.
const OUTPUTS = [
  "url", "ecs_cluster_name", "db_init_run_task_command", "github_deploy_role_arn", "github_plan_role_arn",
  "github_apply_role_arn", "github_rotate_role_arn", "ecr_repository_names", "admin_api_key_secret_arn", "vpc_id", "public_subnet_ids",
  "app_subnet_ids", "task_security_group_id", "alb_security_group_id",
];

function names(environment, project = PROJECT) {
  const name = `${project}-${environment}`;
  return {
    name,
    cluster: name,
    services: SERVICES,
    repository: (service) => `${name}/${service}`,
    family: (service) => `${name}-${service}`,
    dbInitFamily: `${name}-db-init`,
    dbInstance: name,
    natInstanceTag: `${name}-nat-instance`,
    schedulerPrefix: `/${name}/scheduler/desired-count`,
    secret: (service, key) => `${name}/${service}/${key}`,
    secretKeys: SECRET_KEYS,
    adminKeySecret: `${name}/product-service/ADMIN_API_KEY`,
    deployRole: `${name}-github-deploy`,
    planRole: `${name}-github-plan`,
    applyRole: `${name}-github-apply`,
    rotateRole: `${name}-github-rotate`,
  };
}

module.exports = { PROJECT, SERVICES, SECRET_KEYS, INJECTED_SECRETS, DATABASE_SERVICES, OUTPUTS, names };
