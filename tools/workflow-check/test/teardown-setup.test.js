"use strict";
// scripts/teardown.sh and scripts/setup.sh with fake aws/terraform/docker.
const test = require("node:test");
const assert = require("node:assert/strict");
const h = require("./helpers");

const SERVICES = ["frontend", "order-service", "product-service"];
const PREFIX = "/ecommerce-dev/scheduler/desired-count";

function envRules({ desired = 1, db = "available", nat = ["i-0nat"], remembered = {} } = {}) {
  return [
    { cmd: "sts get-caller-identity", out: { Account: h.ACCOUNT } },
    { cmd: "ecs list-services", out: { serviceArns: SERVICES.map((s) => `arn:aws:ecs:us-east-1:${h.ACCOUNT}:service/ecommerce-dev/${s}`) } },
    { cmd: "ecs describe-services", out: { services: SERVICES.map((s) => ({ serviceName: s, status: "ACTIVE", desiredCount: desired })) } },
    { cmd: "application-autoscaling describe-scalable-targets", out: { ScalableTargets: SERVICES.map((s) => ({ ResourceId: `service/ecommerce-dev/${s}` })) } },
    { cmd: "rds describe-db-instances", ...(db ? { out: { DBInstances: [{ DBInstanceStatus: db }] } } : { exit: 254, stderr: "DBInstanceNotFound" }) },
    { cmd: "ec2 describe-instances", out: { Reservations: [{ Instances: nat.map((id) => ({ InstanceId: id })) }] } },
    { cmd: "ssm get-parameters-by-path", out: { Parameters: Object.entries(remembered).map(([s, v]) => ({ Name: `${PREFIX}/${s}`, Value: String(v) })) } },
  ];
}

const SUSPEND = (v) => `DynamicScalingInSuspended=${v},DynamicScalingOutSuspended=${v},ScheduledScalingSuspended=${v}`;

test("teardown --help", () => {
  const r = h.runScript("scripts/teardown.sh", ["--help"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Usage: scripts\/teardown.sh pause\|resume\|destroy/);
  assert.deepEqual(r.calls, []);
});

test("teardown pause dry run: remember counts, suspend scaling, scale to 0, stop RDS and the NAT instance", () => {
  const r = h.runScript("scripts/teardown.sh", ["pause", "--dry-run"], { rules: envRules({ desired: 2 }) });
  assert.equal(r.code, 0, r.stderr);
  const expected = [];
  for (const s of SERVICES) {
    expected.push(`+ aws ssm put-parameter --region us-east-1 --name ${PREFIX}/${s} --type String --value 2 --overwrite --description 'Desired count of ECS service ${s} before the pause'`);
    expected.push(`+ aws application-autoscaling register-scalable-target --region us-east-1 --service-namespace ecs --scalable-dimension ecs:service:DesiredCount --resource-id service/ecommerce-dev/${s} --suspended-state ${SUSPEND("true")}`);
    expected.push(`+ aws ecs update-service --region us-east-1 --cluster ecommerce-dev --service ${s} --desired-count 0 --output json`);
  }
  expected.push("+ aws rds stop-db-instance --region us-east-1 --db-instance-identifier ecommerce-dev --output json");
  expected.push("+ aws ec2 stop-instances --region us-east-1 --instance-ids i-0nat --output json");
  assert.deepEqual(h.printed(r.stdout), expected);
  assert.ok(h.callLines(r.calls, "aws").includes(
    "aws ec2 describe-instances --region us-east-1 --filters Name=tag:Name,Values=ecommerce-dev-nat-instance Name=instance-state-name,Values=pending,running --output json"));
});

test("teardown resume dry run: NAT, RDS (waited), remembered counts, scaling resumed, services stable", () => {
  const r = h.runScript("scripts/teardown.sh", ["resume", "--dry-run"], {
    rules: envRules({ desired: 0, db: "stopped", remembered: { frontend: 1, "order-service": 2, "product-service": 3 } }),
  });
  assert.equal(r.code, 0, r.stderr);
  const expected = [
    "+ aws ec2 start-instances --region us-east-1 --instance-ids i-0nat --output json",
    "+ aws rds start-db-instance --region us-east-1 --db-instance-identifier ecommerce-dev --output json",
    "+ aws rds wait db-instance-available --region us-east-1 --db-instance-identifier ecommerce-dev",
  ];
  const counts = { frontend: 1, "order-service": 2, "product-service": 3 };
  for (const s of SERVICES) {
    expected.push(`+ aws ecs update-service --region us-east-1 --cluster ecommerce-dev --service ${s} --desired-count ${counts[s]} --output json`);
    expected.push(`+ aws application-autoscaling register-scalable-target --region us-east-1 --service-namespace ecs --scalable-dimension ecs:service:DesiredCount --resource-id service/ecommerce-dev/${s} --suspended-state ${SUSPEND("false")}`);
  }
  expected.push(`+ aws ecs wait services-stable --region us-east-1 --cluster ecommerce-dev --services ${SERVICES.join(" ")}`);
  assert.deepEqual(h.printed(r.stdout), expected);
});

test("teardown destroy refuses without the typed confirmation and changes nothing", () => {
  for (const stdin of ["", "yes\n", "destroy prod\n"]) {
    const r = h.runScript("scripts/teardown.sh", ["destroy"], { rules: envRules(), stdin });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /confirmation did not match "destroy dev": nothing was destroyed/);
    assert.deepEqual(h.printed(r.stdout), []);
    assert.ok(!h.callLines(r.calls).some((l) => /create-db-snapshot|terraform|destroy/.test(l)), "no snapshot, no terraform");
  }
  const r = h.runScript("scripts/teardown.sh", ["destroy", "--confirm", "destroy"], { rules: envRules() });
  assert.notEqual(r.code, 0);
  assert.ok(!h.callLines(r.calls).some((l) => l.startsWith("terraform")));
});

test("teardown destroy with the confirmation: final snapshot, then terraform destroy of this environment's state", () => {
  const r = h.runScript("scripts/teardown.sh", ["destroy", "--dry-run"], { rules: envRules({ db: "stopped" }), stdin: "destroy dev\n" });
  assert.equal(r.code, 0, r.stderr);
  const lines = h.printed(r.stdout);
  assert.equal(lines[0], "+ aws rds start-db-instance --region us-east-1 --db-instance-identifier ecommerce-dev --output json");
  assert.equal(lines[1], "+ aws rds wait db-instance-available --region us-east-1 --db-instance-identifier ecommerce-dev");
  assert.match(lines[2], /^\+ aws rds create-db-snapshot --region us-east-1 --db-instance-identifier ecommerce-dev --db-snapshot-identifier ecommerce-dev-teardown-\d{14} --tags Key=Environment,Value=dev --output json$/);
  assert.match(lines[3], /^\+ aws rds wait db-snapshot-available --region us-east-1 --db-snapshot-identifier ecommerce-dev-teardown-\d{14}$/);
  assert.deepEqual(lines.slice(4), [
    `+ terraform -chdir=terraform init -input=false -reconfigure -backend-config=bucket=ecommerce-tfstate-${h.ACCOUNT} -backend-config=key=ecommerce/dev/terraform.tfstate -backend-config=region=us-east-1`,
    "+ terraform -chdir=terraform destroy -input=false -var-file=envs/dev.tfvars -auto-approve",
  ]);
});

test("teardown destroy of prod needs --allow-prod", () => {
  const r = h.runScript("scripts/teardown.sh", ["destroy", "--env", "prod", "--confirm", "destroy prod", "--dry-run"], { rules: envRules() });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /refusing to destroy prod without --allow-prod/);
  assert.deepEqual(h.printed(r.stdout), []);
});

test("teardown: no action, unknown argument", () => {
  let r = h.runScript("scripts/teardown.sh", []);
  assert.match(r.stderr, /name an action: pause, resume or destroy/);
  r = h.runScript("scripts/teardown.sh", ["pause", "--force"]);
  assert.match(r.stderr, /unknown argument: --force/);
});

function setupRules(bucketExists) {
  return [
    { cmd: "sts get-caller-identity", out: { Account: h.ACCOUNT } },
    { cmd: "s3api head-bucket", ...(bucketExists ? { out: {} } : { exit: 254, stderr: "Not Found" }) },
    { tool: "terraform", cmd: "version", out: { terraform_version: "1.13.4" } },
    ...h.baseRules(),
  ];
}

test("setup --help", () => {
  const r = h.runScript("scripts/setup.sh", ["--help"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /First deployment of an environment/);
});

test("setup dry run: state bucket, init, ECR first, bootstrap images, apply, db-init from the Terraform output", () => {
  const r = h.runScript("scripts/setup.sh", ["--dry-run", "--auto-approve"], { rules: setupRules(false) });
  assert.equal(r.code, 0, r.stderr);
  const bucket = `ecommerce-tfstate-${h.ACCOUNT}`;
  const lines = h.printed(r.stdout);
  const builds = lines.filter((l) => l.startsWith("+ docker buildx build"));
  assert.equal(builds.length, 3);
  for (const b of builds) assert.match(b, /--platform linux\/amd64,linux\/arm64 .*:bootstrap /);
  assert.deepEqual(lines.filter((l) => !l.startsWith("+ docker buildx build")), [
    `+ aws s3api create-bucket --bucket ${bucket} --region us-east-1`,
    `+ aws s3api put-bucket-versioning --bucket ${bucket} --versioning-configuration Status=Enabled`,
    `+ aws s3api put-bucket-encryption --bucket ${bucket} --server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}'`,
    `+ aws s3api put-public-access-block --bucket ${bucket} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`,
    `+ terraform -chdir=terraform init -input=false -reconfigure -backend-config=bucket=${bucket} -backend-config=key=ecommerce/dev/terraform.tfstate -backend-config=region=us-east-1`,
    "+ terraform -chdir=terraform apply -input=false -var-file=envs/dev.tfvars -auto-approve -target=module.ecr",
    `+ aws ecr get-login-password --region us-east-1 | docker login --username AWS --password-stdin ${h.REGISTRY}`,
    "+ terraform -chdir=terraform apply -input=false -var-file=envs/dev.tfvars -auto-approve",
    "+ terraform -chdir=terraform output -raw db_init_run_task_command",
    "# run that command (aws ecs run-task ... db-init), wait until the task stops and check its exit code",
  ]);
  assert.match(r.stderr, /github_repository is still example-org/);
});

test("setup: an existing bucket is left alone; old Terraform and missing tools are refused", () => {
  let r = h.runScript("scripts/setup.sh", ["--dry-run", "--skip-images"], { rules: setupRules(true) });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!h.printed(r.stdout).some((l) => l.includes("create-bucket")));

  const old = setupRules(true);
  old[2] = { tool: "terraform", cmd: "version", out: { terraform_version: "1.9.8" } };
  r = h.runScript("scripts/setup.sh", ["--dry-run"], { rules: old });
  assert.match(r.stderr, /Terraform 1.9.8 is too old/);

  r = h.runScript("scripts/setup.sh", ["--dry-run", "--env", "nope"]);
  assert.match(r.stderr, /unknown environment 'nope'/);
});
