"use strict";
// Runs the project's scripts with the fake aws/terraform/docker/skopeo of
// fake-bin/ first on PATH and returns what they printed and every call the
// fakes recorded.
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

// The environment of a script run with the rules: the fakes first on PATH, and
// the scripts' waits short (polls without pause; the smoke test gives up after
// 2 s, polling every 0.5 s).
function scriptEnv(dir) {
  return {
    PATH: `${FAKE_BIN}:${process.env.PATH}`,
    HOME: dir,
    FAKE_DIR: dir,
    FAKE_BUILD_DIGEST: BUILD_DIGEST,
    AWS_REGION: REGION,
    DEPLOY_WORK_DIR: path.join(dir, "work"),
    DEPLOY_POLL_SECONDS: "0",
    SMOKE_WAIT_SECONDS: "2",
    SMOKE_POLL_SECONDS: "0.5",
    SMOKE_STOCK_WAIT_SECONDS: "2",
    SMOKE_STOCK_POLL_SECONDS: "0.5",
    TERM: "dumb",
  };
}

// runScript(script, args, { rules, env, stdin, path }): runs a repository
// script with the fakes answering from `rules` (served in-process, see
// fake-world/server.js); resolves to { code, stdout, stderr, calls, dir }.
// `path` replaces PATH (e.g. without the fakes).
async function runScript(script, args, { rules = baseRules(), env = {}, stdin = "", path: pathOverride } = {}) {
  const { startFakeServer } = require("./fake-world/server");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wfcheck-"));
  fs.writeFileSync(path.join(dir, "rules.json"), JSON.stringify(rules));
  const server = await startFakeServer(dir, { buildDigest: env.FAKE_BUILD_DIGEST || BUILD_DIGEST });
  let result;
  try {
    result = await spawnScript(REPO, script, args, {
      env: { ...scriptEnv(dir), FAKE_SERVER_PORT: String(server.port), ...(pathOverride ? { PATH: pathOverride } : {}), ...env },
      stdin,
      timeoutMs: 60000,
    });
  } finally {
    await server.close();
  }
  const callsFile = path.join(dir, "calls.jsonl");
  const calls = fs.existsSync(callsFile)
    ? fs.readFileSync(callsFile, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l))
    : [];
  return { ...result, calls, dir };
}

// spawnScript(repo, script, args, { env, stdin, timeoutMs }): runs bash
// repo/script in repo without blocking the event loop (the fakes' server and
// the fake shop answer from this process); resolves to { code, stdout, stderr }.
function spawnScript(repo, script, args, { env, stdin = "", timeoutMs }) {
  const { spawn } = require("node:child_process");
  return new Promise((resolve) => {
    const child = spawn("bash", [path.join(repo, script), ...args], { cwd: repo, env });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on("error", () => {}); // the script may exit before reading its input
    child.stdin.end(stdin);
  });
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

// ---- the stateful fake world (fake-world/) ---------------------------------------------

const TFVARS_CACHE = new Map();

// tfvars(env): envs/<env>.tfvars evaluated by tools/tfcheck (with the
// variables' defaults), computed once per test process.
async function tfvars(environment) {
  if (!TFVARS_CACHE.has(environment)) {
    const { execFile } = require("node:child_process");
    const file = path.join(REPO, "terraform", "envs", `${environment}.tfvars`);
    TFVARS_CACHE.set(environment, new Promise((resolve, reject) => {
      execFile(process.execPath, [path.join(REPO, "tools/tfcheck/bin/tfcheck.js"), "tfvars-json", file, "--with-defaults"],
        { maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
          if (err) return reject(new Error(`tfcheck tfvars-json ${file}: ${stderr}`));
          resolve({ ...JSON.parse(stdout), __file: file });
        });
    }));
  }
  return TFVARS_CACHE.get(environment);
}

// newWorld({ environments, tfvarsOverride, config }): an empty fake account
// (FAKE_DIR/world.json) with a fake shop per environment whose URL the fake
// Terraform outputs as `url`. Returns helpers to run scripts in it and to
// read and change the world.
async function newWorld({ environments = ["dev"], tfvarsOverride = {}, config = {} } = {}) {
  const { emptyWorld, readWorld, writeWorld } = require("./fake-world/state");
  const { startShop } = require("./fake-shop");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wfworld-"));
  const shops = {};
  const urls = {};
  const cached = {};
  for (const env of environments) {
    shops[env] = await startShop({ world: { dir, environment: env } });
    urls[env] = shops[env].url;
    cached[env] = { ...(await tfvars(env)), ...(tfvarsOverride[env] || {}) };
  }
  writeWorld(dir, emptyWorld({ urls, tfvars: cached, ...config }));
  const { startFakeServer } = require("./fake-world/server");
  const server = await startFakeServer(dir);
  let mark = 0;
  const allCalls = () => {
    const f = path.join(dir, "calls.jsonl");
    return fs.existsSync(f) ? fs.readFileSync(f, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l)) : [];
  };
  return {
    dir,
    shops,
    read: () => readWorld(dir),
    update(fn) {
      const w = readWorld(dir);
      fn(w);
      writeWorld(dir, w);
    },
    calls: allCalls,
    // run(script, args, opts): runs a script in the world; .calls are this run's calls.
    async run(script, args, { env = {}, stdin = "" } = {}) {
      mark = allCalls().length;
      const r = await runInWorld(dir, script, args, { env: { FAKE_SERVER_PORT: String(server.port), ...env }, stdin });
      r.calls = allCalls().slice(mark);
      return r;
    },
    async close() {
      for (const s of Object.values(shops)) await s.close();
      await server.close();
      // FAKE_KEEP=1 keeps the world (world.json, calls.jsonl) to look at.
      if (process.env.FAKE_KEEP !== "1") fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function runInWorld(dir, script, args, { env = {}, stdin = "", repo = REPO } = {}) {
  return spawnScript(repo, script, args, {
    env: {
      PATH: `${FAKE_BIN}:${process.env.PATH}`, HOME: dir, FAKE_DIR: dir, AWS_REGION: REGION, TERM: "dumb",
      DEPLOY_POLL_SECONDS: "0", ENV_POLL_SECONDS: "0", SMOKE_WAIT_SECONDS: "3", SMOKE_STOCK_WAIT_SECONDS: "3",
      SMOKE_POLL_SECONDS: "0.5", SMOKE_STOCK_POLL_SECONDS: "0.5", SETUP_WAIT_SECONDS: "5", DEPLOY_WORK_DIR: path.join(dir, "work"), ...env,
    },
    stdin,
    timeoutMs: 240000,
  });
}

// The calls as "aws ecs update-service", "terraform apply", "docker buildx build": the
// tool and its command words (options left out), in order.
function commandsOf(calls, { http = false } = {}) {
  return calls.filter((c) => http || c.tool !== "http").map((c) => {
    if (c.tool === "aws") {
      const words = c.args[1] === "wait" ? c.args.slice(0, 3) : c.args.slice(0, 2);
      return ["aws", ...words].join(" ");
    }
    if (c.tool === "terraform") return ["terraform", c.args.find((a) => !a.startsWith("-"))].join(" ");
    if (c.tool === "docker") return ["docker", ...c.args.slice(0, c.args[0] === "buildx" ? 2 : 1)].join(" ");
    if (c.tool === "http") return `http ${c.args[0]} ${c.args[1].replace(/[0-9a-f]{8}-[0-9a-f-]{27}/, "ID")}`;
    return [c.tool, c.args[0]].join(" ");
  });
}

module.exports.tfvars = tfvars;
module.exports.newWorld = newWorld;
module.exports.runInWorld = runInWorld;
module.exports.commandsOf = commandsOf;

// provisionedWorld(opts): newWorld with each environment already set up as
// scripts/setup.sh leaves it (state bucket, terraform apply, bootstrap images,
// db-init done, the demo catalog in the shop), built in-process through the
// fakes' own dispatch (fast: no script, no process). For the tests of one step.
async function provisionedWorld(opts = {}) {
  const { dispatch } = require("./fake-world/dispatch");
  const { letTimePass } = require("./fake-world/scheduler");
  const { names } = require("./fake-world/names");
  const w = await newWorld(opts);
  const bucket = `ecommerce-tfstate-${ACCOUNT}`;
  const call = (tool, args, stdin = "") => {
    const r = dispatch(w.dir, tool, args, { cwd: REPO, stdin });
    if (r.exit !== 0) throw new Error(`provisioning: ${tool} ${args.join(" ")}: ${r.stderr}`);
    return r;
  };
  const catalog = JSON.parse(fs.readFileSync(path.join(REPO, "services/product-service/demo/catalog.json"), "utf8"));
  for (const env of opts.environments || ["dev"]) {
    if (!w.read().s3.buckets[bucket]) call("aws", ["s3api", "create-bucket", "--bucket", bucket, "--region", REGION]);
    const tf = ["-chdir=terraform"];
    const vars = ["-input=false", `-var-file=envs/${env}.tfvars`, "-var", `state_bucket=${bucket}`, "-auto-approve"];
    call("terraform", [...tf, "init", "-input=false", "-reconfigure", `-backend-config=bucket=${bucket}`, `-backend-config=key=ecommerce/${env}/terraform.tfstate`, `-backend-config=region=${REGION}`]);
    call("terraform", [...tf, "apply", ...vars, "-target=module.ecr"]);
    call("aws", ["ecr", "get-login-password", "--region", REGION]);
    call("docker", ["login", "--username", "AWS", "--password-stdin", REGISTRY], "fake-ecr-token");
    for (const s of ["product-service", "order-service", "frontend"]) {
      call("docker", ["buildx", "build", "--platform", "linux/amd64,linux/arm64", "--file", `services/${s}/Dockerfile`,
        "--tag", `${REGISTRY}/${names(env).repository(s)}:bootstrap`, "--push", "."]);
    }
    call("terraform", [...tf, "apply", ...vars]);
    w.update((x) => {
      x.rds.instances[names(env).dbInstance].initialised = true;
      letTimePass(x, 60);
    });
    w.shops[env].seed(catalog);
  }
  fs.writeFileSync(path.join(w.dir, "calls.jsonl"), "");
  return w;
}
module.exports.provisionedWorld = provisionedWorld;
