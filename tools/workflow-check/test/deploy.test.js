"use strict";
// scripts/deploy.sh: the exact commands of its dry runs (fake aws answering
// from rules), and its rollouts, rollbacks and off-hours resume in the
// stateful fake account (fake-world/) with the fake shop.
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const h = require("./helpers");
const { handlers } = require("./fake-world/aws");
const { scheduledStop, snapshot, letTimePass } = require("./fake-world/scheduler");
const { buildDigest } = require("./fake-world/docker");

const DEPLOY = "scripts/deploy.sh";
const TD7 = h.taskDefArn("product-service", 7);
const REPO = (s) => `${h.REGISTRY}/ecommerce-dev/${s}`;

function registerInput(image) {
  return JSON.stringify({
    family: "ecommerce-dev-product-service",
    networkMode: "awsvpc",
    cpu: "256",
    memory: "512",
    containerDefinitions: [{ name: "product-service", image, essential: true }],
  });
}

// The rules of a running environment: what deploy.sh reads to see it is not stopped.
function runningRules() {
  return [
    { cmd: "rds describe-db-instances", out: { DBInstances: [{ DBInstanceStatus: "available" }] } },
    { cmd: "ecs list-services", out: { serviceArns: ["product-service", "order-service", "frontend"].map((s) => `arn:aws:ecs:us-east-1:${h.ACCOUNT}:service/ecommerce-dev/${s}`) } },
    ...h.baseRules(),
  ];
}

const DB_INIT = "+ aws ecs run-task --region us-east-1 --cluster ecommerce-dev --task-definition ecommerce-dev-db-init " +
  "--launch-type FARGATE --started-by deploy-db-init " +
  "--network-configuration 'awsvpcConfiguration={subnets=[subnet-a,subnet-b],securityGroups=[sg-tasks],assignPublicIp=DISABLED}'";

test("--help prints the usage and exits 0 without calling anything", async () => {
  const r = await h.runScript(DEPLOY, ["--help"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Usage: scripts\/deploy.sh \[options\] \[SERVICE\.\.\.\]/);
  assert.match(r.stdout, /--dry-run/);
  assert.match(r.stdout, /-e, --env ENV\s+dev \(default\) or prod/);
  assert.deepEqual(r.calls, []);
});

test("dry run of one service: ECR login, buildx build/push to ecommerce-dev/<service>, db-init, register with the digest, update, wait, smoke test", async () => {
  const r = await h.runScript(DEPLOY, ["--dry-run", "--tag", h.TAG, "--url", "http://shop.example", "product-service"], { rules: runningRules() });
  assert.equal(r.code, 0, r.stderr);
  const repo = REPO("product-service");
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
    assert.match(line, /^aws (sts get-caller-identity|ecr describe-images|ecs describe-services|ecs list-services|ecs describe-task-definition|rds describe-db-instances) /, line);
  }
  assert.ok(h.callLines(r.calls, "aws").includes(
    `aws ecr describe-images --region us-east-1 --repository-name ecommerce-dev/product-service --image-ids imageTag=${h.TAG} --output json`));
  assert.deepEqual(h.callLines(r.calls, "docker"), ["docker buildx version"]);
});

test("dry run of all services rolls out product-service, order-service, frontend in that order", async () => {
  const r = await h.runScript(DEPLOY, ["--dry-run", "--tag", h.TAG, "--url", "http://shop.example"], { rules: runningRules() });
  assert.equal(r.code, 0, r.stderr);
  const builds = h.printed(r.stdout).filter((l) => l.startsWith("+ docker buildx build")).map((l) => l.match(/--tag (\S+)/)[1]);
  assert.deepEqual(builds, ["product-service", "order-service", "frontend"].map((s) => `${REPO(s)}:${h.TAG}`));
  const updates = h.printed(r.stdout).filter((l) => l.startsWith("+ aws ecs update-service")).map((l) => l.match(/--service (\S+)/)[1]);
  assert.deepEqual(updates, ["product-service", "order-service", "frontend"]);
  assert.equal(h.printed(r.stdout).filter((l) => l.includes("ecs run-task")).length, 1, "db-init once");
});

test("ECR_REPOSITORY_PREFIX names other repositories", async () => {
  const r = await h.runScript(DEPLOY, ["--dry-run", "--tag", h.TAG, "--url", "http://x", "frontend"], { rules: runningRules(), env: { ECR_REPOSITORY_PREFIX: "shop-dev" } });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(h.printed(r.stdout).some((l) => l.includes(`--tag ${h.REGISTRY}/shop-dev/frontend:${h.TAG}`)));
});

test("rollback dry run: an earlier digest already in ECR, no build, no db-init", async () => {
  const rules = runningRules();
  rules.push({ cmd: "ecr describe-images", has: ["ecommerce-dev/product-service", "imageDigest=" + h.DIGEST], out: { imageDetails: [{ imageDigest: h.DIGEST, imageTags: ["old"] }] } });
  rules.unshift(rules.pop());
  const r = await h.runScript(DEPLOY, ["--dry-run", "--env", "dev", "--digest", h.DIGEST, "--skip-db-init", "--url", "http://shop.example", "product-service"], { rules });
  assert.equal(r.code, 0, r.stderr);
  const lines = h.printed(r.stdout);
  assert.equal(lines[0], `+ aws ecs register-task-definition --region us-east-1 --cli-input-json '${registerInput(`${REPO("product-service")}@${h.DIGEST}`)}'`);
  assert.ok(lines.some((l) => l.startsWith("+ aws ecs update-service") && l.includes("--service product-service")));
  assert.ok(!lines.some((l) => l.includes("docker") || l.includes("run-task")));
  assert.ok(h.callLines(r.calls, "aws").includes(
    `aws ecr describe-images --region us-east-1 --repository-name ecommerce-dev/product-service --image-ids imageDigest=${h.DIGEST} --output json`));
});

test("CI artifacts dry run: skopeo copies the OCI archive keeping its digest", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "artifacts-"));
  fs.writeFileSync(path.join(dir, "frontend.oci.tar"), "x");
  fs.writeFileSync(path.join(dir, "frontend.digest"), h.BUILD_DIGEST + "\n");
  const r = await h.runScript(DEPLOY, ["--dry-run", "--artifacts", dir, "--tag", h.TAG, "--skip-db-init", "--no-smoke-test", "frontend"], { rules: runningRules() });
  assert.equal(r.code, 0, r.stderr);
  const lines = h.printed(r.stdout);
  assert.equal(lines[1], `+ skopeo copy --all --preserve-digests --retry-times 3 --dest-authfile ${r.dir}/.docker/config.json ` +
    `oci-archive:${dir}/frontend.oci.tar docker://${REPO("frontend")}:${h.TAG}`);
  assert.ok(lines.some((l) => l.includes(`${REPO("frontend")}@${h.BUILD_DIGEST}`)), "task definition pins the built digest");
  assert.ok(!lines.some((l) => l.includes("smoke-test")));
});

test("clear errors: unknown service, bad digest, missing aws, missing region, no credentials, staging", async () => {
  let r = await h.runScript(DEPLOY, ["--dry-run", "cart-service"]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /unknown service 'cart-service'/);

  r = await h.runScript(DEPLOY, ["--dry-run", "--digest", "sha256:xyz", "frontend"]);
  assert.match(r.stderr, /--digest must look like sha256:<64 hex digits>/);

  r = await h.runScript(DEPLOY, ["--dry-run", "--digest", h.DIGEST]);
  assert.match(r.stderr, /--digest rolls out one service/);

  r = await h.runScript(DEPLOY, ["--dry-run"], { path: "/usr/bin:/bin" });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /'aws' is not installed or not on PATH/);

  r = await h.runScript(DEPLOY, ["--dry-run", "--url", "http://x"], { env: { AWS_REGION: "", AWS_DEFAULT_REGION: "" } });
  assert.match(r.stderr, /no AWS region: pass --region or set AWS_REGION/);

  const rules = [{ cmd: "sts get-caller-identity", exit: 255, stderr: "Unable to locate credentials" }];
  r = await h.runScript(DEPLOY, ["--dry-run", "--url", "http://x"], { rules });
  assert.match(r.stderr, /no usable AWS credentials/);

  for (const env of ["qa", "staging"]) {
    r = await h.runScript(DEPLOY, ["--dry-run", "--env", env]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, new RegExp(`unknown environment '${env}' \\(expected dev or prod\\)`));
    assert.deepEqual(r.calls, []);
  }
});

test("db-init: runs the task and fails on a non-zero exit code", async () => {
  const task = `arn:aws:ecs:us-east-1:${h.ACCOUNT}:task/ecommerce-dev/t1`;
  const rules = [
    { cmd: "ecs run-task", out: { tasks: [{ taskArn: task }], failures: [] } },
    { cmd: "ecs wait tasks-stopped", out: "" },
    { cmd: "ecs describe-tasks", out: { tasks: [{ stoppedReason: "Essential container in task exited", containers: [{ name: "db-init", exitCode: 3 }] }] } },
    ...runningRules(),
  ];
  const r = await h.runScript(DEPLOY, ["--db-init-only"], { rules });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /db-init task t1 failed: exit code 3/);
  const aws = h.callLines(r.calls, "aws");
  assert.ok(aws.includes(`aws ecs wait tasks-stopped --region us-east-1 --cluster ecommerce-dev --tasks ${task}`));
});

// ---- in the stateful fake account ------------------------------------------------------

// An image in ECR, pushed like CI does (skopeo, keeping the build's digest).
function ciArchive(base, tag, services) {
  const dir = fs.mkdtempSync(path.join(base, "artifacts-"));
  const digests = {};
  for (const s of services) {
    digests[s] = buildDigest(`ci/${s}`, tag);
    fs.writeFileSync(path.join(dir, `${s}.oci.tar`), "oci");
    fs.writeFileSync(path.join(dir, `${s}.digest`), `${digests[s]}\n`);
  }
  return { dir, digests };
}

function deployArgs(w, tag, services, extra = []) {
  const a = ciArchive(w.dir, tag, services);
  return { args: ["--env", "dev", "--url", w.shops.dev.url, "--tag", tag, "--artifacts", a.dir, "--skip-db-init", ...extra, ...services], digests: a.digests };
}

test("rollout: new revision, traffic shift, the smoke test during the bake time, SUCCESSFUL", async () => {
  const w = await h.provisionedWorld();
  try {
    const { args, digests } = deployArgs(w, "f00d001", ["product-service"]);
    const r = await w.run(DEPLOY, args);
    assert.equal(r.code, 0, r.stderr);
    const cmds = h.commandsOf(r.calls, { http: true });
    // The smoke test's requests come after production traffic moved (BAKE_TIME) and before SUCCESSFUL.
    const firstHttp = cmds.findIndex((c) => c.startsWith("http "));
    const lastHttp = cmds.length - 1 - [...cmds].reverse().findIndex((c) => c.startsWith("http "));
    const describes = cmds.map((c, i) => [c, i]).filter(([c]) => c === "aws ecs describe-service-deployments").map(([, i]) => i);
    assert.equal(describes.filter((i) => i < firstHttp).length, 4, "PENDING..SCALE_UP, ..TEST_TRAFFIC_SHIFT, ..PRODUCTION_TRAFFIC_SHIFT, BAKE_TIME");
    assert.equal(describes.filter((i) => i > lastHttp).length, 3, "BAKE_TIME, CLEAN_UP, SUCCESSFUL");
    assert.ok(!cmds.includes("aws ecs stop-service-deployment"), "no rollback");
    const world = w.read();
    assert.equal(snapshot(world, "dev").services["product-service"].taskDefinition, "ecommerce-dev-product-service:2");
    const td = world.ecs.taskDefinitions["ecommerce-dev-product-service"][1];
    assert.equal(td.body.containerDefinitions[0].image, `${REPO("product-service")}@${digests["product-service"]}`);
    assert.match(r.stdout, /smoke test passed/);
  } finally {
    await w.close();
  }
});

test("rollout: a failed smoke test rolls back with ECS's rollback of the deployment", async () => {
  const w = await h.provisionedWorld();
  try {
    w.update((x) => x.config.defects.push({ service: "order-service", tag: "bad", defect: "checkout-500" }));
    const r = await w.run(DEPLOY, deployArgs(w, "bad", ["order-service"]).args);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /order-service: smoke test failed/);
    assert.match(r.stderr, /order-service: ECS rolled back to the previous revision/);
    const cmds = h.commandsOf(r.calls);
    assert.equal(cmds.filter((c) => c === "aws ecs update-service").length, 1, "no second update needed");
    assert.equal(cmds.filter((c) => c === "aws ecs stop-service-deployment").length, 1);
    const s = snapshot(w.read(), "dev").services["order-service"];
    assert.deepEqual([s.taskDefinition, s.serving], ["ecommerce-dev-order-service:1", "ecommerce-dev-order-service:1"]);
    assert.equal(w.shops.dev.ordersByStatus().CONFIRMED, undefined);
  } finally {
    await w.close();
  }
});

test("rollout: without stop-service-deployment rights the previous revision is deployed again", async () => {
  const w = await h.provisionedWorld();
  try {
    const all = [...new Set(Object.values(handlers).map((x) => x.action))];
    w.update((x) => {
      x.config.defects.push({ service: "order-service", tag: "bad", defect: "checkout-500" });
      x.config.identities.deploy = { arn: `arn:aws:sts::${h.ACCOUNT}:assumed-role/ecommerce-dev-github-deploy/d`, userId: "AROA:d" };
      x.config.identity = "deploy";
      x.config.permissions = { deploy: all.filter((a) => a !== "ecs:StopServiceDeployment") };
    });
    const r = await w.run(DEPLOY, deployArgs(w, "bad", ["order-service"]).args);
    assert.notEqual(r.code, 0);
    const updates = r.calls.filter((c) => c.tool === "aws" && c.args[1] === "update-service");
    assert.equal(updates.length, 2);
    assert.ok(updates[1].args.includes(h.taskDefArn("order-service", 1)), updates[1].args.join(" "));
    assert.ok(r.calls.some((c) => c.args[1] === "stop-service-deployment" && c.exit === 254), "refused: AccessDeniedException");
    assert.match(r.stderr, /rolled back to ecommerce-dev-order-service:1/);
    assert.equal(snapshot(w.read(), "dev").services["order-service"].taskDefinition, "ecommerce-dev-order-service:1");
  } finally {
    await w.close();
  }
});

test("rollout: new tasks that cannot start (the NAT instance died) make ECS roll back before any traffic: no smoke test", async () => {
  const w = await h.provisionedWorld();
  try {
    w.update((x) => {
      for (const i of Object.values(x.ec2.instances)) i.state = "stopped";
    });
    const before = w.shops.dev.state.requests.length;
    const r = await w.run(DEPLOY, deployArgs(w, "f00d002", ["frontend"]).args);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /ECS rolled the deployment back \(alarm or circuit breaker\): ROLLBACK_SUCCESSFUL/);
    assert.equal(w.shops.dev.state.requests.length, before, "no smoke test");
    assert.equal(snapshot(w.read(), "dev").services.frontend.taskDefinition, "ecommerce-dev-frontend:1");
  } finally {
    await w.close();
  }
});

test("a deploy outside business hours: dry run prints the resume, the rollout and the pause, and changes nothing", async () => {
  const w = await h.provisionedWorld();
  try {
    w.update((x) => scheduledStop(x, "dev"));
    const before = w.read();
    const r = await w.run(DEPLOY, ["--dry-run", "--env", "dev", "--url", w.shops.dev.url, "--tag", "f00d003", "frontend"]);
    assert.equal(r.code, 0, r.stderr);
    const nat = Object.keys(before.ec2.instances)[0];
    const lines = h.printed(r.stdout);
    const resume = [
      `+ aws ec2 start-instances --region us-east-1 --instance-ids ${nat} --output json`,
      "+ aws rds start-db-instance --region us-east-1 --db-instance-identifier ecommerce-dev --output json",
      "+ aws rds wait db-instance-available --region us-east-1 --db-instance-identifier ecommerce-dev",
      ...["frontend", "order-service", "product-service"].map((s) => `+ aws ecs update-service --region us-east-1 --cluster ecommerce-dev --service ${s} --desired-count 1 --output json`),
      "+ aws ecs wait services-stable --region us-east-1 --cluster ecommerce-dev --services frontend order-service product-service",
    ];
    assert.deepEqual(lines.slice(2, 2 + resume.length), resume, lines.join("\n"));
    const pause = [];
    for (const svc of ["frontend", "order-service", "product-service"]) {
      pause.push(`+ aws ssm put-parameter --region us-east-1 --name /ecommerce-dev/scheduler/desired-count/${svc} --type String --value 1 --overwrite --description 'Desired count of ECS service ${svc} before the pause'`);
      pause.push(`+ aws ecs update-service --region us-east-1 --cluster ecommerce-dev --service ${svc} --desired-count 0 --output json`);
    }
    pause.push("+ aws rds stop-db-instance --region us-east-1 --db-instance-identifier ecommerce-dev --output json");
    pause.push(`+ aws ec2 stop-instances --region us-east-1 --instance-ids ${nat} --output json`);
    pause.push("# dev is stopped again afterwards, as it was found");
    assert.deepEqual(lines.slice(-pause.length), pause);
    assert.equal(lines.filter((l) => l.includes("+ scripts/smoke-test.sh")).length, 1);
    assert.ok(lines.indexOf("+ scripts/smoke-test.sh " + w.shops.dev.url) < lines.length - pause.length, "the smoke test before the pause");
    for (const c of h.commandsOf(r.calls)) assert.doesNotMatch(c, /^aws \S+ (create|put|start|stop|update|register|run)-/, `${c} under --dry-run`);
    const after = w.read();
    assert.deepEqual(snapshot(after, "dev"), snapshot(before, "dev"));
  } finally {
    await w.close();
  }
});

test("a deploy outside business hours, for real: resumed with scaling left suspended, deployed, stopped again (one service)", async () => {
  const w = await h.provisionedWorld();
  try {
    w.update((x) => scheduledStop(x, "dev"));
    const r = await w.run(DEPLOY, deployArgs(w, "f00d004", ["frontend"]).args);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /dev is stopped .*resuming it for this deployment/);
    assert.match(r.stderr, /dev stopped again, as the schedule expects outside business hours/);
    assert.ok(!h.commandsOf(r.calls).includes("aws application-autoscaling register-scalable-target"), "scaling stays suspended");
    w.update((x) => letTimePass(x));
    const s = snapshot(w.read(), "dev");
    assert.deepEqual([s.database, s.nat], ["stopped", ["stopped"]]);
    assert.deepEqual(Object.values(s.services).map((x) => [x.desired, x.scalingSuspended]), [[0, true], [0, true], [0, true]]);
    assert.equal(s.services.frontend.taskDefinition, "ecommerce-dev-frontend:2");
  } finally {
    await w.close();
  }
});

test("a failed deploy outside business hours still stops the environment again", async () => {
  const w = await h.provisionedWorld();
  try {
    w.update((x) => {
      scheduledStop(x, "dev");
      x.config.defects.push({ service: "order-service", tag: "bad", defect: "checkout-500" });
    });
    const r = await w.run(DEPLOY, deployArgs(w, "bad", ["order-service"]).args);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /deployment to dev failed and was rolled back/);
    assert.match(r.stderr, /dev stopped again/);
    w.update((x) => letTimePass(x));
    const s = snapshot(w.read(), "dev");
    assert.deepEqual([s.database, s.services["order-service"].desired, s.services["order-service"].taskDefinition], ["stopped", 0, "ecommerce-dev-order-service:1"]);
  } finally {
    await w.close();
  }
});
