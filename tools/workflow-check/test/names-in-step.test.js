"use strict";
// The fake account's names (fake-world/names.js: what the fake Terraform
// creates and what the scripts expect) are the names terraform/ gives each
// environment, as tools/tfcheck evaluates them for envs/dev.tfvars and
// envs/prod.tfvars: ECR repositories, cluster, services, task definition
// families, RDS instance, NAT instance tag, secrets, GitHub roles, the
// scheduler's SSM path; and terraform/ declares every output and variable
// the scripts use. A rename on either side fails here first.
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const h = require("./helpers");
const { names, SERVICES, SECRET_KEYS, OUTPUTS } = require("./fake-world/names");

const TFCHECK = path.join(h.REPO, "tools/tfcheck/lib");

let evaluated;
async function terraformNames() {
  if (!evaluated) {
    evaluated = (async () => {
      const { loadProject } = require(path.join(TFCHECK, "project"));
      const { scenarios, UNKNOWN } = require(path.join(TFCHECK, "instances"));
      const project = await loadProject(path.join(h.REPO, "terraform"));
      const byEnv = {};
      for (const sc of scenarios(project)) {
        const env = path.basename(sc.name, ".tfvars");
        const get = (type, attr) => sc.byType(type).map((r) => r.get(attr)).map((v) => (v === UNKNOWN ? "<unknown>" : v));
        byEnv[env] = {
          repositories: get("aws_ecr_repository", "name").sort(),
          clusters: get("aws_ecs_cluster", "name"),
          services: get("aws_ecs_service", "name").sort(),
          families: get("aws_ecs_task_definition", "family").sort(),
          databases: get("aws_db_instance", "identifier"),
          natTags: get("aws_instance", "tags").map((t) => t && t.Name),
          secrets: get("aws_secretsmanager_secret", "name").sort(),
          roles: get("aws_iam_role", "name"),
          schedulerPrefixes: sc.byType("aws_lambda_function")
            .flatMap((r) => r.blocks("environment").map((b) => b.get("variables")?.STATE_PARAMETER_PREFIX)),
        };
      }
      return {
        byEnv,
        outputs: Object.keys(project.root.outputs),
        variables: Object.keys(project.root.variables),
      };
    })();
  }
  return evaluated;
}

for (const env of ["dev", "prod"]) {
  test(`${env}: the fake account's names are terraform/'s`, async () => {
    const tf = (await terraformNames()).byEnv[env];
    assert.ok(tf, `tfcheck evaluated no envs/${env}.tfvars`);
    const n = names(env);
    assert.deepEqual(tf.repositories, SERVICES.map(n.repository).sort(), "ECR repositories (scripts/deploy.sh pushes to ecommerce-<env>/<service>)");
    assert.deepEqual(tf.clusters, [n.cluster]);
    assert.deepEqual(tf.services, [...SERVICES].sort());
    assert.deepEqual(tf.families, [n.dbInitFamily, ...SERVICES.map(n.family)].sort());
    assert.deepEqual(tf.databases, [n.dbInstance]);
    const wantSecrets = Object.entries(SECRET_KEYS).flatMap(([s, keys]) => keys.map((k) => n.secret(s, k))).sort();
    assert.deepEqual(tf.secrets, wantSecrets, "secrets (INTERNAL_API_KEY included)");
    for (const role of [n.deployRole, n.planRole, n.applyRole, n.rotateRole]) assert.ok(tf.roles.includes(role), `IAM role ${role}`);
    if (env === "dev") {
      assert.deepEqual(tf.natTags, [n.natInstanceTag], "the NAT instance the scripts stop and start");
      assert.deepEqual(tf.schedulerPrefixes, [n.schedulerPrefix], "the scheduler's SSM path (scripts/lib/aws-environment.sh)");
    } else {
      assert.deepEqual(tf.natTags, [], "prod: NAT gateways, no instance");
    }
  });
}

test("terraform/ declares every output the scripts read and the state_bucket variable they pass", async () => {
  const tf = await terraformNames();
  for (const o of OUTPUTS) assert.ok(tf.outputs.includes(o), `output ${o}`);
  assert.ok(tf.variables.includes("state_bucket"), "variable state_bucket (setup.sh and teardown.sh pass -var state_bucket=...)");
});
