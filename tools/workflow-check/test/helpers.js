"use strict";
// Runs the project's scripts with the fake aws/terraform/docker/skopeo of
// fake-bin/ first on PATH and returns what they printed and every call the
// fakes recorded.
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const REPO = path.resolve(__dirname, "../../..");
const FAKE_BIN = path.join(__dirname, "fake-bin");

const ACCOUNT = "123456789012";
const REGION = "us-east-1";
const REGISTRY = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;
const CLUSTER = "ecommerce-dev";
const DIGEST = "sha256:" + "a".repeat(64);
const BUILD_DIGEST = "sha256:" + "b".repeat(64);
const TAG = "0123456789abcdef0123456789abcdef01234567";

function taskDefArn(service, revision) {
  return `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${CLUSTER}-${service}:${revision}`;
}

function serviceJson(service, revision = 7, desired = 1) {
  return {
    services: [
      {
        serviceName: service,
        status: "ACTIVE",
        desiredCount: desired,
        taskDefinition: taskDefArn(service, revision),
        networkConfiguration: {
          awsvpcConfiguration: { subnets: ["subnet-a", "subnet-b"], securityGroups: ["sg-tasks"], assignPublicIp: "DISABLED" },
        },
      },
    ],
    failures: [],
  };
}

function taskDefinitionJson(service, revision = 9) {
  return {
    taskDefinition: {
      taskDefinitionArn: taskDefArn(service, revision),
      family: `${CLUSTER}-${service}`,
      revision,
      status: "ACTIVE",
      requiresAttributes: [{ name: "ecs.capability.execution-role-awslogs" }],
      compatibilities: ["EC2", "FARGATE"],
      registeredAt: "2026-11-27T08:00:00Z",
      registeredBy: "arn:aws:iam::123456789012:role/admin",
      networkMode: "awsvpc",
      cpu: "256",
      memory: "512",
      containerDefinitions: [{ name: service, image: `${REGISTRY}/${service}:bootstrap`, essential: true }],
    },
  };
}

// Rules every AWS-using script needs: identity and the services.
function baseRules() {
  const rules = [{ cmd: "sts get-caller-identity", out: { Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/dev`, UserId: "AID" } }];
  for (const s of ["product-service", "order-service", "frontend"]) {
    rules.push({ cmd: "ecs describe-services", has: [s], out: serviceJson(s) });
    rules.push({ cmd: "ecs describe-task-definition", has: [`${CLUSTER}-${s}`], out: taskDefinitionJson(s) });
  }
  rules.push({ cmd: "ecr describe-images", has: ["imageTag=" + TAG], exit: 254, stderr: "An error occurred (ImageNotFoundException)" });
  rules.push({ cmd: "ecr describe-images", has: ["imageDigest=" + DIGEST], out: { imageDetails: [{ imageDigest: DIGEST, imageTags: ["old"] }] } });
  rules.push({ cmd: "ecr describe-images", exit: 254, stderr: "An error occurred (ImageNotFoundException)" });
  return rules;
}

function runScript(script, args, { rules = baseRules(), env = {}, stdin = "", path: pathOverride } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wfcheck-"));
  fs.writeFileSync(path.join(dir, "rules.json"), JSON.stringify(rules));
  const result = spawnSync("bash", [path.join(REPO, script), ...args], {
    cwd: REPO,
    input: stdin,
    encoding: "utf8",
    timeout: 60000,
    env: {
      PATH: pathOverride || `${FAKE_BIN}:${process.env.PATH}`,
      HOME: dir,
      FAKE_DIR: dir,
      FAKE_BUILD_DIGEST: BUILD_DIGEST,
      AWS_REGION: REGION,
      DEPLOY_WORK_DIR: path.join(dir, "work"),
      DEPLOY_POLL_SECONDS: "0",
      SMOKE_WAIT_SECONDS: "2",
      TERM: "dumb",
      ...env,
    },
  });
  const callsFile = path.join(dir, "calls.jsonl");
  const calls = fs.existsSync(callsFile)
    ? fs.readFileSync(callsFile, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l))
    : [];
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, calls, dir };
}

// "+ ..." and "# ..." lines: what a dry run says it would do.
function printed(stdout) {
  return stdout.split("\n").filter((l) => l.startsWith("+ ") || l.startsWith("# "));
}

// The calls as command lines, e.g. "aws ecs describe-services ...".
function callLines(calls, tool) {
  return calls.filter((c) => !tool || c.tool === tool).map((c) => [c.tool, ...c.args].join(" "));
}

module.exports = {
  REPO, FAKE_BIN, ACCOUNT, REGION, REGISTRY, CLUSTER, DIGEST, BUILD_DIGEST, TAG,
  taskDefArn, serviceJson, taskDefinitionJson, baseRules, runScript, printed, callLines,
};

// runScript without blocking the event loop (for tests that serve HTTP in-process).
function runScriptAsync(script, args, opts = {}) {
  const { spawn } = require("node:child_process");
  const { rules = baseRules(), env = {}, stdin = "" } = opts;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wfcheck-"));
  fs.writeFileSync(path.join(dir, "rules.json"), JSON.stringify(rules));
  return new Promise((resolve) => {
    const child = spawn("bash", [path.join(REPO, script), ...args], {
      cwd: REPO,
      env: {
        PATH: `${FAKE_BIN}:${process.env.PATH}`, HOME: dir, FAKE_DIR: dir, FAKE_BUILD_DIGEST: BUILD_DIGEST,
        AWS_REGION: REGION, DEPLOY_WORK_DIR: path.join(dir, "work"), DEPLOY_POLL_SECONDS: "0",
        SMOKE_WAIT_SECONDS: "2", TERM: "dumb", ...env,
      },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60000);
    child.on("close", (code) => {
      clearTimeout(timer);
      const callsFile = path.join(dir, "calls.jsonl");
      const calls = fs.existsSync(callsFile)
        ? fs.readFileSync(callsFile, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l))
        : [];
      resolve({ code, stdout, stderr, calls, dir });
    });
    child.stdin.on("error", () => {}); // the script may exit before reading its input
    if (stdin) child.stdin.end(stdin);
    else child.stdin.end();
  });
}
module.exports.runScriptAsync = runScriptAsync;
