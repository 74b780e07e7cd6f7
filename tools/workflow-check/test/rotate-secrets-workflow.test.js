"use strict";
// .github/workflows/rotate-secrets.yml and the rotate-secrets-environment.yml
// it calls: the called job's steps run as GitHub would run them (the step's
// env with the expressions of a schedule or workflow_dispatch event and the
// caller's inputs, its run: block under bash -eo pipefail) in the stateful fake account
// (fake-world/): the first schedule rotates the three API keys, the second
// retires their grace window; every AWS call those runs make is allowed by the
// rotate role of terraform/ and the IAM coverage check fails when the role
// misses one of the script's actions or allows one it does not use.
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const YAML = require("yaml");
const h = require("./helpers");
const { names } = require("./fake-world/names");
const { checkIam, checkCoverage, allowed, reachedCalls, MAP } = require("../lib/iam-coverage");

const WORKFLOW = path.join(h.REPO, ".github", "workflows", "rotate-secrets.yml");
const CALLED = path.join(h.REPO, ".github", "workflows", "rotate-secrets-environment.yml");
const KEYS = [["product-service", "ADMIN_API_KEY"], ["order-service", "ADMIN_API_KEY"], ["shared", "INTERNAL_API_KEY"]];
const N = names("dev");

function workflow(file = WORKFLOW) {
  return YAML.parse(fs.readFileSync(file, "utf8"));
}

function step(name) {
  const s = workflow(CALLED).jobs.rotate.steps.find((x) => x.name === name);
  assert.ok(s, `rotate-secrets.yml has a step "${name}"`);
  return s;
}

// The step's env with its ${{ }} expressions evaluated from `context`; an
// expression the test does not know fails the test (the workflow changed).
function stepEnv(s, context) {
  const env = {};
  for (const [k, v] of Object.entries(s.env || {})) {
    const m = String(v).match(/^\$\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}$/);
    if (!m) {
      env[k] = String(v);
      continue;
    }
    assert.ok(m[1] in context, `unknown expression ${m[1]} in the env of "${s.name}"`);
    env[k] = context[m[1]];
  }
  return env;
}

// Runs a step's run: block in the world as a GitHub-hosted runner's bash would.
async function runStep(w, s, context) {
  const file = path.join(w.dir, `step-${Date.now()}-${Math.random().toString(16).slice(2)}.sh`);
  fs.writeFileSync(file, `set -eo pipefail\n${s.run}`);
  const output = path.join(w.dir, "github-output");
  const summary = path.join(w.dir, "github-summary");
  fs.writeFileSync(output, "");
  const r = await w.run(path.relative(h.REPO, file), [], {
    env: { ...stepEnv(s, context), GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary },
  });
  r.outputs = Object.fromEntries(fs.readFileSync(output, "utf8").split("\n").filter(Boolean).map((l) => l.split("=")));
  r.summary = fs.existsSync(summary) ? fs.readFileSync(summary, "utf8") : "";
  return r;
}

// The called workflow's context for the dev job of rotate-secrets.yml: its
// inputs are the caller's `with:` (the dispatch inputs are empty on a schedule).
function devContext({ cron = "", dispatch = {}, role = "arn:aws:iam::123456789012:role/ecommerce-dev-github-rotate" } = {}) {
  const w = workflow().jobs.dev.with;
  const caller = { "inputs.action": dispatch.action || "", "inputs.secret": dispatch.secret || "" };
  const value = (v) => {
    const m = String(v).match(/^\$\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}$/);
    if (!m) return String(v);
    if (m[1] === "vars.AWS_ROTATE_ROLE_ARN_DEV") return role;
    if (m[1] === "vars.AWS_REGION") return "us-east-1";
    assert.ok(m[1] in caller, `unknown expression ${m[1]} in the dev job's with:`);
    return caller[m[1]];
  };
  return {
    "github.event.schedule": cron,
    "inputs.environment": value(w.environment), "inputs.role-arn": value(w["role-arn"]), "inputs.region": value(w.region),
    "inputs.action": value(w.action), "inputs.secret": value(w.secret),
  };
}
const scheduleContext = (cron) => devContext({ cron });

function labels(w, owner, key) {
  const s = w.read().secrets.byName[N.secret(owner, key)];
  const versions = s.versions || [{ id: s.versionId, stages: ["AWSCURRENT"] }];
  return Object.fromEntries(versions.filter((v) => v.stages.length).map((v) => [v.id, [...v.stages].sort()]));
}

// Every AWS call of a run is allowed by the rotate role (dev.tfvars).
function assertAllowedByRotateRole(r, role) {
  for (const c of r.calls.filter((x) => x.tool === "aws")) {
    const entry = MAP.cli[`${c.args[0]} ${c.args[1]}`];
    assert.ok(entry, `aws ${c.args[0]} ${c.args[1]} is in iam-actions.json`);
    for (const a of entry.actions) assert.ok(allowed(a, role.statements, role.managed), `the rotate role allows ${a} (aws ${c.args[0]} ${c.args[1]})`);
  }
}

let iam;
async function iamFacts() {
  if (!iam) iam = await checkIam(h.REPO);
  return iam;
}

test("the schedule: the 1st rotates the three API keys of the environment, the 8th retires their grace window", { timeout: 180000 }, async () => {
  const crons = workflow().on.schedule.map((s) => s.cron);
  assert.equal(crons.length, 2);
  const rotateStep = step("Rotate or retire the API keys");
  assert.equal(rotateStep.env.RETIRE_SCHEDULE, crons[1], "the step's retire schedule is the workflow's second cron");
  const { facts, findings } = await iamFacts();
  assert.deepEqual(findings, []);
  const role = facts.perScenario.find((s) => s.name === "dev.tfvars").roles.rotate;
  assert.ok(role.found, "terraform/ has the rotate role's policy");

  const w = await h.provisionedWorld();
  try {
    const before = Object.fromEntries(KEYS.map(([o, k]) => [`${o}/${k}`, w.read().secrets.byName[N.secret(o, k)].versionId]));
    const decide = await runStep(w, step("Decide what runs"), scheduleContext(crons[0]));
    assert.equal(decide.code, 0, decide.stderr);
    assert.equal(decide.outputs.run, "true");

    const rotated = await runStep(w, rotateStep, scheduleContext(crons[0]));
    assert.equal(rotated.code, 0, rotated.stderr);
    const current = {};
    for (const [owner, key] of KEYS) {
      const id = `${owner}/${key}`;
      const l = labels(w, owner, key);
      const now = Object.keys(l).find((v) => l[v].includes("AWSCURRENT"));
      assert.notEqual(now, before[id], `${id} has a new version`);
      assert.deepEqual(l, { [now]: ["AWSCURRENT"], [before[id]]: ["AWSPREVIOUS"] }, `${id}: the old value is kept as AWSPREVIOUS`);
      current[id] = now;
    }
    const ps = w.read().ecs.services[`${N.cluster}/product-service`];
    assert.equal(ps.secretVersions[N.secret("shared", "INTERNAL_API_KEY")], current["shared/INTERNAL_API_KEY"], "product-service runs with the new internal key");
    assert.equal(ps.secretVersions[N.secret("product-service", "ADMIN_API_KEY")], current["product-service/ADMIN_API_KEY"]);
    const rotateCalls = rotated.calls.filter((c) => c.tool === "aws").map((c) => `${c.args[0]} ${c.args[1]}`);
    assert.ok(!rotateCalls.includes("ecs run-task"), "API keys need no db-init");
    assert.ok(!rotated.calls.some((c) => c.tool === "aws" && c.args.some((a) => /PGPASSWORD/.test(a))), "no database password is touched");
    assert.match(rotated.summary, /^rotate: product-service\/ADMIN_API_KEY order-service\/ADMIN_API_KEY shared\/INTERNAL_API_KEY in dev$/m);
    assertAllowedByRotateRole(rotated, role);

    // A week later: the grace window ends.
    const retired = await runStep(w, rotateStep, scheduleContext(crons[1]));
    assert.equal(retired.code, 0, retired.stderr);
    for (const [owner, key] of KEYS) {
      const id = `${owner}/${key}`;
      assert.deepEqual(labels(w, owner, key), { [current[id]]: ["AWSCURRENT", "AWSPREVIOUS"] }, `${id}: the old value is in no label`);
    }
    assert.equal(w.read().ecs.services[`${N.cluster}/product-service`].secretVersions[`${N.secret("shared", "INTERNAL_API_KEY")}@AWSPREVIOUS`],
      current["shared/INTERNAL_API_KEY"], "after the retire run the old internal key opens nothing");
    assert.match(retired.summary, /^retire: /m);
    assertAllowedByRotateRole(retired, role);
  } finally {
    await w.close();
  }
});

test("workflow_dispatch: only the chosen environment and key; no role variable skips with a notice", { timeout: 120000 }, async () => {
  const jobs = workflow().jobs;
  assert.deepEqual(Object.keys(jobs).sort(), ["dev", "prod"]);
  for (const env of ["dev", "prod"]) {
    assert.equal(jobs[env].if, `github.event_name == 'schedule' || inputs.environment == '${env}'`, `the ${env} job runs on the schedule or when chosen`);
    assert.equal(jobs[env].with.environment, env);
    assert.equal(jobs[env].with["role-arn"], `\${{ vars.AWS_ROTATE_ROLE_ARN_${env.toUpperCase()} }}`);
  }
  const w = await h.provisionedWorld();
  try {
    const noRole = await runStep(w, step("Decide what runs"), devContext({ cron: "0 14 1 * *", role: "" }));
    assert.equal(noRole.outputs.run, "false");
    assert.match(noRole.stdout, /::notice::no AWS_ROTATE_ROLE_ARN variable for dev/);

    const before = w.read().secrets.byName[N.secret("order-service", "ADMIN_API_KEY")].versionId;
    const untouched = w.read().secrets.byName[N.secret("shared", "INTERNAL_API_KEY")].versionId;
    const one = await runStep(w, step("Rotate or retire the API keys"),
      devContext({ dispatch: { action: "rotate", secret: "order-service/ADMIN_API_KEY" } }));
    assert.equal(one.code, 0, one.stderr);
    assert.notEqual(w.read().secrets.byName[N.secret("order-service", "ADMIN_API_KEY")].versionId, before);
    assert.equal(w.read().secrets.byName[N.secret("shared", "INTERNAL_API_KEY")].versionId, untouched, "the other keys are left alone");
    const updates = one.calls.filter((c) => c.tool === "aws" && c.args[1] === "update-service").map((c) => c.args[c.args.indexOf("--service") + 1]);
    assert.deepEqual(updates, ["order-service"]);
  } finally {
    await w.close();
  }
});

test("the rotate role holds exactly the script's actions: one missing or one extra is a finding", async () => {
  const { byRole, facts } = await iamFacts();
  const calls = new Set(byRole.rotate.map((c) => c.call));
  assert.deepEqual([...calls].sort(), [
    "ecs describe-service-deployments", "ecs describe-services", "ecs describe-tasks", "ecs list-service-deployments",
    "ecs run-task", "ecs update-service", "ecs wait tasks-stopped",
    "secretsmanager describe-secret", "secretsmanager get-random-password", "secretsmanager put-secret-value",
    "secretsmanager update-secret-version-stage", "sts get-caller-identity",
  ], "what rotate-secret.sh can call, not everything lib/aws-ecs.sh holds (no ECR, no register-task-definition)");

  const edited = (fn) => ({
    ...facts,
    perScenario: facts.perScenario.map((sc) => ({ ...sc, roles: { ...sc.roles, rotate: fn(sc.roles.rotate) } })),
  });
  const without = edited((r) => ({ ...r, statements: r.statements.map((st) => ({ ...st, actions: st.actions.filter((a) => a !== "secretsmanager:UpdateSecretVersionStage") })) }));
  const missing = checkCoverage({ byRole, facts: without });
  assert.ok(missing.some((f) => f.kind === "IAM-MISSING" && /the rotate role does not allow secretsmanager:UpdateSecretVersionStage, needed by aws secretsmanager update-secret-version-stage/.test(f.message)),
    missing.map((f) => f.message).join("\n"));
  const noKms = edited((r) => ({ ...r, statements: r.statements.filter((st) => st.sid !== "EncryptNewVersions") }));
  assert.ok(checkCoverage({ byRole, facts: noKms }).some((f) => f.kind === "IAM-MISSING" && /kms:GenerateDataKey, needed by aws secretsmanager put-secret-value/.test(f.message)));
  const extra = edited((r) => ({ ...r, statements: [...r.statements, { sid: "Read", effect: "Allow", actions: ["secretsmanager:GetSecretValue"], notResources: [] }] }));
  assert.ok(checkCoverage({ byRole, facts: extra }).some((f) => f.kind === "IAM-UNUSED" && /the rotate role allows secretsmanager:GetSecretValue/.test(f.message)));
});

test("of a sourced library only the functions a script reaches count", () => {
  const repo = fs.mkdtempSync(path.join(require("node:os").tmpdir(), "reach-"));
  try {
    fs.mkdirSync(path.join(repo, "scripts", "lib"), { recursive: true });
    fs.writeFileSync(path.join(repo, "scripts", "lib", "l.sh"), [
      "aws sts get-caller-identity",
      "used() {",
      "  helper",
      "}",
      "helper() {",
      "  aws ecs describe-services --cluster c",
      "}",
      "unused() {",
      "  aws ecr get-login-password",
      "}",
    ].join("\n"));
    fs.writeFileSync(path.join(repo, "scripts", "main.sh"), ['source "$(dirname "${BASH_SOURCE[0]}")/lib/l.sh"', "used", 'aws ecs update-service --service "$s"'].join("\n"));
    const calls = reachedCalls(repo, new Set(["scripts/main.sh", "scripts/lib/l.sh"])).map((c) => c.call).sort();
    assert.deepEqual(calls, ["ecs describe-services", "ecs update-service", "sts get-caller-identity"]);
  } finally {
    fs.rmSync(repo, { recursive: true, force: true });
  }
});
