"use strict";
// scripts/teardown.sh and scripts/setup.sh: dry runs and real runs in the
// stateful fake account (fake-world/), a few refusals with rule answers.
const test = require("node:test");
const assert = require("node:assert/strict");
const h = require("./helpers");
const { scheduledStop, scheduledStart, snapshot, letTimePass } = require("./fake-world/scheduler");

const SERVICES = ["frontend", "order-service", "product-service"];
const PREFIX = "/ecommerce-dev/scheduler/desired-count";
const SUSPEND = (v) => `DynamicScalingInSuspended=${v},DynamicScalingOutSuspended=${v},ScheduledScalingSuspended=${v}`;
const BUCKET = `ecommerce-tfstate-${h.ACCOUNT}`;

function natOf(w) {
  return Object.keys(w.read().ec2.instances)[0];
}

test("teardown --help", async () => {
  const r = await h.runScript("scripts/teardown.sh", ["--help"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Usage: scripts\/teardown.sh pause\|resume\|destroy/);
  assert.match(r.stdout, /-e, --env ENV\s+dev \(default\) or prod/);
  assert.deepEqual(r.calls, []);
});

test("teardown pause: dry run prints the scheduler's protocol; the real pause leaves what the scheduler's start resumes", async () => {
  const w = await h.provisionedWorld();
  try {
    w.update((x) => {
      for (const s of Object.values(x.ecs.services)) s.desiredCount = 2;
      letTimePass(x, 60);
    });
    const nat = natOf(w);
    let r = await w.run("scripts/teardown.sh", ["pause", "--dry-run"]);
    assert.equal(r.code, 0, r.stderr);
    const expected = [];
    for (const s of SERVICES) {
      expected.push(`+ aws ssm put-parameter --region us-east-1 --name ${PREFIX}/${s} --type String --value 2 --overwrite --description 'Desired count of ECS service ${s} before the pause'`);
      expected.push(`+ aws application-autoscaling register-scalable-target --region us-east-1 --service-namespace ecs --scalable-dimension ecs:service:DesiredCount --resource-id service/ecommerce-dev/${s} --suspended-state ${SUSPEND("true")}`);
      expected.push(`+ aws ecs update-service --region us-east-1 --cluster ecommerce-dev --service ${s} --desired-count 0 --output json`);
    }
    expected.push("+ aws rds stop-db-instance --region us-east-1 --db-instance-identifier ecommerce-dev --output json");
    expected.push(`+ aws ec2 stop-instances --region us-east-1 --instance-ids ${nat} --output json`);
    assert.deepEqual(h.printed(r.stdout), expected);
    assert.ok(r.calls.some((c) => c.args.join(" ") ===
      "ec2 describe-instances --region us-east-1 --filters Name=tag:Name,Values=ecommerce-dev-nat-instance Name=instance-state-name,Values=pending,running --output json"));

    r = await w.run("scripts/teardown.sh", ["pause"]);
    assert.equal(r.code, 0, r.stderr);
    w.update((x) => letTimePass(x));
    assert.deepEqual(snapshot(w.read(), "dev"), {
      services: Object.fromEntries(["product-service", "order-service", "frontend"].map((s) => [s, { desired: 0, running: 0, taskDefinition: `ecommerce-dev-${s}:1`, serving: `ecommerce-dev-${s}:1`, scalingSuspended: true }])),
      database: "stopped",
      nat: ["stopped"],
      remembered: { "product-service": 2, "order-service": 2, frontend: 2 },
    });
    // The scheduler's morning start resumes a manual pause.
    w.update((x) => { scheduledStart(x, "dev"); letTimePass(x, 60); });
    assert.deepEqual(Object.values(snapshot(w.read(), "dev").services).map((s) => [s.desired, s.running, s.scalingSuspended]), [[2, 2, false], [2, 2, false], [2, 2, false]]);
  } finally {
    await w.close();
  }
});

test("teardown resume: dry run, then for real, of what the scheduler stopped: NAT, RDS (waited), remembered counts, scaling resumed, stable", async () => {
  const w = await h.provisionedWorld();
  try {
    w.update((x) => scheduledStop(x, "dev"));
    const nat = natOf(w);
    let r = await w.run("scripts/teardown.sh", ["resume", "--dry-run"]);
    assert.equal(r.code, 0, r.stderr);
    const expected = [
      `+ aws ec2 start-instances --region us-east-1 --instance-ids ${nat} --output json`,
      "+ aws rds start-db-instance --region us-east-1 --db-instance-identifier ecommerce-dev --output json",
      "+ aws rds wait db-instance-available --region us-east-1 --db-instance-identifier ecommerce-dev",
    ];
    for (const s of SERVICES) {
      expected.push(`+ aws ecs update-service --region us-east-1 --cluster ecommerce-dev --service ${s} --desired-count 1 --output json`);
      expected.push(`+ aws application-autoscaling register-scalable-target --region us-east-1 --service-namespace ecs --scalable-dimension ecs:service:DesiredCount --resource-id service/ecommerce-dev/${s} --suspended-state ${SUSPEND("false")}`);
    }
    expected.push(`+ aws ecs wait services-stable --region us-east-1 --cluster ecommerce-dev --services ${SERVICES.join(" ")}`);
    assert.deepEqual(h.printed(r.stdout), expected);

    r = await w.run("scripts/teardown.sh", ["resume"]);
    assert.equal(r.code, 0, r.stderr);
    const s = snapshot(w.read(), "dev");
    assert.deepEqual([s.database, s.nat], ["available", ["running"]]);
    assert.deepEqual(Object.values(s.services).map((x) => [x.desired, x.running, x.scalingSuspended]), [[1, 1, false], [1, 1, false], [1, 1, false]]);
  } finally {
    await w.close();
  }
});

test("teardown resume right after a pause waits for RDS and the NAT instance to finish stopping before starting them", async () => {
  const w = await h.provisionedWorld();
  try {
    let r = await w.run("scripts/teardown.sh", ["pause"]);
    assert.equal(r.code, 0, r.stderr);
    const s = snapshot(w.read(), "dev");
    assert.deepEqual([s.database, s.nat], ["stopping", ["stopping"]], "still stopping");
    r = await w.run("scripts/teardown.sh", ["resume"]);
    assert.equal(r.code, 0, r.stderr);
    const cmds = h.commandsOf(r.calls);
    assert.ok(cmds.indexOf("aws ec2 wait instance-stopped") < cmds.indexOf("aws ec2 start-instances"));
    assert.ok(cmds.filter((c) => c === "aws rds describe-db-instances").length > 2, "polled until stopped");
    assert.ok(r.calls.every((c) => c.exit === 0), "no InvalidDBInstanceState / IncorrectInstanceState");
    assert.equal(snapshot(w.read(), "dev").database, "available");
  } finally {
    await w.close();
  }
});

test("teardown destroy refuses without the typed confirmation and changes nothing", async () => {
  const w = await h.provisionedWorld();
  try {
    for (const stdin of ["", "yes\n", "destroy prod\n"]) {
      const r = await w.run("scripts/teardown.sh", ["destroy"], { stdin });
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /confirmation did not match "destroy dev": nothing was destroyed/);
      assert.deepEqual(h.printed(r.stdout), []);
      assert.ok(!h.commandsOf(r.calls).some((l) => /create-db-snapshot|terraform|destroy/.test(l)), "no snapshot, no terraform");
    }
    const r = await w.run("scripts/teardown.sh", ["destroy", "--confirm", "destroy"]);
    assert.notEqual(r.code, 0);
    assert.ok(!h.commandsOf(r.calls).some((l) => l.startsWith("terraform")));
  } finally {
    await w.close();
  }
});

test("teardown destroy with the confirmation: final snapshot, then terraform destroy of this environment's state", async () => {
  const w = await h.provisionedWorld();
  try {
    w.update((x) => scheduledStop(x, "dev"));
    let r = await w.run("scripts/teardown.sh", ["destroy", "--dry-run"], { stdin: "destroy dev\n" });
    assert.equal(r.code, 0, r.stderr);
    const lines = h.printed(r.stdout);
    assert.equal(lines[0], "+ aws rds start-db-instance --region us-east-1 --db-instance-identifier ecommerce-dev --output json");
    assert.equal(lines[1], "+ aws rds wait db-instance-available --region us-east-1 --db-instance-identifier ecommerce-dev");
    assert.match(lines[2], /^\+ aws rds create-db-snapshot --region us-east-1 --db-instance-identifier ecommerce-dev --db-snapshot-identifier ecommerce-dev-teardown-\d{14} --tags Key=Environment,Value=dev --output json$/);
    assert.match(lines[3], /^\+ aws rds wait db-snapshot-available --region us-east-1 --db-snapshot-identifier ecommerce-dev-teardown-\d{14}$/);
    assert.deepEqual(lines.slice(4), [
      `+ terraform -chdir=terraform init -input=false -reconfigure -backend-config=bucket=${BUCKET} -backend-config=key=ecommerce/dev/terraform.tfstate -backend-config=region=us-east-1`,
      `+ terraform -chdir=terraform destroy -input=false -var-file=envs/dev.tfvars -var state_bucket=${BUCKET} -auto-approve`,
    ]);

    r = await w.run("scripts/teardown.sh", ["destroy", "--confirm", "destroy dev"]);
    assert.equal(r.code, 0, r.stderr);
    const world = w.read();
    assert.deepEqual([world.ecr.repositories, world.ecs.clusters, world.rds.instances], [{}, {}, {}]);
    assert.deepEqual(Object.keys(world.rds.snapshots).length, 1, "the final snapshot remains");
    assert.ok(world.s3.buckets[BUCKET], "the state bucket remains");
  } finally {
    await w.close();
  }
});

test("teardown destroy of prod needs --allow-prod; staging is no environment", async () => {
  let r = await h.runScript("scripts/teardown.sh", ["destroy", "--env", "prod", "--confirm", "destroy prod", "--dry-run"], {
    rules: [{ cmd: "sts get-caller-identity", out: { Account: h.ACCOUNT } }],
  });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /refusing to destroy prod without --allow-prod/);
  assert.deepEqual(h.printed(r.stdout), []);
  r = await h.runScript("scripts/teardown.sh", ["pause", "--env", "staging"]);
  assert.match(r.stderr, /unknown environment 'staging' \(expected dev or prod\)/);
  assert.deepEqual(r.calls, []);
});

test("teardown: no action, unknown argument", async () => {
  let r = await h.runScript("scripts/teardown.sh", []);
  assert.match(r.stderr, /name an action: pause, resume or destroy/);
  r = await h.runScript("scripts/teardown.sh", ["pause", "--force"]);
  assert.match(r.stderr, /unknown argument: --force/);
});

test("setup --help", async () => {
  const r = await h.runScript("scripts/setup.sh", ["--help"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /From an empty AWS account to a live, smoke-tested shop/);
  assert.match(r.stdout, /-e, --env ENV\s+dev \(default\) or prod/);
});

test("setup dry run on an empty account: state bucket, init, ECR first, bootstrap images, apply, then what it would run; nothing changes", async () => {
  const w = await h.newWorld();
  try {
    const r = await w.run("scripts/setup.sh", ["--dry-run", "--auto-approve"]);
    assert.equal(r.code, 0, r.stderr);
    const lines = h.printed(r.stdout);
    const builds = lines.filter((l) => l.startsWith("+ docker buildx build"));
    assert.deepEqual(builds.map((b) => b.match(/--tag (\S+)/)[1]), ["product-service", "order-service", "frontend"].map((s) => `${h.REGISTRY}/ecommerce-dev/${s}:bootstrap`));
    const policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{
        Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*",
        Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      }],
    });
    assert.deepEqual(lines.filter((l) => !l.startsWith("+ docker buildx build")), [
      `+ aws s3api create-bucket --bucket ${BUCKET} --region us-east-1 --output json`,
      `+ aws s3api put-bucket-versioning --bucket ${BUCKET} --versioning-configuration Status=Enabled`,
      `+ aws s3api put-bucket-encryption --bucket ${BUCKET} --server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}'`,
      `+ aws s3api put-public-access-block --bucket ${BUCKET} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`,
      `+ aws s3api put-bucket-policy --bucket ${BUCKET} --policy '${policy}'`,
      `+ terraform -chdir=terraform init -input=false -reconfigure -backend-config=bucket=${BUCKET} -backend-config=key=ecommerce/dev/terraform.tfstate -backend-config=region=us-east-1`,
      `+ terraform -chdir=terraform apply -input=false -var-file=envs/dev.tfvars -var state_bucket=${BUCKET} -auto-approve -target=module.ecr`,
      `+ aws ecr get-login-password --region us-east-1 | docker login --username AWS --password-stdin ${h.REGISTRY}`,
      `+ terraform -chdir=terraform apply -input=false -var-file=envs/dev.tfvars -var state_bucket=${BUCKET} -auto-approve`,
      "+ terraform -chdir=terraform output -raw db_init_run_task_command",
      "# run that command (aws ecs run-task ... db-init), wait until the task stops and check its exit code",
      "# wait until the services are stable and the shop answers at terraform output -raw url",
      "+ aws secretsmanager get-secret-value --region us-east-1 --secret-id '<terraform output -raw admin_api_key_secret_arn>' --output json",
      "+ env 'ADMIN_API_KEY=<SecretString of that secret>' python3 scripts/lib/load_demo.py '<url>' - services/product-service/demo/catalog.json",
      "+ scripts/smoke-test.sh '<url>'",
    ]);
    assert.match(r.stderr, /github_repository is still example-org/);
    assert.deepEqual(h.commandsOf(r.calls).filter((c) => !/^aws (sts|s3api head-bucket|ecr describe-images|iam list-open-id-connect-providers)|^terraform version|^docker buildx version/.test(c)), [], "only reads");
    assert.deepEqual(w.read().s3.buckets, {});
  } finally {
    await w.close();
  }
});

test("setup: old Terraform, a missing aws and staging are refused", async () => {
  const rules = [
    { cmd: "sts get-caller-identity", out: { Account: h.ACCOUNT } },
    { tool: "terraform", cmd: "version", out: { terraform_version: "1.9.8" } },
  ];
  let r = await h.runScript("scripts/setup.sh", ["--dry-run"], { rules });
  assert.match(r.stderr, /Terraform 1.9.8 is too old/);

  for (const env of ["nope", "staging"]) {
    r = await h.runScript("scripts/setup.sh", ["--dry-run", "--env", env]);
    assert.match(r.stderr, new RegExp(`unknown environment '${env}' \\(expected dev or prod\\)`));
    assert.deepEqual(r.calls, []);
  }
  r = await h.runScript("scripts/setup.sh", ["--dry-run"], { path: "/usr/bin:/bin" });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /'aws' is not installed or not on PATH/);
});

test("setup: a state bucket name another account owns is refused with a hint", async () => {
  const w = await h.newWorld();
  try {
    w.update((x) => {
      x.s3.buckets[BUCKET] = { owner: "999999999999", region: "us-east-1", objects: {} };
    });
    const r = await w.run("scripts/setup.sh", ["--auto-approve"]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /the bucket ecommerce-tfstate-123456789012 exists but belongs to another account .*TF_STATE_BUCKET/);
    assert.ok(!h.commandsOf(r.calls).some((c) => c.startsWith("terraform ") && c !== "terraform version"));
  } finally {
    await w.close();
  }
});
