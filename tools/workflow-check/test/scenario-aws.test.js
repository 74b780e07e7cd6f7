"use strict";
// The AWS path end to end, against the stateful fake account (fake-world/)
// that starts as a new account has: nothing. The real scripts run in order,
// as a user and the pipeline would run them:
//   1. scripts/setup.sh --env dev on the empty account (an administrator);
//   2. setup.sh again: nothing changes;
//   3. the first deploy (CI: the deploy role, the build job's OCI archives);
//   4. the smoke test on its own: stock and order counts unchanged;
//   5. an evening deploy with dev stopped by the scheduler: resumed,
//      deployed, smoke-tested, stopped again as the schedule expects;
//   6. an evening deploy during which the scheduler's morning start runs:
//      left running;
//   7. a deploy whose order-service fails the smoke test: rolled back to the
//      previous revision; and one whose product-service trips the 5xx alarm:
//      ECS rolls it back by itself.
// Each step asserts the exact AWS calls (in order, repeated polls counted)
// and the end state of the account and of the shop.
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const h = require("./helpers");
const { scheduledStop, scheduledStart, snapshot, letTimePass } = require("./fake-world/scheduler");
const { buildDigest } = require("./fake-world/docker");

const ACCOUNT = h.ACCOUNT;
const BUCKET = `ecommerce-tfstate-${ACCOUNT}`;
const SERVICES = ["product-service", "order-service", "frontend"];
const CATALOG = JSON.parse(fs.readFileSync(path.join(h.REPO, "services/product-service/demo/catalog.json"), "utf8"));
const DEPLOY_ROLE = `arn:aws:sts::${ACCOUNT}:assumed-role/ecommerce-dev-github-deploy/deploy-dev-1`;
const MUTATING = /^aws \S+ (create|put|start|stop|update|register|delete|run|tag)-/;

// "x, x, x, y" -> ["x (x3)", "y"]: the calls in order, repeats counted.
function collapse(list) {
  const out = [];
  for (const item of list) {
    const last = out[out.length - 1];
    if (last && last.item === item) last.n += 1;
    else out.push({ item, n: 1 });
  }
  return out.map(({ item, n }) => (n > 1 ? `${item} (x${n})` : item));
}

function awsCommands(r) {
  return collapse(h.commandsOf(r.calls).filter((c) => c.startsWith("aws ")));
}

function allCommands(r) {
  return collapse(h.commandsOf(r.calls));
}

function argsOf(r, command) {
  return r.calls.filter((c) => h.commandsOf([c])[0] === command).map((c) => c.args);
}

// The build job's artifacts: an OCI archive and its index digest per service.
function artifacts(base, tag) {
  const dir = fs.mkdtempSync(path.join(base, "artifacts-"));
  const digests = {};
  for (const s of SERVICES) {
    digests[s] = buildDigest(`ci/${s}`, tag);
    fs.writeFileSync(path.join(dir, `${s}.oci.tar`), "oci archive");
    fs.writeFileSync(path.join(dir, `${s}.digest`), `${digests[s]}\n`);
  }
  return { dir, digests };
}

function stockOf(shop) {
  return shop.stockBySku();
}

const EXPECTED_CATALOG = Object.fromEntries(CATALOG.map((p) => [p.sku, p.stock]));

// The rollout of one service: register, update, follow the service deployment, smoke test in the bake.
const ROLLOUT = [
  "aws ecs describe-services (x2)",
  "aws ecs describe-task-definition",
  "aws ecs register-task-definition",
  "aws ecs update-service",
  "aws ecs list-service-deployments",
  "aws ecs describe-service-deployments (x7)",
];

test("scenario: an empty account to a smoke-tested shop, deploys at any hour, rollback", { timeout: 900000 }, async (t) => {
  const w = await h.newWorld({
    config: {
      identities: {
        admin: { arn: `arn:aws:iam::${ACCOUNT}:user/admin`, userId: "AIDAADMIN" },
        deploy: { arn: DEPLOY_ROLE, userId: "AROADEPLOY:deploy-dev-1" },
      },
    },
  });
  const shop = w.shops.dev;
  const asAdmin = () => w.update((x) => { x.config.identity = "admin"; });
  const asDeployRole = () => w.update((x) => { x.config.identity = "deploy"; });
  const deploy = (tag, extra = []) => {
    const a = artifacts(w.dir, tag);
    return w.run("scripts/deploy.sh", ["--env", "dev", "--region", "us-east-1", "--url", shop.url, "--tag", tag, "--artifacts", a.dir, ...extra])
      .then((r) => ({ ...r, digests: a.digests }));
  };
  try {
    await t.test("1. setup.sh on an empty account: state bucket, ECR, bootstrap images, apply, db-init, catalog, smoke test, variables", async () => {
      const before = w.read();
      assert.deepEqual([before.s3.buckets, before.ecr.repositories, before.ecs.clusters, before.rds.instances, before.secrets.byName],
        [{}, {}, {}, {}, {}], "a new account has nothing");
      const r = await w.run("scripts/setup.sh", ["--env", "dev", "--auto-approve"]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(allCommands(r), [
        "terraform version",
        "aws sts get-caller-identity",
        "aws s3api head-bucket",
        "aws s3api create-bucket",
        "aws s3api get-bucket-versioning",
        "aws s3api put-bucket-versioning",
        "aws s3api get-bucket-encryption",
        "aws s3api get-public-access-block",
        "aws s3api get-bucket-policy",
        "aws s3api put-bucket-policy",
        "terraform init",
        "aws iam list-open-id-connect-providers",
        "terraform apply",
        // deploy.sh --build-only --tag bootstrap
        "docker buildx version",
        "aws sts get-caller-identity",
        "aws ecr get-login-password",
        "docker login",
        "aws ecr describe-images",
        "docker buildx build",
        "aws ecr describe-images",
        "docker buildx build",
        "aws ecr describe-images",
        "docker buildx build",
        "terraform apply",
        "terraform output (x3)",
        // is the environment stopped? (no: it was just created)
        "aws rds describe-db-instances",
        "aws ecs list-services",
        "aws ecs describe-services",
        "terraform output",
        "aws ecs run-task",
        "aws ecs wait tasks-stopped",
        "aws ecs describe-tasks",
        "aws ecs wait services-stable",
        "terraform output",
        "aws secretsmanager get-secret-value",
        "terraform output (x4)", // the four GitHub roles
      ]);
      const applies = argsOf(r, "terraform apply");
      assert.deepEqual(applies, [
        ["-chdir=terraform", "apply", "-input=false", "-var-file=envs/dev.tfvars", "-var", `state_bucket=${BUCKET}`, "-auto-approve", "-target=module.ecr"],
        ["-chdir=terraform", "apply", "-input=false", "-var-file=envs/dev.tfvars", "-var", `state_bucket=${BUCKET}`, "-auto-approve"],
      ]);
      assert.deepEqual(argsOf(r, "terraform init")[0].slice(1), ["init", "-input=false", "-reconfigure",
        `-backend-config=bucket=${BUCKET}`, "-backend-config=key=ecommerce/dev/terraform.tfstate", "-backend-config=region=us-east-1"]);
      for (const c of r.calls.filter((x) => x.tool !== "http")) assert.equal(c.identity, "admin");

      const world = w.read();
      const bucket = world.s3.buckets[BUCKET];
      assert.equal(bucket.versioning, "Enabled");
      assert.deepEqual(bucket.publicAccessBlock, { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
      assert.deepEqual(bucket.policy.Statement.map((s) => [s.Sid, s.Effect, s.Condition]), [["DenyInsecureTransport", "Deny", { Bool: { "aws:SecureTransport": "false" } }]]);
      assert.deepEqual(Object.keys(bucket.objects), ["ecommerce/dev/terraform.tfstate"]);
      assert.deepEqual(Object.keys(world.ecr.repositories).sort(), SERVICES.map((s) => `ecommerce-dev/${s}`).sort());
      for (const s of SERVICES) assert.deepEqual(world.ecr.repositories[`ecommerce-dev/${s}`].images.map((i) => i.tags), [["bootstrap"]]);
      assert.deepEqual(snapshot(world, "dev"), {
        services: Object.fromEntries(SERVICES.map((s) => [s, { desired: 1, running: 1, taskDefinition: `ecommerce-dev-${s}:1`, serving: `ecommerce-dev-${s}:1`, scalingSuspended: false }])),
        database: "available",
        nat: ["running"],
        remembered: {},
      });
      assert.equal(world.rds.instances["ecommerce-dev"].initialised, true, "db-init ran");

      assert.deepEqual(stockOf(shop), EXPECTED_CATALOG, "the demo catalog is loaded, stock as in catalog.json");
      assert.deepEqual(shop.ordersByStatus(), { PAYMENT_DECLINED: 1 }, "the smoke test left one declined order, nothing confirmed");
      assert.match(r.stdout, /loaded 50 of 50 demo products; 0 already there/);
      assert.match(r.stdout, /smoke test passed/);

      const roles = (n) => `arn:aws:iam::${ACCOUNT}:role/ecommerce-dev-github-${n}`;
      for (const line of [
        "gh variable set AWS_REGION --body 'us-east-1'",
        `gh variable set AWS_DEPLOY_ROLE_ARN_DEV --body '${roles("deploy")}'`,
        `gh variable set AWS_PLAN_ROLE_ARN_DEV --body '${roles("plan")}'`,
        `gh variable set AWS_APPLY_ROLE_ARN_DEV --body '${roles("apply")}'`,
        `gh variable set AWS_ROTATE_ROLE_ARN_DEV --body '${roles("rotate")}'`,
        `gh variable set TF_STATE_BUCKET_DEV --body '${BUCKET}'`,
        `gh variable set APP_URL_DEV --body '${shop.url}'`,
        "gh secret set SLACK_WEBHOOK_URL",
        "gh secret set INFRACOST_API_KEY",
      ]) assert.ok(r.stdout.includes(line), `setup prints: ${line}`);

      const adminKey = world.secrets.byName["ecommerce-dev/product-service/ADMIN_API_KEY"].value;
      assert.ok(!r.stdout.includes(adminKey) && !r.stderr.includes(adminKey), "the admin key is never printed");
      assert.ok(!r.calls.some((c) => c.args.some((a) => a.includes(adminKey))), "nor passed on a command line");
    });

    await t.test("2. setup.sh again changes nothing", async () => {
      const before = w.read();
      const stock = stockOf(shop);
      const r = await w.run("scripts/setup.sh", ["--env", "dev", "--auto-approve"]);
      assert.equal(r.code, 0, r.stderr);
      const mutating = h.commandsOf(r.calls).filter((c) => MUTATING.test(c));
      assert.deepEqual(mutating, ["aws ecs run-task"], "only the idempotent db-init task; no create, put, start, stop or update");
      assert.ok(!h.commandsOf(r.calls).includes("docker buildx build"), "the bootstrap images are not rebuilt");
      assert.match(r.stdout, /Apply complete! Resources: 0 added, 0 changed, 0 destroyed\.\n(.|\n)*Apply complete! Resources: 0 added, 0 changed, 0 destroyed\./);
      assert.match(r.stdout, /loaded 0 of 50 demo products; 50 already there/);
      assert.deepEqual(stockOf(shop), stock);
      const after = w.read();
      assert.deepEqual(after.s3, before.s3);
      assert.deepEqual(after.ecr, before.ecr);
      assert.deepEqual(after.secrets, before.secrets);
      assert.deepEqual(snapshot(after, "dev"), snapshot(before, "dev"));
    });

    let firstDigests;
    await t.test("3. the first deploy (CI: deploy role, the build job's archives): every service on a new revision, smoke-tested", async () => {
      asDeployRole();
      const stock = stockOf(shop);
      const r = await deploy("c0ffee1");
      firstDigests = r.digests;
      assert.equal(r.code, 0, r.stderr);
      const push = ["aws ecr describe-images", "aws ecr describe-images"];
      assert.deepEqual(awsCommands(r), collapseList([
        "aws sts get-caller-identity",
        "aws ecr get-login-password",
        ...push, ...push, ...push,
        // is the environment stopped? (no)
        "aws rds describe-db-instances",
        "aws ecs list-services",
        "aws ecs describe-services (x2)",
        "aws ecs run-task",
        "aws ecs wait tasks-stopped",
        "aws ecs describe-tasks",
        ...ROLLOUT, ...ROLLOUT, ...ROLLOUT,
      ]));
      for (const c of r.calls.filter((x) => x.tool !== "http")) assert.equal(c.identity, "deploy");
      const world = w.read();
      for (const s of SERVICES) {
        const td = world.ecs.taskDefinitions[`ecommerce-dev-${s}`].find((x) => x.revision === 2);
        assert.equal(td.body.containerDefinitions[0].image, `${h.REGISTRY}/ecommerce-dev/${s}@${r.digests[s]}`);
        assert.ok(world.ecr.repositories[`ecommerce-dev/${s}`].images.some((i) => i.digest === r.digests[s] && i.tags.includes("c0ffee1")));
      }
      assert.deepEqual(snapshot(world, "dev").services, Object.fromEntries(SERVICES.map((s) => [s, { desired: 1, running: 1, taskDefinition: `ecommerce-dev-${s}:2`, serving: `ecommerce-dev-${s}:2`, scalingSuspended: false }])));
      assert.deepEqual(stockOf(shop), stock, "three smoke tests, no stock spent");
      assert.deepEqual(shop.ordersByStatus(), { PAYMENT_DECLINED: 5 }, "one declined order per smoke test, none confirmed");
    });

    await t.test("4. the smoke test on its own: stock and order counts unchanged but for one declined order", async () => {
      const stock = stockOf(shop);
      const orders = shop.ordersByStatus();
      const r = await w.run("scripts/smoke-test.sh", [shop.url]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.calls.filter((c) => c.tool !== "http"), [], "no AWS call, no secret");
      assert.deepEqual(stockOf(shop), stock);
      assert.deepEqual(shop.ordersByStatus(), { ...orders, PAYMENT_DECLINED: orders.PAYMENT_DECLINED + 1 });
      assert.equal(shop.ordersByStatus().CONFIRMED, undefined);
    });

    await t.test("5. an evening deploy with dev stopped: resumed, deployed, smoke-tested, stopped again as the schedule expects", async () => {
      w.update((x) => scheduledStop(x, "dev"));
      const stopped = snapshot(w.read(), "dev");
      assert.deepEqual(stopped.database, "stopped");
      const stock = stockOf(shop);
      const r = await deploy("c0ffee2");
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /dev is stopped \(outside its business hours, or paused by hand\): resuming it for this deployment/);
      assert.match(r.stderr, /dev stopped again, as the schedule expects outside business hours/);
      const resume = [
        "aws ec2 describe-instances (x2)",
        "aws ec2 start-instances",
        "aws rds describe-db-instances",
        "aws rds start-db-instance",
        "aws rds wait db-instance-available",
        "aws ecs list-services",
        "aws ecs describe-services",
        "aws application-autoscaling describe-scalable-targets",
        "aws ssm get-parameters-by-path",
        "aws ecs update-service (x3)",
        "aws ecs wait services-stable",
      ];
      const pause = [
        "aws application-autoscaling describe-scalable-targets",
        "aws ecs list-services",
        "aws ecs describe-services",
        "aws application-autoscaling describe-scalable-targets",
        "aws ssm put-parameter", "aws ecs update-service",
        "aws ssm put-parameter", "aws ecs update-service",
        "aws ssm put-parameter", "aws ecs update-service",
        "aws rds describe-db-instances",
        "aws rds stop-db-instance",
        "aws ec2 describe-instances",
        "aws ec2 stop-instances",
      ];
      assert.deepEqual(awsCommands(r), collapseList([
        "aws sts get-caller-identity",
        "aws ecr get-login-password",
        "aws ecr describe-images (x6)",
        "aws rds describe-db-instances",
        ...resume,
        "aws ecs describe-services",
        "aws ecs run-task",
        "aws ecs wait tasks-stopped",
        "aws ecs describe-tasks",
        ...ROLLOUT, ...ROLLOUT, ...ROLLOUT,
        ...pause,
      ]));
      // Auto scaling stayed suspended throughout, as the schedule left it.
      assert.ok(!argsOf(r, "aws application-autoscaling register-scalable-target").length);
      w.update((x) => letTimePass(x));
      assert.deepEqual(snapshot(w.read(), "dev"), {
        services: Object.fromEntries(SERVICES.map((s) => [s, { desired: 0, running: 0, taskDefinition: `ecommerce-dev-${s}:3`, serving: `ecommerce-dev-${s}:3`, scalingSuspended: true }])),
        database: "stopped",
        nat: ["stopped"],
        remembered: { "product-service": 1, "order-service": 1, frontend: 1 },
      }, "the state the scheduler's morning start expects");
      assert.deepEqual(stockOf(shop), stock);
      // The next morning the scheduler starts the new revisions.
      w.update((x) => { scheduledStart(x, "dev"); letTimePass(x, 60); });
      assert.deepEqual(snapshot(w.read(), "dev").services["order-service"], { desired: 1, running: 1, taskDefinition: "ecommerce-dev-order-service:3", serving: "ecommerce-dev-order-service:3", scalingSuspended: false });
    });

    await t.test("6. an evening deploy during which the scheduler's morning start runs: left running", async () => {
      w.update((x) => {
        scheduledStop(x, "dev");
        x.config.triggers = [{ on: "ecs register-task-definition", nth: (x.callCounts["ecs register-task-definition"] || 0) + 2, run: "scheduledStart", environment: "dev" }];
      });
      const r = await deploy("c0ffee3");
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /dev left running: its services' auto scaling was resumed during the deployment/);
      assert.ok(!h.commandsOf(r.calls).includes("aws rds stop-db-instance"));
      w.update((x) => { x.config.triggers = []; letTimePass(x, 60); });
      const s = snapshot(w.read(), "dev");
      assert.equal(s.database, "available");
      assert.deepEqual(s.nat, ["running"]);
      assert.deepEqual(Object.values(s.services).map((x) => [x.desired, x.running, x.scalingSuspended]), [[1, 1, false], [1, 1, false], [1, 1, false]]);
    });

    await t.test("7. a deploy whose order-service fails the smoke test: rolled back to the previous revision, frontend untouched", async () => {
      w.update((x) => x.config.defects.push({ service: "order-service", tag: "bad0001", defect: "checkout-500" }));
      const stock = stockOf(shop);
      const orders = shop.ordersByStatus();
      const r = await deploy("bad0001");
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /order-service: smoke test failed/);
      assert.match(r.stderr, /order-service: ECS rolled back to the previous revision/);
      assert.match(r.stderr, /deployment to dev failed and was rolled back/);
      const tail = h.commandsOf(r.calls).slice(-4);
      assert.deepEqual(tail, ["aws ecs stop-service-deployment", "aws ecs describe-service-deployments", "aws ecs describe-service-deployments", "aws ecs describe-service-deployments"]);
      const s = snapshot(w.read(), "dev").services;
      assert.equal(s["product-service"].taskDefinition, "ecommerce-dev-product-service:5");
      assert.equal(s["order-service"].taskDefinition, "ecommerce-dev-order-service:4", "back on the previous revision");
      assert.equal(s["order-service"].serving, "ecommerce-dev-order-service:4");
      assert.equal(s.frontend.taskDefinition, "ecommerce-dev-frontend:4", "not deployed after the failure");
      assert.deepEqual(stockOf(shop), stock);
      assert.equal(shop.ordersByStatus().CONFIRMED, undefined);
      assert.equal(shop.ordersByStatus().PAYMENT_DECLINED, orders.PAYMENT_DECLINED + 1, "product-service's smoke test");
    });

    await t.test("8. a deploy whose product-service trips its 5xx alarm in the bake time: ECS rolls back by itself", async () => {
      w.update((x) => x.config.defects.push({ service: "product-service", tag: "bad0002", defect: "5xx" }));
      const r = await deploy("bad0002", ["product-service"]);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /product-service: ECS rolled the deployment back during the bake time \(alarm\): ROLLBACK_SUCCESSFUL/);
      assert.ok(!h.commandsOf(r.calls).includes("aws ecs stop-service-deployment"));
      assert.equal(snapshot(w.read(), "dev").services["product-service"].taskDefinition, "ecommerce-dev-product-service:5");
    });
  } finally {
    asAdmin();
    await w.close();
  }
});

// collapse() over a list that may already hold "x (xN)" entries.
function collapseList(list) {
  const flat = [];
  for (const item of list) {
    const m = / \(x(\d+)\)$/.exec(item);
    if (m) for (let i = 0; i < Number(m[1]); i++) flat.push(item.slice(0, m.index));
    else flat.push(item);
  }
  return collapse(flat);
}
