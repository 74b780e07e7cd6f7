"use strict";
// scripts/lib/aws-cost-report.sh with a fake aws: the Cost Explorer and
// Budgets calls it makes and the markdown it writes.
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const h = require("./helpers");

const SCRIPT = "scripts/lib/aws-cost-report.sh";
const ESTIMATE = {
  environment: "dev",
  schedule: "as scheduled in the tfvars",
  free_tier: true,
  scenarios: [
    { name: "baseline", total: { usd: "38.62" }, total_high: { usd: "39.90" }, estimate: { components: { compute: { usd: "1.93" }, "load balancing": { usd: "23.96" } } } },
    { name: "24x7", total: { usd: "56.09" } },
  ],
};

function group(key, amount) {
  return { Keys: [key], Metrics: { UnblendedCost: { Amount: String(amount), Unit: "USD" } } };
}

function day(date, groups) {
  return { TimePeriod: { Start: date }, Groups: groups };
}

function rules({ forecast = true, budget = true } = {}) {
  const daily = [];
  for (let d = 16; d <= 29; d++) {
    const date = `2026-11-${String(d).padStart(2, "0")}`;
    const late = d >= 23;
    daily.push(day(date, [group("Amazon Elastic Load Balancing", 0.79), group("Amazon Relational Database Service", late ? 0.6 : 0.2)]));
  }
  return [
    { cmd: "sts get-caller-identity", out: { Account: h.ACCOUNT } },
    { cmd: "ce get-cost-and-usage", has: ["Type=TAG,Key=Environment"], out: { ResultsByTime: [{ Groups: [group("Environment$dev", 20.5), group("Environment$", 1.25), group("Environment$prod", 0)] }] } },
    { cmd: "ce get-cost-and-usage", has: ["DAILY"], out: { ResultsByTime: daily } },
    { cmd: "ce get-cost-and-usage", has: ["MONTHLY"], out: { ResultsByTime: [{ Groups: [
      group("Amazon Elastic Load Balancing", 15.2), group("Amazon Relational Database Service", 5.3), group("Tax", 0.001),
    ] }] } },
    forecast ? { cmd: "ce get-cost-forecast", out: { Total: { Amount: "6.5", Unit: "USD" } } }
      : { cmd: "ce get-cost-forecast", exit: 254, stderr: "DataUnavailableException" },
    budget ? { cmd: "budgets describe-budget", out: { Budget: { BudgetLimit: { Amount: "50.0" }, CalculatedSpend: { ActualSpend: { Amount: "20.5" }, ForecastedSpend: { Amount: "27.0" } } } } }
      : { cmd: "budgets describe-budget", exit: 254, stderr: "NotFoundException" },
  ];
}

test("report: month to date by service and Environment tag, forecast, budget, movers, estimate", async () => {
  const dir = fs.mkdtempSync(path.join(require("node:os").tmpdir(), "cost-"));
  fs.writeFileSync(path.join(dir, "dev.estimate.json"), JSON.stringify(ESTIMATE));
  const r = await h.runScript(SCRIPT, ["--env", "dev", "--today", "2026-11-30", "--estimate", path.join(dir, "dev.estimate.json")], { rules: rules() });
  assert.equal(r.code, 0, r.stderr);
  const md = r.stdout;
  assert.match(md, /^## Cost report: dev \(2026-11-30\)/);
  assert.match(md, /\*\*month to date \(2026-11-01 to 2026-11-29\)\*\*: \$20\.50/);
  assert.match(md, /\*\*forecast for November\*\*: \$27\.00 \(\$6\.50 still to come\)/);
  assert.match(md, /budget\*\* ecommerce-dev-monthly: \$20\.50 of \$50\.00 spent \(41%\), forecast \$27\.00 \(54%\): within budget/);
  assert.match(md, /cost model estimate\*\* \(tools\/costmodel, as scheduled in the tfvars\): \$38\.62\/month to \$39\.90 \(Fargate Spot at its worst-case discount\) \(24\/7: \$56\.09\); the forecast is 70% of it/);
  assert.match(md, /\| Amazon Elastic Load Balancing \| 15\.20 \| 74% \|/);
  assert.ok(!md.includes("| Tax |"), "sub-cent lines are left out");
  assert.match(md, /\| dev \| 20\.50 \|\n\| \(untagged\) \| 1\.25 \|/);
  assert.match(md, /\| Amazon Relational Database Service \| 1\.40 \| 4\.20 \| \+2\.80 \|/);
  assert.ok(!/Load Balancing \| 5\.53 \| 5\.53/.test(md), "unchanged services are not movers");
  assert.match(md, /\| load balancing \| 23\.96 \|/);
  assert.match(md, /at list prices less the always-free allowances \(CloudWatch, 100 GB of data transfer out\), which count once per account/);

  const aws = h.callLines(r.calls, "aws");
  const filter = '{"Tags":{"Key":"Environment","Values":["dev"],"MatchOptions":["EQUALS"]}}';
  assert.deepEqual(aws, [
    "aws sts get-caller-identity --output json",
    `aws ce get-cost-and-usage --time-period Start=2026-11-01,End=2026-11-30 --granularity MONTHLY --metrics UnblendedCost --group-by Type=DIMENSION,Key=SERVICE --filter ${filter} --region us-east-1 --output json`,
    "aws ce get-cost-and-usage --time-period Start=2026-11-01,End=2026-11-30 --granularity MONTHLY --metrics UnblendedCost --group-by Type=TAG,Key=Environment --region us-east-1 --output json",
    `aws ce get-cost-and-usage --time-period Start=2026-11-16,End=2026-11-30 --granularity DAILY --metrics UnblendedCost --group-by Type=DIMENSION,Key=SERVICE --filter ${filter} --region us-east-1 --output json`,
    `aws ce get-cost-forecast --time-period Start=2026-11-30,End=2026-12-01 --metric UNBLENDED_COST --granularity MONTHLY --filter ${filter} --region us-east-1 --output json`,
    `aws budgets describe-budget --account-id ${h.ACCOUNT} --budget-name ecommerce-dev-monthly --output json`,
  ]);
});

test("first day of the month reports the previous month; missing forecast and budget are said so", async () => {
  const r = await h.runScript(SCRIPT, ["--env", "dev", "--today", "2026-12-01"], { rules: rules({ forecast: false, budget: false }) });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\*\*last month \(November\)\*\*: \$20\.50/);
  assert.match(r.stdout, /forecast\*\*: not available/);
  assert.match(r.stdout, /budget\*\* ecommerce-dev-monthly: not found/);
  assert.ok(!r.stdout.includes("cost model estimate"));
  assert.ok(h.callLines(r.calls, "aws").some((l) => l.includes("Start=2026-11-01,End=2026-12-01 --granularity MONTHLY")));
});

test("writes --out, refuses bad arguments", async () => {
  const out = path.join(require("node:os").tmpdir(), `cost-${process.pid}.md`);
  const prodEstimate = path.join(require("node:os").tmpdir(), `prod-estimate-${process.pid}.json`);
  fs.writeFileSync(prodEstimate, JSON.stringify({ ...ESTIMATE, environment: "prod", free_tier: false }));
  let r = await h.runScript(SCRIPT, ["--env", "prod", "--today", "2026-11-30", "--out", out, "--estimate", prodEstimate],
    { rules: rules() });
  assert.equal(r.code, 0, r.stderr);
  assert.match(fs.readFileSync(out, "utf8"), /## Cost report: prod/);
  assert.match(fs.readFileSync(out, "utf8"), /at list prices \(no free tier; data transfer out of the ALB included\)/);
  r = await h.runScript(SCRIPT, ["--today", "2026-11-30"], { rules: rules() });
  assert.match(r.stderr, /--env is required/);
  r = await h.runScript(SCRIPT, ["--env", "dev", "--estimate", "/nonexistent.json"], { rules: rules() });
  assert.match(r.stderr, /estimate file \/nonexistent.json does not exist/);
  r = await h.runScript(SCRIPT, ["--help"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Usage: scripts\/lib\/aws-cost-report.sh --env ENV/);
});

// cost-report.yml's "Decide whether to report" step: a report needs a role; dev's
// scheduled report runs on the first Monday of a month only (Cost Explorer bills $0.01
// a request, 4 a report: tools/costmodel prices 4 a month for dev, 17.333333 for prod),
// prod's every Monday, and a manual run reports both. The step runs in bash with a
// fake `date` that prints the day of the month.
test("cost-report.yml: dev's scheduled report on the first Monday of a month, prod's every Monday, none without a role", () => {
  const YAML = require("yaml");
  const { spawnSync } = require("node:child_process");
  const os = require("node:os");
  const wf = YAML.parse(fs.readFileSync(path.join(h.REPO, ".github/workflows/cost-report.yml"), "utf8"));
  const steps = wf.jobs.report.steps;
  const decide = steps.find((s) => s.name === "Decide whether to report");
  assert.ok(decide, "the report job decides first");
  assert.equal(steps[0], decide, "before any other step");
  assert.equal(decide.id, "when");
  for (const s of steps.slice(1)) assert.equal(s.if, "steps.when.outputs.run == 'true'", `${s.name} runs only when decided`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cost-report-when-"));
  try {
    fs.writeFileSync(path.join(dir, "date"), '#!/bin/sh\necho "$FAKE_DAY"\n', { mode: 0o755 });
    const decideFor = (env, role, event, day) => {
      const out = path.join(dir, "output");
      fs.writeFileSync(out, "");
      const r = spawnSync("bash", ["-e", "-c", decide.run], {
        env: { PATH: `${dir}:${process.env.PATH}`, ENV_NAME: env, ROLE: role, EVENT: event, FAKE_DAY: String(day), GITHUB_OUTPUT: out },
        encoding: "utf8",
      });
      assert.equal(r.status, 0, r.stderr);
      return { run: fs.readFileSync(out, "utf8").trim(), stdout: r.stdout };
    };
    const role = "arn:aws:iam::123456789012:role/cost";
    assert.equal(decideFor("dev", role, "schedule", 1).run, "run=true");
    assert.equal(decideFor("dev", role, "schedule", 7).run, "run=true");
    const skipped = decideFor("dev", role, "schedule", 8);
    assert.equal(skipped.run, "run=false");
    assert.match(skipped.stdout, /::notice::dev's scheduled report runs on the first Monday of a month/);
    assert.equal(decideFor("prod", role, "schedule", 8).run, "run=true");
    assert.equal(decideFor("dev", role, "workflow_dispatch", 20).run, "run=true");
    const noRole = decideFor("prod", "", "schedule", 1);
    assert.equal(noRole.run, "run=false");
    assert.match(noRole.stdout, /::notice::no AWS_COST_ROLE_ARN or AWS_PLAN_ROLE_ARN variable for prod/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
