"use strict";
// scripts/rotate-secret.sh in the stateful fake account (fake-world/): a new
// value as AWSPENDING, promoted to AWSCURRENT with the old one kept as
// AWSPREVIOUS, a role password applied by db-init before the service that
// uses it starts again, the readers redeployed (product-service first), and
// --retire ending the grace window. The fake account models the secrets'
// versions and labels, the database role's password (the PGPASSWORD version
// db-init last applied: a service started with another cannot log in) and
// the secret versions each service's tasks started with.
const test = require("node:test");
const assert = require("node:assert/strict");
const h = require("./helpers");
const { names } = require("./fake-world/names");

const SCRIPT = "scripts/rotate-secret.sh";
const N = names("dev");

function secret(w, owner, key) {
  return w.read().secrets.byName[N.secret(owner, key)];
}

// {VersionId: [labels]} as describe-secret shows them.
function labels(s) {
  const versions = s.versions || [{ id: s.versionId, stages: ["AWSCURRENT"] }];
  return Object.fromEntries(versions.filter((v) => v.stages.length).map((v) => [v.id, [...v.stages].sort()]));
}

function valueOf(s, id) {
  return (s.versions || []).find((v) => v.id === id)?.value;
}

function service(w, name) {
  return w.read().ecs.services[`${N.cluster}/${name}`];
}

function awsCommands(r) {
  return h.commandsOf(r.calls).filter((c) => c.startsWith("aws "));
}

// No value of the secret (old or new) in the output or any call's arguments.
function assertNoValueLeaked(r, values) {
  const texts = [r.stdout, r.stderr, ...r.calls.map((c) => c.args.join(" "))];
  for (const v of values) for (const text of texts) assert.ok(!text.includes(v), "a secret value leaked");
}

const REDEPLOY = [
  "aws ecs describe-services",
  "aws ecs update-service",
  "aws ecs list-service-deployments",
];

test("the shared internal key: new version, old kept as AWSPREVIOUS, product-service then order-service redeployed with it; --retire ends the grace window", { timeout: 120000 }, async () => {
  const w = await h.provisionedWorld();
  try {
    const before = secret(w, "shared", "INTERNAL_API_KEY");
    const [oldId, oldValue] = [before.versionId, before.value];
    const revisions = { ps: service(w, "product-service").taskDefinition, os: service(w, "order-service").taskDefinition };

    const r = await w.run(SCRIPT, ["--env", "dev", "--secret", "shared/INTERNAL_API_KEY"]);
    assert.equal(r.code, 0, r.stderr);
    const after = secret(w, "shared", "INTERNAL_API_KEY");
    const newId = after.versionId;
    assert.notEqual(newId, oldId);
    assert.deepEqual(labels(after), { [newId]: ["AWSCURRENT"], [oldId]: ["AWSPREVIOUS"] }, "no AWSPENDING left");
    assert.match(after.value, /^[A-Za-z0-9]{40}$/);
    assert.equal(valueOf(after, oldId), oldValue, "the old value is still readable as AWSPREVIOUS");
    assertNoValueLeaked(r, [oldValue, after.value]);

    const commands = awsCommands(r);
    assert.deepEqual(commands.slice(0, 6), [
      "aws sts get-caller-identity",
      "aws secretsmanager describe-secret",
      "aws secretsmanager get-random-password",
      "aws secretsmanager put-secret-value",
      "aws secretsmanager update-secret-version-stage",
      "aws secretsmanager update-secret-version-stage",
    ]);
    assert.ok(!commands.includes("aws ecs run-task"), "an API key needs no db-init");
    const updates = r.calls.filter((c) => c.tool === "aws" && c.args[1] === "update-service").map((c) => c.args[c.args.indexOf("--service") + 1]);
    assert.deepEqual(updates, ["product-service", "order-service"], "the checker of the key first, then the sender");
    for (const c of r.calls.filter((x) => x.tool === "aws" && x.args[1] === "update-service")) {
      assert.ok(c.args.includes("--force-new-deployment") && !c.args.includes("--task-definition"), "the same revision, started again");
    }
    const put = r.calls.find((c) => c.tool === "aws" && c.args[1] === "put-secret-value").args;
    assert.deepEqual(put.slice(put.indexOf("--version-stages"), put.indexOf("--version-stages") + 2), ["--version-stages", "AWSPENDING"]);
    assert.match(put[put.indexOf("--secret-string") + 1], /^file:\/\//, "the value goes through a file");

    for (const [name, rev] of [["product-service", revisions.ps], ["order-service", revisions.os]]) {
      const svc = service(w, name);
      assert.equal(svc.secretVersions[N.secret("shared", "INTERNAL_API_KEY")], newId, `${name} runs with the new key`);
      assert.equal(svc.taskDefinition, rev, `${name} keeps its revision`);
    }
    // product-service, which checks the key, also accepts the old one (INTERNAL_API_KEY_PREVIOUS from
    // the AWSPREVIOUS stage) while order-service tasks that still send it are being replaced.
    assert.equal(service(w, "product-service").secretVersions[`${N.secret("shared", "INTERNAL_API_KEY")}@AWSPREVIOUS`], oldId);
    assert.equal(service(w, "frontend").secretVersions, undefined, "the frontend does not read the key: not redeployed");
    assert.match(r.stderr, /rotated to version .* --retire/);

    // The grace window ends: the old value leaves every label.
    const retire = await w.run(SCRIPT, ["--env", "dev", "--secret", "shared/INTERNAL_API_KEY", "--retire"]);
    assert.equal(retire.code, 0, retire.stderr);
    assert.deepEqual(labels(secret(w, "shared", "INTERNAL_API_KEY")), { [newId]: ["AWSCURRENT", "AWSPREVIOUS"] });
    assert.equal(service(w, "product-service").secretVersions[`${N.secret("shared", "INTERNAL_API_KEY")}@AWSPREVIOUS`], newId,
      "after the grace window the old key opens nothing");
    assert.deepEqual(awsCommands(retire).filter((c) => c.includes("update-")), [
      "aws secretsmanager update-secret-version-stage", "aws ecs update-service", "aws ecs update-service",
    ]);
    const again = await w.run(SCRIPT, ["--env", "dev", "--secret", "shared/INTERNAL_API_KEY", "--retire"]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /nothing to retire/);
    assert.deepEqual(awsCommands(again), ["aws sts get-caller-identity", "aws secretsmanager describe-secret"]);
  } finally {
    await w.close();
  }
});

test("a database role password: db-init applies it before order-service starts again with it", { timeout: 120000 }, async () => {
  const w = await h.provisionedWorld();
  try {
    // As after a real db-init: the role's password is the current PGPASSWORD.
    w.update((x) => {
      x.rds.instances[N.dbInstance].passwordVersions = Object.fromEntries(["product-service", "order-service"]
        .map((s) => [s, x.secrets.byName[N.secret(s, "PGPASSWORD")].versionId]));
    });
    const oldId = secret(w, "order-service", "PGPASSWORD").versionId;
    const r = await w.run(SCRIPT, ["--env", "dev", "--secret", "order-service/PGPASSWORD"]);
    assert.equal(r.code, 0, r.stderr);
    const after = secret(w, "order-service", "PGPASSWORD");
    assert.deepEqual(labels(after), { [after.versionId]: ["AWSCURRENT"], [oldId]: ["AWSPREVIOUS"] });
    const commands = awsCommands(r);
    const runTask = commands.indexOf("aws ecs run-task");
    const update = commands.indexOf("aws ecs update-service");
    assert.ok(runTask > commands.lastIndexOf("aws secretsmanager update-secret-version-stage"), "db-init after the promotion");
    assert.ok(runTask >= 0 && runTask < update, "db-init before the redeploy");
    const db = w.read().rds.instances[N.dbInstance];
    assert.equal(db.passwordVersions["order-service"], after.versionId, "the role has the new password");
    assert.equal(service(w, "order-service").secretVersions[N.secret("order-service", "PGPASSWORD")], after.versionId);
    const updates = r.calls.filter((c) => c.tool === "aws" && c.args[1] === "update-service").map((c) => c.args[c.args.indexOf("--service") + 1]);
    assert.deepEqual(updates, ["order-service"]);
  } finally {
    await w.close();
  }
});

test("the fake account can fail: a password changed without db-init stops the redeploy, and the script says so", { timeout: 120000 }, async () => {
  const w = await h.provisionedWorld();
  try {
    w.update((x) => {
      const db = x.rds.instances[N.dbInstance];
      db.passwordVersions = { "product-service": "v-applied", "order-service": "v-applied" };
    });
    const r = await w.run(SCRIPT, ["--env", "dev", "--secret", "order-service/ADMIN_API_KEY"]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /order-service: the deployment with the new ADMIN_API_KEY did not succeed/);
    assert.match(r.stderr, /AWSPREVIOUS version holds the old value/);
  } finally {
    await w.close();
  }
});

test("the fake account can fail: a secret without its AWSPREVIOUS stage (never seeded with it) stops the tasks that name it", { timeout: 120000 }, async () => {
  const w = await h.provisionedWorld();
  try {
    w.update((x) => {
      const s = x.secrets.byName[N.secret("shared", "INTERNAL_API_KEY")];
      s.versions = s.versions.map((v) => ({ ...v, stages: v.stages.filter((l) => l !== "AWSPREVIOUS") }));
    });
    const r = await w.run(SCRIPT, ["--env", "dev", "--secret", "product-service/ADMIN_API_KEY"]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /product-service: the deployment with the new ADMIN_API_KEY did not succeed/);
  } finally {
    await w.close();
  }
});

test("an interrupted rotation resumes with its AWSPENDING version: no second value", { timeout: 120000 }, async () => {
  const w = await h.provisionedWorld();
  try {
    const name = N.secret("product-service", "ADMIN_API_KEY");
    w.update((x) => {
      const s = x.secrets.byName[name];
      s.versions = [
        { id: s.versionId, value: s.value, stages: ["AWSCURRENT"], createdAt: s.createdAt },
        { id: "pending-1", value: "P".repeat(40), stages: ["AWSPENDING"], createdAt: s.createdAt },
      ];
    });
    const oldId = secret(w, "product-service", "ADMIN_API_KEY").versionId;
    const r = await w.run(SCRIPT, ["--env", "dev", "--secret", "product-service/ADMIN_API_KEY"]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!awsCommands(r).includes("aws secretsmanager put-secret-value"));
    assert.ok(!awsCommands(r).includes("aws secretsmanager get-random-password"));
    assert.deepEqual(labels(secret(w, "product-service", "ADMIN_API_KEY")), { "pending-1": ["AWSCURRENT"], [oldId]: ["AWSPREVIOUS"] });
    assert.match(r.stderr, /resuming the rotation to version pending-1/);
  } finally {
    await w.close();
  }
});

test("dry run: prints the changes, changes nothing", { timeout: 120000 }, async () => {
  const w = await h.provisionedWorld();
  try {
    const before = JSON.stringify(w.read().secrets);
    const r = await w.run(SCRIPT, ["--env", "dev", "--secret", "order-service/PGPASSWORD", "--dry-run"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.stringify(w.read().secrets), before);
    const printed = h.printed(r.stdout);
    assert.match(printed[0], /^# generate a 40-character value/);
    assert.match(printed[1], /^\+ aws secretsmanager put-secret-value .*--version-stages AWSPENDING$/);
    assert.match(printed[2], /^\+ aws secretsmanager update-secret-version-stage .*--version-stage AWSCURRENT --move-to-version-id '<new version>' --remove-from-version-id \S+$/);
    assert.ok(printed.some((l) => l.startsWith("+ aws ecs run-task ") && l.includes("ecommerce-dev-db-init")));
    assert.ok(printed.some((l) => l === "+ aws ecs update-service --region us-east-1 --cluster ecommerce-dev --service order-service --force-new-deployment"));
    for (const line of h.callLines(r.calls, "aws")) {
      assert.match(line, /^aws (sts get-caller-identity|secretsmanager describe-secret|ecs describe-services) /, line);
    }
  } finally {
    await w.close();
  }
});

test("bad input: the card fingerprint key, an unknown secret, no --secret, a bad environment; nothing called", async () => {
  for (const [args, message] of [
    [["--secret", "order-service/CARD_FINGERPRINT_KEY"], /CARD_FINGERPRINT_KEY is not rotated by this script: a new key changes every card fingerprint/],
    [["--secret", "order-service/NOPE"], /unknown secret 'order-service\/NOPE'/],
    [[], /--secret is required/],
    [["--env", "staging", "--secret", "shared/INTERNAL_API_KEY"], /unknown environment 'staging'/],
  ]) {
    const r = await h.runScript(SCRIPT, args);
    assert.notEqual(r.code, 0, args.join(" "));
    assert.match(r.stderr, message);
    assert.deepEqual(r.calls, []);
  }
  const help = await h.runScript(SCRIPT, ["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: scripts\/rotate-secret.sh \[options\] --secret OWNER\/KEY/);
});
