"use strict";
// scripts/deploy.sh with fake aws/docker/skopeo: the exact commands of a dry
// run, the rollout, the smoke-test rollback and ECS's alarm rollback.
const test = require("node:test");
const assert = require("node:assert/strict");
const h = require("./helpers");
const { startShop } = require("./fake-shop");

const DEPLOY = "scripts/deploy.sh";
const TD7 = h.taskDefArn("product-service", 7);
const TD10 = h.taskDefArn("product-service", 10);
const DEPLOYMENT = `arn:aws:ecs:us-east-1:${h.ACCOUNT}:service-deployment/ecommerce-dev/product-service/abc123`;

function registerInput(image) {
  return JSON.stringify({
    family: "ecommerce-dev-product-service",
    networkMode: "awsvpc",
    cpu: "256",
    memory: "512",
    containerDefinitions: [{ name: "product-service", image, essential: true }],
  });
}

const DB_INIT = "+ aws ecs run-task --region us-east-1 --cluster ecommerce-dev --task-definition ecommerce-dev-db-init " +
  "--launch-type FARGATE --started-by deploy-db-init " +
  "--network-configuration 'awsvpcConfiguration={subnets=[subnet-a,subnet-b],securityGroups=[sg-tasks],assignPublicIp=DISABLED}'";

test("--help prints the usage and exits 0 without calling anything", () => {
  const r = h.runScript(DEPLOY, ["--help"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Usage: scripts\/deploy.sh \[options\] \[SERVICE\.\.\.\]/);
  assert.match(r.stdout, /--dry-run/);
  assert.deepEqual(r.calls, []);
});

test("dry run of one service: ECR login, buildx build/push, db-init, register with the digest, update, wait, smoke test", () => {
  const r = h.runScript(DEPLOY, ["--dry-run", "--tag", h.TAG, "--url", "http://shop.example", "product-service"]);
  assert.equal(r.code, 0, r.stderr);
  const repo = `${h.REGISTRY}/product-service`;
  const digest = `sha256:<digest of ${repo}:${h.TAG}>`;
  assert.deepEqual(h.printed(r.stdout), [
    `+ aws ecr get-login-password --region us-east-1 | docker login --username AWS --password-stdin ${h.REGISTRY}`,
    `+ docker buildx build --platform linux/amd64,linux/arm64 --file services/product-service/Dockerfile --tag ${repo}:${h.TAG} ` +
      `--label org.opencontainers.image.revision=${h.TAG} --provenance=false --metadata-file ${r.dir}/work/product-service.metadata.json --push .`,
    DB_INIT,
    "# wait until the db-init task stops and check that its exit code is 0",
    `+ aws ecs register-task-definition --region us-east-1 --cli-input-json '${registerInput(`${repo}@${digest}`)}'`,
    `+ aws ecs update-service --region us-east-1 --cluster ecommerce-dev --service product-service --task-definition 'arn:aws:ecs:us-east-1:${h.ACCOUNT}:task-definition/ecommerce-dev-product-service:<new-revision>'`,
    "# wait until the blue/green deployment of product-service shifts production traffic (aws ecs describe-service-deployments)",
    "+ scripts/smoke-test.sh http://shop.example",
    `# wait until the deployment of product-service is SUCCESSFUL (bake time over, no alarm); on a failed smoke test roll back to ${TD7}`,
  ]);
  // Only read-only calls were made.
  for (const line of h.callLines(r.calls, "aws")) {
    assert.match(line, /^aws (sts get-caller-identity|ecr describe-images|ecs describe-services|ecs describe-task-definition) /, line);
  }
  assert.deepEqual(h.callLines(r.calls, "docker"), ["docker buildx version"]);
});

test("dry run of all services rolls out product-service, order-service, frontend in that order", () => {
  const r = h.runScript(DEPLOY, ["--dry-run", "--tag", h.TAG, "--url", "http://shop.example"]);
  assert.equal(r.code, 0, r.stderr);
  const builds = h.printed(r.stdout).filter((l) => l.startsWith("+ docker buildx build")).map((l) => l.match(/--file (\S+)/)[1]);
  assert.deepEqual(builds, ["services/product-service/Dockerfile", "services/order-service/Dockerfile", "services/frontend/Dockerfile"]);
  const updates = h.printed(r.stdout).filter((l) => l.startsWith("+ aws ecs update-service")).map((l) => l.match(/--service (\S+)/)[1]);
  assert.deepEqual(updates, ["product-service", "order-service", "frontend"]);
  assert.equal(h.printed(r.stdout).filter((l) => l.includes("ecs run-task")).length, 1, "db-init once");
});

test("rollback dry run: an earlier digest already in ECR, no build, no db-init", () => {
  const r = h.runScript(DEPLOY, ["--dry-run", "--env", "dev", "--digest", h.DIGEST, "--skip-db-init", "--url", "http://shop.example", "product-service"]);
  assert.equal(r.code, 0, r.stderr);
  const lines = h.printed(r.stdout);
  assert.equal(lines[0], `+ aws ecs register-task-definition --region us-east-1 --cli-input-json '${registerInput(`${h.REGISTRY}/product-service@${h.DIGEST}`)}'`);
  assert.ok(lines.some((l) => l.startsWith("+ aws ecs update-service") && l.includes("--service product-service")));
  assert.ok(!lines.some((l) => l.includes("docker") || l.includes("run-task")));
  assert.ok(h.callLines(r.calls, "aws").includes(
    `aws ecr describe-images --region us-east-1 --repository-name product-service --image-ids imageDigest=${h.DIGEST} --output json`));
});

test("CI artifacts dry run: skopeo copies the OCI archive keeping its digest", () => {
  const fs = require("node:fs");
  const path = require("node:path");
  const os = require("node:os");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "artifacts-"));
  fs.writeFileSync(path.join(dir, "frontend.oci.tar"), "x");
  fs.writeFileSync(path.join(dir, "frontend.digest"), h.BUILD_DIGEST + "\n");
  const r = h.runScript(DEPLOY, ["--dry-run", "--artifacts", dir, "--tag", h.TAG, "--skip-db-init", "--no-smoke-test", "frontend"]);
  assert.equal(r.code, 0, r.stderr);
  const lines = h.printed(r.stdout);
  assert.equal(lines[1], `+ skopeo copy --all --preserve-digests --retry-times 3 --dest-authfile ${r.dir}/.docker/config.json ` +
    `oci-archive:${dir}/frontend.oci.tar docker://${h.REGISTRY}/frontend:${h.TAG}`);
  assert.ok(lines.some((l) => l.includes(`${h.REGISTRY}/frontend@${h.BUILD_DIGEST}`)), "task definition pins the built digest");
  assert.ok(!lines.some((l) => l.includes("smoke-test")));
});

test("clear errors: unknown service, bad digest, missing aws, missing region, no credentials", () => {
  let r = h.runScript(DEPLOY, ["--dry-run", "cart-service"]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /unknown service 'cart-service'/);

  r = h.runScript(DEPLOY, ["--dry-run", "--digest", "sha256:xyz", "frontend"]);
  assert.match(r.stderr, /--digest must look like sha256:<64 hex digits>/);

  r = h.runScript(DEPLOY, ["--dry-run", "--digest", h.DIGEST]);
  assert.match(r.stderr, /--digest rolls out one service/);

  r = h.runScript(DEPLOY, ["--dry-run"], { path: "/usr/bin:/bin" });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /'aws' is not installed or not on PATH/);

  r = h.runScript(DEPLOY, ["--dry-run", "--url", "http://x"], { env: { AWS_REGION: "", AWS_DEFAULT_REGION: "" } });
  assert.match(r.stderr, /no AWS region: pass --region or set AWS_REGION/);

  const rules = [{ cmd: "sts get-caller-identity", exit: 255, stderr: "Unable to locate credentials" }];
  r = h.runScript(DEPLOY, ["--dry-run", "--url", "http://x"], { rules });
  assert.match(r.stderr, /no usable AWS credentials/);

  r = h.runScript(DEPLOY, ["--dry-run", "--env", "qa"]);
  assert.match(r.stderr, /unknown environment 'qa'/);
});

function rolloutRules(deploymentSeq) {
  return [
    { cmd: "ecs register-task-definition", out: { taskDefinition: { taskDefinitionArn: TD10 } } },
    { cmd: "ecs update-service", out: { service: { serviceName: "product-service" } } },
    { cmd: "ecs stop-service-deployment", out: { serviceDeploymentArn: DEPLOYMENT } },
    { cmd: "ecs list-service-deployments", out: { serviceDeployments: [
      { serviceDeploymentArn: DEPLOYMENT, status: "PENDING", createdAt: "2026-11-27T10:00:00Z" },
    ] } },
    { cmd: "ecs describe-service-deployments", seq: deploymentSeq.map(([status, lifecycleStage]) => (
      { out: { serviceDeployments: [{ serviceDeploymentArn: DEPLOYMENT, status, lifecycleStage }] } })) },
    ...h.baseRules(),
  ];
}

test("rollout: new revision, traffic shift, smoke test in the bake time, SUCCESSFUL", async () => {
  const shop = await startShop();
  try {
    const rules = rolloutRules([["IN_PROGRESS", "SCALE_UP"], ["IN_PROGRESS", "BAKE_TIME"], ["SUCCESSFUL", "CLEAN_UP"]]);
    const r = await h.runScriptAsync(DEPLOY, ["--digest", h.DIGEST, "--skip-db-init", "--url", shop.url, "product-service"], { rules });
    assert.equal(r.code, 0, r.stderr);
    const aws = h.callLines(r.calls, "aws");
    assert.ok(aws.some((l) => l.startsWith("aws ecs register-task-definition") && l.includes(`product-service@${h.DIGEST}`)));
    assert.ok(aws.includes(`aws ecs update-service --region us-east-1 --cluster ecommerce-dev --service product-service --task-definition ${TD10} --output json`));
    assert.ok(!aws.some((l) => l.includes("stop-service-deployment")), "no rollback");
    assert.equal(shop.state.orders.length, 1, "one smoke-test order");
    assert.match(r.stdout, /smoke test passed/);
  } finally {
    await shop.close();
  }
});

test("rollout: a failed smoke test rolls back with ECS's rollback of the deployment", async () => {
  const shop = await startShop({ orderStatus: "DECLINED" });
  try {
    const rules = rolloutRules([["IN_PROGRESS", "BAKE_TIME"], ["ROLLBACK_IN_PROGRESS", "PRODUCTION_TRAFFIC_SHIFT"], ["ROLLBACK_SUCCESSFUL", "CLEAN_UP"]]);
    const r = await h.runScriptAsync(DEPLOY, ["--digest", h.DIGEST, "--skip-db-init", "--url", shop.url, "product-service"], { rules });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /smoke test failed/);
    assert.match(r.stderr, /ECS rolled back to the previous revision/);
    const aws = h.callLines(r.calls, "aws");
    assert.ok(aws.includes(`aws ecs stop-service-deployment --region us-east-1 --service-deployment-arn ${DEPLOYMENT} --stop-type ROLLBACK --output json`));
    assert.equal(aws.filter((l) => l.startsWith("aws ecs update-service")).length, 1, "no second update needed");
  } finally {
    await shop.close();
  }
});

test("rollout: without stop-service-deployment rights the previous revision is deployed again", async () => {
  const shop = await startShop({ orderStatus: "DECLINED" });
  try {
    const rules = rolloutRules([["IN_PROGRESS", "BAKE_TIME"], ["SUCCESSFUL", "CLEAN_UP"]]);
    rules.splice(2, 1, { cmd: "ecs stop-service-deployment", exit: 254, stderr: "AccessDeniedException" });
    const r = await h.runScriptAsync(DEPLOY, ["--digest", h.DIGEST, "--skip-db-init", "--url", shop.url, "product-service"], { rules });
    assert.notEqual(r.code, 0);
    const updates = h.callLines(r.calls, "aws").filter((l) => l.startsWith("aws ecs update-service"));
    assert.equal(updates.length, 2);
    assert.ok(updates[1].includes(`--task-definition ${TD7}`), updates[1]);
    assert.match(r.stderr, /rolled back to ecommerce-dev-product-service:7/);
  } finally {
    await shop.close();
  }
});

test("rollout: ECS's alarm rollback fails the deploy without a smoke test", async () => {
  const shop = await startShop();
  try {
    const rules = rolloutRules([["IN_PROGRESS", "SCALE_UP"], ["ROLLBACK_IN_PROGRESS", "BAKE_TIME"], ["ROLLBACK_SUCCESSFUL", "CLEAN_UP"]]);
    const r = await h.runScriptAsync(DEPLOY, ["--digest", h.DIGEST, "--skip-db-init", "--url", shop.url, "product-service"], { rules });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /ECS rolled the deployment back \(alarm or circuit breaker\): ROLLBACK_SUCCESSFUL/);
    assert.equal(shop.state.requests.length, 0, "no smoke test");
  } finally {
    await shop.close();
  }
});

test("db-init: runs the task and fails on a non-zero exit code", () => {
  const task = `arn:aws:ecs:us-east-1:${h.ACCOUNT}:task/ecommerce-dev/t1`;
  const rules = [
    { cmd: "ecs run-task", out: { tasks: [{ taskArn: task }], failures: [] } },
    { cmd: "ecs describe-tasks", out: { tasks: [{ stoppedReason: "Essential container in task exited", containers: [{ name: "db-init", exitCode: 3 }] }] } },
    ...h.baseRules(),
  ];
  const r = h.runScript(DEPLOY, ["--db-init-only"], { rules });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /db-init task t1 failed: exit code 3/);
  const aws = h.callLines(r.calls, "aws");
  assert.ok(aws.includes(`aws ecs wait tasks-stopped --region us-east-1 --cluster ecommerce-dev --tasks ${task}`));
});
