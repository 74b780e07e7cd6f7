"use strict";
// lib/iam-coverage.js: AWS calls found in scripts, mapped to IAM actions,
// checked against role statements both ways; and the real repository is clean.
const { test } = require("node:test");
const assert = require("node:assert/strict");
const { awsCallsOfScript, checkCoverage, allowed, checkIam, MAP } = require("../lib/iam-coverage");
const { REPO } = require("./helpers");

test("calls are found in code, through wrappers and continuation lines, not in comments or messages", () => {
  const script = [
    "#!/bin/bash",
    "# aws ecs delete-service is only mentioned here",
    'die "no credentials (aws sts get-caller-identity failed)"',
    "for tool in aws jq date; do :; done",
    'ce() { aws ce "$@" --region us-east-1; }',
    'x="$(ce get-cost-and-usage --time-period a)"',
    "run aws ecs update-service --cluster c \\",
    "  --service s",
    'out="$(aws ecs wait tasks-stopped --tasks t)"',
    "local args=(aws ecs run-task --cluster c)",
    "skopeo copy --all oci-archive:x docker://r",
    "docker buildx build --platform p \\",
    "  --push .",
  ].join("\n");
  const calls = awsCallsOfScript(script).map((c) => c.call);
  assert.deepEqual(calls.sort(), ["ce get-cost-and-usage", "docker buildx push to ECR", "ecs run-task", "ecs update-service", "ecs wait tasks-stopped", "skopeo push to ECR"].sort());
});

test("Allow patterns, Deny and a managed policy decide an action", () => {
  const st = [
    { effect: "Allow", actions: ["ecs:Describe*", "s3:GetObject"], notResources: [] },
    { effect: "Deny", actions: ["secretsmanager:GetSecretValue"], notResources: [] },
    { effect: "Deny", actions: ["s3:GetObject"], notResources: ["arn:aws:s3:::b/state"] },
  ];
  assert.ok(allowed("ecs:DescribeServices", st));
  assert.ok(!allowed("ecs:UpdateService", st));
  assert.ok(allowed("s3:GetObject", st), "a Deny with NotResource leaves the named object allowed");
  const power = [MAP.managed.PowerUserAccess];
  assert.ok(allowed("secretsmanager:PutSecretValue", [], power));
  assert.ok(!allowed("iam:CreateRole", [], power));
  assert.ok(!allowed("secretsmanager:GetSecretValue", st, power), "an explicit Deny wins over the managed policy");
});

function facts(roles, types = []) {
  return { types, localExecScripts: [], perScenario: [{ name: "dev.tfvars", roles }] };
}
const role = (statements, managed = []) => ({ statements, managed, found: true });

test("a call its role does not allow is a finding, naming the action and where the call is", () => {
  const byRole = { deploy: [{ call: "ecs update-service", where: "scripts/lib/aws-ecs.sh:10" }], plan: [], apply: [] };
  const findings = checkCoverage({ byRole, facts: facts({ deploy: role([{ effect: "Allow", actions: ["ecs:DescribeServices"], notResources: [] }]) }) });
  assert.deepEqual(findings.map((f) => f.kind).sort(), ["IAM-MISSING", "IAM-UNUSED"]);
  assert.match(findings.find((f) => f.kind === "IAM-MISSING").message, /deploy role does not allow ecs:UpdateService, needed by aws ecs update-service \(scripts\/lib\/aws-ecs.sh:10\)/);
  assert.match(findings.find((f) => f.kind === "IAM-UNUSED").message, /allows ecs:DescribeServices .* nothing it runs needs it/);
});

test("a command the map does not know is a finding (the map must say what it needs)", () => {
  const byRole = { deploy: [{ call: "ecs delete-service", where: "scripts/x.sh:3" }], plan: [], apply: [] };
  const findings = checkCoverage({ byRole, facts: facts({ deploy: role([]) }) });
  assert.equal(findings.length, 1);
  assert.equal(findings[0].kind, "IAM-MAP");
  assert.match(findings[0].message, /aws ecs delete-service.*does not say which IAM actions it needs/);
});

test("a plan refresh needs the reads of every resource type, and a secret version's value", () => {
  const byRole = { deploy: [], plan: [{ call: "terraform refresh", where: "terraform.yml" }], apply: [] };
  const reads = [{ effect: "Allow", actions: ["secretsmanager:Describe*", "secretsmanager:Get*", "secretsmanager:List*"], notResources: [] }];
  const deny = { effect: "Deny", actions: ["secretsmanager:GetSecretValue", "kms:Decrypt"], notResources: [] };
  assert.deepEqual(checkCoverage({ byRole, facts: facts({ plan: role([...reads, deny]) }, ["aws_secretsmanager_secret"]) }), []);
  // Bringing a secret version back into Terraform makes plans read the value: refused.
  const findings = checkCoverage({ byRole, facts: facts({ plan: role([...reads, deny]) }, ["aws_secretsmanager_secret", "aws_secretsmanager_secret_version"]) });
  assert.deepEqual(findings.map((f) => f.message.match(/allow (\S+),/)[1]).sort(), ["kms:Decrypt", "secretsmanager:GetSecretValue"]);
  // A type whose service the map does not know is a finding.
  const unknown = checkCoverage({ byRole, facts: facts({ plan: role(reads) }, ["aws_newservice_thing"]) });
  assert.match(unknown.map((f) => f.message).join("\n"), /aws_newservice_thing: its AWS service is not in/);
});

test("the repository: every AWS call under a GitHub role is allowed, and nothing unused is", async () => {
  const { byRole, findings } = await checkIam(REPO);
  assert.deepEqual(findings.map((f) => `${f.where}: ${f.message}`), []);
  const calls = (r) => new Set(byRole[r].map((c) => c.call));
  for (const c of ["skopeo push to ECR", "ecs update-service", "ecs stop-service-deployment", "rds start-db-instance", "ssm put-parameter"]) {
    assert.ok(calls("deploy").has(c), `the deploy role's calls include ${c}`);
  }
  for (const c of ["terraform refresh", "ce get-cost-and-usage", "budgets describe-budget"]) assert.ok(calls("plan").has(c), `plan: ${c}`);
  assert.ok(calls("apply").has("secretsmanager put-secret-value"), "the apply role runs the secret seed (terraform local-exec)");
});
