#!/usr/bin/env node
"use strict";
// Job summary of the ci workflow: the test command's closing counts
// ("N passed, M failed"), its per-suite lines, and the JUnit XML reports found
// under the build folder (tests, failures, the names of failed tests).
// Usage: node ci-summary.js TEST_OUTPUT_LOG BUILD_DIR   (markdown on stdout)
const fs = require("node:fs");
const path = require("node:path");

const COUNT_RE = /^(?:\w+:\s*)?(\d+) passed, (\d+) failed(?:, (\d+) skipped)?\s*$/;
// A pass's line, indented by two: "  NAME: N passed, M failed" and maybe a
// note after it; NAME may have spaces and punctuation ("asan+lint",
// "release, on the fresh machine").
const SUITE_RE = /^ {2}\S[^:]*: \d+ passed, \d+ failed\b/;

function parseLog(text) {
  const lines = text.split(/\r?\n/).map((l) => l.replace(/\x1b\[[0-9;]*m/g, ""));
  let total = null;
  const suites = [];
  for (const line of lines) {
    if (SUITE_RE.test(line)) {
      suites.push(line.trim());
      continue;
    }
    const m = line.trim().match(COUNT_RE);
    if (m) total = { passed: Number(m[1]), failed: Number(m[2]), skipped: Number(m[3] || 0) };
  }
  const took = lines.find((l) => l.startsWith("test command took"));
  return { total, suites, took: took ? took.trim() : null };
}

function attr(tag, name) {
  const m = tag.match(new RegExp(`\\s${name}="([^"]*)"`));
  return m ? m[1] : null;
}

function unescape(s) {
  return s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");
}

// Counts and failed test names of one JUnit XML document.
function parseJUnit(xml) {
  const result = { tests: 0, failures: 0, skipped: 0, failed: [] };
  const re = /<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g;
  let m;
  while ((m = re.exec(xml))) {
    result.tests++;
    const body = m[3] || "";
    const name = unescape(attr(m[1], "name") || "?");
    const cls = attr(m[1], "classname");
    if (/<(failure|error)\b/.test(body)) {
      result.failures++;
      result.failed.push(cls ? `${unescape(cls)}.${name}` : name);
    } else if (/<skipped\b/.test(body) || attr(m[1], "status") === "notrun") {
      result.skipped++;
    }
  }
  return result;
}

function junitFiles(dir) {
  const found = [];
  const walk = (d, depth) => {
    if (depth > 6 || !fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory() && !["_deps", "CMakeFiles", "node_modules"].includes(e.name)) walk(p, depth + 1);
      else if (e.isFile() && e.name.endsWith(".xml") && p.split(path.sep).includes("test-reports")) found.push(p);
    }
  };
  walk(dir, 0);
  return found.sort();
}

function summary(logText, buildDir) {
  const log = parseLog(logText);
  const out = ["## Tests (./scripts/test.sh)", ""];
  if (log.total) {
    const ok = log.total.failed === 0;
    out.push(`${ok ? "✅" : "❌"} **${log.total.passed} passed, ${log.total.failed} failed**${log.total.skipped ? `, ${log.total.skipped} skipped` : ""}`);
  } else {
    out.push("❌ **the test command printed no closing count** (it stopped early: see the log)");
  }
  if (log.took) out.push("", log.took);
  if (log.suites.length) out.push("", "| suite | result |", "|---|---|", ...log.suites.map((s) => { const at = s.indexOf(": "); return `| ${s.slice(0, at)} | ${s.slice(at + 2)} |`; }));
  const files = junitFiles(buildDir);
  if (files.length) {
    out.push("", "### JUnit reports", "", "| report | tests | failed | skipped |", "|---|---:|---:|---:|");
    const failed = [];
    for (const f of files) {
      const r = parseJUnit(fs.readFileSync(f, "utf8"));
      out.push(`| ${path.relative(buildDir, f)} | ${r.tests} | ${r.failures} | ${r.skipped} |`);
      failed.push(...r.failed);
    }
    if (failed.length) {
      out.push("", "### Failed tests", "", ...failed.slice(0, 50).map((n) => `- \`${n}\``));
      if (failed.length > 50) out.push(`- ... and ${failed.length - 50} more`);
    }
  }
  return out.join("\n") + "\n";
}

if (require.main === module) {
  const [logFile, buildDir = "build"] = process.argv.slice(2);
  if (!logFile) {
    process.stderr.write("usage: ci-summary.js TEST_OUTPUT_LOG [BUILD_DIR]\n");
    process.exit(2);
  }
  const text = fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8") : "";
  process.stdout.write(summary(text, buildDir));
}

module.exports = { parseLog, parseJUnit, junitFiles, summary };
