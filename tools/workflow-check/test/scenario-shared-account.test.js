"use strict";
// Both environments in one AWS account (the shared layout; one account per
// environment is the recommendation and scenario-aws.test.js's): setup.sh
// --env dev, then --env prod. Names never collide (every name carries the
// environment); the account-wide GitHub OIDC provider belongs to the first
// stack, and setup.sh of the second stops before any change with the exact
// lines to set, then succeeds once they are set.
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const h = require("./helpers");
const { snapshot } = require("./fake-world/scheduler");

const PROVIDER = `arn:aws:iam::${h.ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;

// A copy of terraform/ whose envs/prod.tfvars the user can edit (TF_DIR).
function terraformCopy() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tfcopy-"));
  fs.cpSync(path.join(h.REPO, "terraform"), path.join(dir, "terraform"), { recursive: true, filter: (src) => !src.includes(`${path.sep}.terraform`) });
  return path.join(dir, "terraform");
}

test("shared account: dev then prod in one account, no name collides, the OIDC provider is dev's and prod reads it", { timeout: 600000 }, async () => {
  const tfDir = terraformCopy();
  const prodVars = path.join(tfDir, "envs", "prod.tfvars");
  const w = await h.newWorld({
    environments: ["dev", "prod"],
    tfvarsOverride: {
      dev: { activate_cost_allocation_tags: false, __file: path.join(tfDir, "envs", "dev.tfvars") },
      prod: { activate_cost_allocation_tags: false, __file: prodVars },
    },
  });
  try {
    let r = await w.run("scripts/setup.sh", ["--env", "dev", "--auto-approve"], { env: { TF_DIR: tfDir } });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(Object.keys(w.read().iam.oidcProviders), [PROVIDER]);

    // prod as the repository ships it: stopped before any change, with the lines to set.
    r = await w.run("scripts/setup.sh", ["--env", "prod", "--auto-approve"], { env: { TF_DIR: tfDir } });
    assert.notEqual(r.code, 0);
    assert.ok(r.stderr.includes(`this account already has GitHub's OIDC provider (${PROVIDER})`), r.stderr);
    assert.ok(r.stderr.includes(`create_github_oidc_provider       = false`));
    assert.ok(r.stderr.includes(`existing_github_oidc_provider_arn = "${PROVIDER}"`));
    assert.ok(!h.commandsOf(r.calls).includes("terraform apply"), "nothing applied");

    // The user sets them (the fake Terraform reads the same values).
    fs.appendFileSync(prodVars, `\ncreate_github_oidc_provider       = false\nexisting_github_oidc_provider_arn = "${PROVIDER}"\n`);
    w.update((x) => Object.assign(x.config.tfvars.prod, { create_github_oidc_provider: false, existing_github_oidc_provider_arn: PROVIDER }));
    r = await w.run("scripts/setup.sh", ["--env", "prod", "--auto-approve"], { env: { TF_DIR: tfDir } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /gh variable set AWS_DEPLOY_ROLE_ARN_PROD --body 'arn:aws:iam::123456789012:role\/ecommerce-prod-github-deploy'/);
    assert.match(r.stdout, /gh variable set TF_STATE_BUCKET_PROD --body 'ecommerce-tfstate-123456789012'/);

    const world = w.read();
    assert.deepEqual(Object.keys(world.ecr.repositories).sort(), [
      "ecommerce-dev/frontend", "ecommerce-dev/order-service", "ecommerce-dev/product-service",
      "ecommerce-prod/frontend", "ecommerce-prod/order-service", "ecommerce-prod/product-service",
    ]);
    assert.deepEqual(Object.keys(world.ecs.clusters).sort(), ["ecommerce-dev", "ecommerce-prod"]);
    assert.deepEqual(Object.keys(world.iam.oidcProviders), [PROVIDER], "one provider, dev's");
    assert.deepEqual(Object.keys(world.s3.buckets[`ecommerce-tfstate-${h.ACCOUNT}`].objects).sort(),
      ["ecommerce/dev/terraform.tfstate", "ecommerce/prod/terraform.tfstate"], "one bucket, one state per environment");
    assert.deepEqual(Object.values(snapshot(world, "prod").services).map((s) => [s.desired, s.running]), [[2, 2], [2, 2], [2, 2]]);
    assert.deepEqual(snapshot(world, "prod").nat, [], "prod: NAT gateways");
    for (const env of ["dev", "prod"]) {
      assert.equal(Object.keys(w.shops[env].stockBySku()).length, 50, `${env}: catalog loaded`);
      assert.deepEqual(w.shops[env].ordersByStatus(), { PAYMENT_DECLINED: 1 }, `${env}: smoke-tested, nothing confirmed`);
    }
  } finally {
    await w.close();
    fs.rmSync(path.dirname(tfDir), { recursive: true, force: true });
  }
});
