"use strict";
// lib/ci-summary.js: the ci workflow's job summary.
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { parseLog, parseJUnit, summary } = require("../lib/ci-summary");

const LOG = [
  "\x1b[1;34m==>\x1b[0m tests: release",
  "100% tests passed, 0 tests failed out of 40",
  "",
  "  release: 40 passed, 0 failed",
  "  asan: 12 passed, 1 failed",
  "test command took 12m3s",
  "52 passed, 1 failed",
].join("\n");

const XML = `<?xml version="1.0"?>
<testsuites><testsuite name="s" tests="3">
<testcase classname="api" name="lists &amp; pages" time="0.1"/>
<testcase classname="api" name="fails"><failure message="x">boom</failure></testcase>
<testcase classname="api" name="later"><skipped/></testcase>
</testsuite></testsuites>`;

test("parseLog reads the closing count, the suites and the time", () => {
  const r = parseLog(LOG);
  assert.deepEqual(r.total, { passed: 52, failed: 1, skipped: 0 });
  assert.deepEqual(r.suites, ["release: 40 passed, 0 failed", "asan: 12 passed, 1 failed"]);
  assert.equal(r.took, "test command took 12m3s");
  assert.equal(parseLog("no count here").total, null);
  assert.deepEqual(parseLog("summary: 3 passed, 0 failed, 2 skipped").total, { passed: 3, failed: 0, skipped: 2 });
});

test("parseLog reads suite names with spaces and punctuation, and notes after the counts", () => {
  const r = parseLog([
    "  asan+lint: 21 passed, 0 failed",
    "  containers: 3 passed, 0 failed (650 s) (fresh-machine check SKIPPED: --quick or ECOM_SKIP_FRESH_MACHINE=1)",
    "  release, on the fresh machine: 32 passed, 1 failed",
    "56 passed, 1 failed",
  ].join("\n"));
  assert.deepEqual(r.suites, [
    "asan+lint: 21 passed, 0 failed",
    "containers: 3 passed, 0 failed (650 s) (fresh-machine check SKIPPED: --quick or ECOM_SKIP_FRESH_MACHINE=1)",
    "release, on the fresh machine: 32 passed, 1 failed",
  ]);
  assert.deepEqual(r.total, { passed: 56, failed: 1, skipped: 0 });
  const md = summary(r.suites.map((s) => `  ${s}`).join("\n"), os.tmpdir() + "/no-such-build");
  assert.match(md, /\| release, on the fresh machine \| 32 passed, 1 failed \|/);
  assert.match(md, /\| containers \| 3 passed, 0 failed \(650 s\) \(fresh-machine check SKIPPED: --quick or ECOM_SKIP_FRESH_MACHINE=1\) \|/);
});

test("parseJUnit counts tests, failures and skips, and names the failed tests", () => {
  assert.deepEqual(parseJUnit(XML), { tests: 3, failures: 1, skipped: 1, failed: ["api.fails"] });
});

test("summary: counts, suites table, JUnit table and failed tests", () => {
  const build = fs.mkdtempSync(path.join(os.tmpdir(), "summary-"));
  fs.mkdirSync(path.join(build, "release", "test-reports"), { recursive: true });
  fs.writeFileSync(path.join(build, "release", "test-reports", "api.xml"), XML);
  fs.writeFileSync(path.join(build, "release", "other.xml"), XML); // not a report folder
  const md = summary(LOG, build);
  assert.match(md, /❌ \*\*52 passed, 1 failed\*\*/);
  assert.match(md, /\| asan \| 12 passed, 1 failed \|/);
  assert.match(md, /\| release\/test-reports\/api.xml \| 3 \| 1 \| 1 \|/);
  assert.match(md, /- `api.fails`/);
  assert.equal((md.match(/\.xml/g) || []).length, 1);
  assert.match(summary("", build), /printed no closing count/);
  assert.match(summary("7 passed, 0 failed\n", path.join(build, "none")), /✅ \*\*7 passed, 0 failed\*\*/);
});
