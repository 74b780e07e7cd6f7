"use strict";
// The project's own rules for GitHub Actions workflows (see README.md):
//   pinned-action     every `uses:` of an action outside this repository is
//                     pinned to a 40-hex commit SHA with a `# vX[.Y[.Z]]` comment
//   permissions       top-level permissions are exactly { contents: read }
//   id-token          a job has id-token: write if and only if it assumes an AWS
//                     role with aws-actions/configure-aws-credentials (directly,
//                     or through a local reusable workflow that does)
//   no-aws-keys       no aws-access-key-id / aws-secret-access-key inputs, no
//                     AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY anywhere
//   script-exists     every repository script (./scripts/x.sh, tools/.../run-tests.sh,
//                     .ci/run, ...) and make target a `run:` calls exists
//   local-workflow    every `uses: ./.github/workflows/x.yml` exists and is reusable
//   deploy-concurrency a job in a deploy-* concurrency group never cancels in
//                     progress
//   header-comment    a workflow starts with a comment block saying what it does
//   vars-declared     every vars.NAME is listed in .github/actionlint.yaml
//                     config-variables
const fs = require("node:fs");
const path = require("node:path");
const YAML = require("yaml");

const SHA_RE = /^[0-9a-f]{40}$/;
const VERSION_COMMENT_RE = /^#\s*v\d+(\.\d+){0,2}\b/;
const CONFIGURE_AWS = "aws-actions/configure-aws-credentials";

function finding(file, line, rule, message) {
  return { file, line, rule, message };
}

function lineOf(node, lineCounter) {
  if (!node || !node.range) return 1;
  return lineCounter.linePos(node.range[0]).line;
}

function parseWorkflow(file, text) {
  const lineCounter = new YAML.LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter, keepSourceTokens: true });
  if (doc.errors.length) {
    return { errors: doc.errors.map((e) => finding(file, e.linePos ? e.linePos[0].line : 1, "yaml", e.message)) };
  }
  return { doc, lineCounter, data: doc.toJS() };
}

// Every step / job `uses:` node with its line and the comment after it on the same line.
function usesEntries(doc, lineCounter, text) {
  const lines = text.split("\n");
  const entries = [];
  YAML.visit(doc, {
    Pair(_, pair) {
      if (pair.key && pair.key.value === "uses" && pair.value && typeof pair.value.value === "string") {
        const line = lineOf(pair.value, lineCounter);
        const raw = lines[line - 1] || "";
        const hash = raw.indexOf(" #");
        entries.push({ value: pair.value.value, line, comment: hash >= 0 ? raw.slice(hash + 1).trim() : "" });
      }
    },
  });
  return entries;
}

function checkPinned(file, entries) {
  const out = [];
  for (const { value, line, comment } of entries) {
    if (value.startsWith("./") || value.startsWith("docker://")) continue;
    const at = value.lastIndexOf("@");
    if (at < 0) {
      out.push(finding(file, line, "pinned-action", `${value}: no @ref: pin to a full commit SHA`));
      continue;
    }
    const ref = value.slice(at + 1);
    if (!SHA_RE.test(ref)) {
      out.push(finding(file, line, "pinned-action", `${value}: pinned to "${ref}", not a 40-hex commit SHA`));
    } else if (!VERSION_COMMENT_RE.test(comment)) {
      out.push(finding(file, line, "pinned-action", `${value}: the SHA needs a version comment like "# v1.2.3"`));
    }
  }
  return out;
}

function jobLine(doc, lineCounter, jobId) {
  const jobs = doc.get("jobs", true);
  if (!jobs || !jobs.items) return 1;
  const pair = jobs.items.find((p) => p.key && p.key.value === jobId);
  return pair ? lineOf(pair.key, lineCounter) : 1;
}

function permissionValue(perms, key) {
  if (perms === undefined || perms === null) return undefined;
  if (typeof perms === "string") return perms; // read-all / write-all
  return perms[key];
}

// Does a local reusable workflow (or anything it calls) assume an AWS role?
function workflowAssumesRole(repo, ref, seen = new Set()) {
  const file = path.join(repo, ref.replace(/^\.\//, ""));
  if (seen.has(file) || !fs.existsSync(file)) return false;
  seen.add(file);
  const data = YAML.parse(fs.readFileSync(file, "utf8")) || {};
  return Object.values(data.jobs || {}).some((job) => jobAssumesRole(repo, job, seen));
}

function jobAssumesRole(repo, job, seen = new Set()) {
  if (!job) return false;
  if (typeof job.uses === "string" && job.uses.startsWith("./")) return workflowAssumesRole(repo, job.uses, seen);
  return (job.steps || []).some((s) => typeof s.uses === "string" && s.uses.split("@")[0] === CONFIGURE_AWS);
}

function checkPermissions(file, parsed, repo) {
  const { doc, lineCounter, data } = parsed;
  const out = [];
  const top = data.permissions;
  const topLine = lineOf(doc.get("permissions", true), lineCounter);
  if (!top || typeof top !== "object" || Object.keys(top).length !== 1 || top.contents !== "read") {
    out.push(finding(file, topLine, "permissions", `top-level permissions must be exactly "contents: read", got ${JSON.stringify(top)}`));
  }
  for (const [id, job] of Object.entries(data.jobs || {})) {
    const line = jobLine(doc, lineCounter, id);
    const assumes = jobAssumesRole(repo, job);
    const idToken = permissionValue(job.permissions, "id-token") === "write" || job.permissions === "write-all";
    if (assumes && !idToken) {
      out.push(finding(file, line, "id-token", `job ${id} assumes an AWS role (${CONFIGURE_AWS}) but lacks "id-token: write"`));
    }
    if (!assumes && idToken) {
      out.push(finding(file, line, "id-token", `job ${id} has "id-token: write" but assumes no AWS role`));
    }
    if (assumes && job.permissions && typeof job.permissions === "object" && job.permissions.contents === undefined && !job.uses) {
      out.push(finding(file, line, "permissions", `job ${id} sets permissions without "contents: read" (checkout would fail)`));
    }
  }
  return out;
}

function checkNoKeys(file, text) {
  const out = [];
  text.split("\n").forEach((l, i) => {
    if (/aws-(access-key-id|secret-access-key)\s*:/.test(l) || /AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY)/.test(l)) {
      out.push(finding(file, i + 1, "no-aws-keys", "long-lived AWS keys are not allowed: assume a role with OIDC"));
    }
  });
  return out;
}

// Repository paths a shell script calls: ./x, scripts/x.sh, tools/a/b.sh, .ci/run, bash x.sh, node x.js.
const SCRIPT_RE = /(?:^|[\s;&|(`"'])(?:bash\s+|sh\s+|node\s+)?(\.{0,2}\/?(?:scripts|tools|\.ci|bench|tests|functions|\.github)\/[A-Za-z0-9_./-]*[A-Za-z0-9_-])(?=$|[\s;&|)`"'])/g;
const MAKE_RE = /(?:^|[\s;&|(])make\s+((?:-[A-Za-z]\s*\S+\s+)*)([A-Za-z0-9_.-]+)/g;

function referencedScripts(run) {
  const refs = [];
  for (const line of run.split("\n")) {
    const code = line.replace(/(^|\s)#.*$/, "");
    for (const m of code.matchAll(SCRIPT_RE)) {
      const p = m[1];
      if (p.includes("$") || p.includes("*")) continue;
      refs.push(p.replace(/^\.\//, ""));
    }
  }
  return refs;
}

function makeTargets(repo, dir) {
  const makefile = ["GNUmakefile", "makefile", "Makefile"].map((f) => path.join(repo, dir, f)).find((f) => fs.existsSync(f));
  if (!makefile) return null;
  const targets = new Set();
  for (const line of fs.readFileSync(makefile, "utf8").split("\n")) {
    const m = line.match(/^([A-Za-z0-9_.-]+)\s*:(?!=)/);
    if (m) targets.add(m[1]);
  }
  return targets;
}

function runBlocks(data) {
  const blocks = [];
  for (const [id, job] of Object.entries(data.jobs || {})) {
    (job.steps || []).forEach((step, i) => {
      if (typeof step.run === "string") {
        blocks.push({ job: id, step: step.name || `step ${i + 1}`, run: step.run, workdir: step["working-directory"] || (job.defaults && job.defaults.run && job.defaults.run["working-directory"]) || "." });
      }
    });
  }
  return blocks;
}

function findLine(text, needle) {
  const i = text.indexOf(needle);
  return i < 0 ? 1 : text.slice(0, i).split("\n").length;
}

function checkScripts(file, parsed, text, repo) {
  const out = [];
  for (const block of runBlocks(parsed.data)) {
    for (const ref of referencedScripts(block.run)) {
      const candidates = [path.join(repo, ref), path.join(repo, block.workdir, ref)];
      if (!candidates.some((c) => fs.existsSync(c))) {
        out.push(finding(file, findLine(text, ref), "script-exists", `job ${block.job}, "${block.step}": ${ref} does not exist`));
      }
    }
    for (const m of block.run.matchAll(MAKE_RE)) {
      const dirFlag = (m[1] || "").match(/-C\s*(\S+)/);
      const dir = dirFlag ? dirFlag[1] : block.workdir;
      const targets = makeTargets(repo, dir);
      if (!targets) {
        out.push(finding(file, findLine(text, m[0].trim()), "script-exists", `job ${block.job}: "make ${m[2]}" but there is no Makefile in ${dir}`));
      } else if (!targets.has(m[2])) {
        out.push(finding(file, findLine(text, m[0].trim()), "script-exists", `job ${block.job}: make target "${m[2]}" does not exist in ${dir}`));
      }
    }
  }
  return out;
}

function checkLocalWorkflows(file, entries, repo) {
  const out = [];
  for (const { value, line } of entries) {
    if (!value.startsWith("./.github/workflows/")) continue;
    const target = path.join(repo, value.slice(2));
    if (!fs.existsSync(target)) {
      out.push(finding(file, line, "local-workflow", `${value} does not exist`));
      continue;
    }
    const on = (YAML.parse(fs.readFileSync(target, "utf8")) || {}).on;
    const reusable = on && (on === "workflow_call" || (Array.isArray(on) ? on.includes("workflow_call") : Object.hasOwn(on, "workflow_call")));
    if (!reusable) out.push(finding(file, line, "local-workflow", `${value} is not a reusable workflow (no on.workflow_call)`));
  }
  return out;
}

function checkConcurrency(file, parsed) {
  const out = [];
  const { doc, lineCounter, data } = parsed;
  const groups = [];
  if (data.concurrency) groups.push({ where: "workflow", c: data.concurrency, line: lineOf(doc.get("concurrency", true), lineCounter) });
  for (const [id, job] of Object.entries(data.jobs || {})) {
    if (job.concurrency) groups.push({ where: `job ${id}`, c: job.concurrency, line: jobLine(doc, lineCounter, id) });
  }
  for (const { where, c, line } of groups) {
    const group = typeof c === "string" ? c : c.group;
    const cancel = typeof c === "string" ? false : c["cancel-in-progress"];
    if (typeof group === "string" && /(^|[^a-z])deploy-/.test(group) && cancel !== false && cancel !== undefined) {
      out.push(finding(file, line, "deploy-concurrency", `${where}: concurrency group ${group} must not cancel a deploy in progress (cancel-in-progress: false)`));
    }
  }
  return out;
}

function checkHeader(file, text) {
  const first = text.split("\n").find((l) => l.trim() !== "");
  if (!first || !first.startsWith("#")) return [finding(file, 1, "header-comment", "start the workflow with a comment block: what it does and when it runs")];
  return [];
}

function checkVars(file, text, configVariables) {
  const out = [];
  if (!configVariables) return out;
  text.split("\n").forEach((l, i) => {
    for (const m of l.matchAll(/\bvars\.([A-Za-z_][A-Za-z0-9_]*)/g)) {
      if (!configVariables.includes(m[1])) {
        out.push(finding(file, i + 1, "vars-declared", `vars.${m[1]} is not listed in .github/actionlint.yaml config-variables`));
      }
    }
  });
  return out;
}

function checkWorkflow(file, text, { repo, configVariables } = {}) {
  const parsed = parseWorkflow(file, text);
  if (parsed.errors) return parsed.errors;
  const entries = usesEntries(parsed.doc, parsed.lineCounter, text);
  return [
    ...checkHeader(file, text),
    ...checkPinned(file, entries),
    ...checkPermissions(file, parsed, repo),
    ...checkNoKeys(file, text),
    ...checkScripts(file, parsed, text, repo),
    ...checkLocalWorkflows(file, entries, repo),
    ...checkConcurrency(file, parsed),
    ...checkVars(file, text, configVariables),
  ];
}

module.exports = { checkWorkflow, referencedScripts, usesEntries, parseWorkflow };
