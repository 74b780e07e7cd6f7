"use strict";
// scripts/ci/notify-deploy.sh: every deployment's outcome reaches the job
// summary, and Slack when the webhook secret is set (a local HTTP server
// stands in for Slack's incoming webhook).
const { test } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const http = require("node:http");
const os = require("node:os");
const path = require("node:path");
const { spawn } = require("node:child_process");
const { REPO } = require("./helpers");

const SCRIPT = path.join(REPO, "scripts/ci/notify-deploy.sh");

function run(args, env = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "notify-"));
  const summary = path.join(dir, "summary.md");
  return new Promise((resolve) => {
    const child = spawn("bash", [SCRIPT, ...args], {
      env: {
        PATH: process.env.PATH, GITHUB_STEP_SUMMARY: summary, GITHUB_SERVER_URL: "https://github.com",
        GITHUB_REPOSITORY: "acme/shop", GITHUB_RUN_ID: "42", GITHUB_SHA: "0123456789abcdef", ...env,
      },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr, summary: fs.existsSync(summary) ? fs.readFileSync(summary, "utf8") : "" }));
  });
}

function log(text) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "notify-log-")), "deploy.log");
  fs.writeFileSync(file, text);
  return file;
}

async function withSlack(status, fn) {
  const received = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      received.push({ method: req.method, type: req.headers["content-type"], body });
      res.writeHead(status);
      res.end(status === 200 ? "ok" : "invalid_payload");
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  try {
    return await fn(`http://127.0.0.1:${server.address().port}/services/T/B/X`, received);
  } finally {
    server.close();
  }
}

test("a rolled-back deployment is reported as such, to the summary and to Slack", async () => {
  const deployLog = log("==> product-service: deployment SUCCESSFUL\n\x1b[1;33mwarning:\x1b[0m order-service: smoke test failed against http://x\n\x1b[1;31merror:\x1b[0m deployment to dev failed and was rolled back\n");
  await withSlack(200, async (url, received) => {
    const r = await run(["--env", "dev", "--outcome", "failure", "--log", deployLog, "--services", "product-service order-service"], { SLACK_WEBHOOK_URL: url });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /deployment to dev: rolled back/);
    assert.equal(received.length, 1);
    assert.equal(received[0].method, "POST");
    assert.equal(received[0].type, "application/json");
    const text = JSON.parse(received[0].body).text;
    assert.match(text, /dev: rolled back \(product-service order-service\) at commit 0123456/);
    assert.match(text, /https:\/\/github\.com\/acme\/shop\/actions\/runs\/42/);
    assert.match(text, /error: deployment to dev failed and was rolled back/);
    assert.doesNotMatch(text, /\x1b/);
    assert.match(r.summary, /### Deployment to dev: rolled back/);
  });
});

test("success and plain failure are told apart", async () => {
  await withSlack(200, async (url, received) => {
    let r = await run(["--env", "prod", "--outcome", "success", "--log", log("ok\n")], { SLACK_WEBHOOK_URL: url });
    assert.equal(r.code, 0);
    assert.match(r.summary, /prod: deployed/);
    r = await run(["--env", "prod", "--outcome", "failure", "--log", log("error: cannot describe service frontend\n")], { SLACK_WEBHOOK_URL: url });
    assert.match(r.summary, /prod: failed/);
    assert.match(JSON.parse(received[1].body).text, /prod: failed .*\n> error: cannot describe service frontend/);
    // A deploy that never ran (its settings were missing) left no log: still reported.
    r = await run(["--env", "prod", "--outcome", "skipped", "--log", "/nonexistent/deploy.log"], { SLACK_WEBHOOK_URL: url });
    assert.equal(r.code, 0);
    assert.match(r.summary, /prod: failed/);
    assert.equal(received.length, 3);
  });
});

test("without the webhook secret: the summary only, and a note", async () => {
  const r = await run(["--env", "dev", "--outcome", "success", "--log", log("")]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /SLACK_WEBHOOK_URL is not set: no Slack message/);
  assert.match(r.summary, /dev: deployed/);
});

test("a webhook that refuses the message warns but does not fail the job", async () => {
  await withSlack(400, async (url, received) => {
    const r = await run(["--env", "dev", "--outcome", "success", "--log", log("")], { SLACK_WEBHOOK_URL: url });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /::warning::notify-deploy: the Slack webhook did not accept the message/);
    assert.ok(received.length >= 1);
  });
});

test("usage errors name the problem", async () => {
  let r = await run(["--env", "dev", "--outcome", "maybe"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--outcome must be success, failure, cancelled or skipped, got 'maybe'/);
  r = await run(["--outcome", "success"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--env is required/);
});

test("deploy.sh's rollback line is the one the report looks for", () => {
  const deploy = fs.readFileSync(path.join(REPO, "scripts/deploy.sh"), "utf8");
  assert.match(deploy, /die "deployment to \$\{ENVIRONMENT\} failed and was rolled back"/);
});
