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
//   environment-concurrency
//                     a job that assumes an AWS role in a GitHub environment
//                     (a deploy, a rollback, a terraform apply) is in the
//                     concurrency group aws-<environment> and never cancels in
//                     progress: deploys and applies of one environment queue
//   deploy-needs-tests a job that deploys a new build (a reusable deploy
//                     workflow with artifacts) needs, directly or through
//                     other jobs, a job that runs the test command; what ci.yml
//                     skips on push (paths-ignore) is tested by a workflow
//                     that calls it
//   image-scan-platforms
//                     a job that builds a multi-platform OCI archive scans
//                     every platform of that archive (Trivy on the layouts of
//                     scripts/ci/oci-platforms.sh), never a rebuild
//   workspace-ignored every folder in the workspace that a workflow caches
//                     (actions/cache path) or points a tool at
//                     ($GITHUB_WORKSPACE/x, ${{ github.workspace }}/x) is
//                     git-ignored: else it is a change in the work tree, and
//                     the test command's fresh-machine check copies it in
//   container-shell   a job that runs in a container (container:) names the
//                     shell of its run steps (defaults.run.shell of the job or
//                     the workflow, or shell: on each): GitHub's default there
//                     is sh, where pipefail and bash arrays fail
//   header-comment    a workflow starts with a comment block saying what it does
//   vars-declared     every vars.NAME is listed in .github/actionlint.yaml
//                     config-variables
const { spawnSync } = require("node:child_process");
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

// One concurrency group per environment for everything that changes it: a
// terraform apply must never run in the middle of a blue/green deployment.
function checkConcurrency(file, parsed, repo) {
  const out = [];
  const { doc, lineCounter, data } = parsed;
  for (const [id, job] of Object.entries(data.jobs || {})) {
    const env = typeof job.environment === "string" ? job.environment : job.environment && job.environment.name;
    if (!env || job.uses || !jobAssumesRole(repo, job)) continue;
    const line = jobLine(doc, lineCounter, id);
    const c = job.concurrency;
    const group = typeof c === "string" ? c : c && c.group;
    const expected = `aws-${env}`;
    if (group !== expected) {
      out.push(finding(file, line, "environment-concurrency", `job ${id} changes environment ${env}: its concurrency group must be ${expected} (shared by the deploys and applies of ${env}), got ${group === undefined ? "none" : group}`));
    } else if (typeof c === "string" || c["cancel-in-progress"] !== false) {
      out.push(finding(file, line, "environment-concurrency", `job ${id}: concurrency group ${group} must set cancel-in-progress: false (a deploy or apply is never cancelled half-way)`));
    }
  }
  return out;
}

function readWorkflow(repo, ref) {
  const file = path.join(repo, ref.replace(/^\.\//, ""));
  if (!fs.existsSync(file)) return null;
  return YAML.parse(fs.readFileSync(file, "utf8")) || {};
}

const TEST_COMMAND_RE = /(^|[\s;&|(])(\.\/)?(scripts\/test\.sh|\.ci\/run)(\s|$)/m;

// Does a job run the test command (directly, or by calling a reusable
// workflow that does)?
function jobRunsTests(repo, job, seen = new Set()) {
  if (typeof job.uses === "string" && job.uses.startsWith("./")) {
    if (seen.has(job.uses)) return false;
    seen.add(job.uses);
    const wf = readWorkflow(repo, job.uses);
    return !!wf && Object.values(wf.jobs || {}).some((j) => jobRunsTests(repo, j, seen));
  }
  return (job.steps || []).some((st) => typeof st.run === "string" && TEST_COMMAND_RE.test(st.run));
}

// Does a job deploy a new build: a reusable workflow whose jobs run
// scripts/deploy.sh, called with artifacts (a rollback to a digest that is
// already deployed passes artifacts: false), or steps that run it?
function jobDeploysBuild(repo, job) {
  const runsDeploy = (j) => (j.steps || []).some((st) => typeof st.run === "string" && /scripts\/deploy\.sh/.test(st.run));
  if (typeof job.uses === "string" && job.uses.startsWith("./")) {
    const wf = readWorkflow(repo, job.uses);
    if (!wf || !Object.values(wf.jobs || {}).some(runsDeploy)) return false;
    const artifacts = job.with && job.with.artifacts;
    return artifacts !== false && artifacts !== "false";
  }
  return runsDeploy(job);
}

function asArray(v) {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

function checkDeployNeedsTests(file, parsed, repo) {
  const out = [];
  const { doc, lineCounter, data } = parsed;
  const jobs = data.jobs || {};
  const tested = (id, seen = new Set()) => {
    if (seen.has(id) || !jobs[id]) return false;
    seen.add(id);
    if (jobRunsTests(repo, jobs[id])) return true;
    return asArray(jobs[id].needs).some((n) => tested(n, seen));
  };
  const on = data.on && typeof data.on === "object" && !Array.isArray(data.on) ? data.on : {};
  // A reusable workflow deploys what its callers give it: they are checked.
  const onlyCalled = Object.keys(on).length === 1 && Object.hasOwn(on, "workflow_call");
  for (const [id, job] of Object.entries(jobs)) {
    if (onlyCalled || !jobDeploysBuild(repo, job)) continue;
    if (!asArray(job.needs).some((n) => tested(n))) {
      out.push(finding(file, jobLine(doc, lineCounter, id), "deploy-needs-tests", `job ${id} deploys a new build but needs no job that runs the test command (./scripts/test.sh, .ci/run or a workflow that runs it): an untested commit would ship`));
    }
  }
  // A reusable test workflow that skips paths on push: each skipped path
  // must be tested by a workflow that calls it on push.
  const ignored = on.push && on.push["paths-ignore"];
  if (ignored && Object.hasOwn(on, "workflow_call") && Object.values(jobs).some((j) => jobRunsTests(repo, j))) {
    const me = "./" + file.replace(/\\/g, "/");
    const covered = new Set();
    const dir = path.join(repo, ".github", "workflows");
    for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
      const wf = readWorkflow(repo, `.github/workflows/${f}`);
      if (!wf || !/\.ya?ml$/.test(f)) continue;
      const calls = Object.values(wf.jobs || {}).some((j) => typeof j.uses === "string" && path.normalize(j.uses) === path.normalize(me));
      const push = wf.on && wf.on.push;
      if (calls && push && push.paths) for (const p of push.paths) covered.add(p);
    }
    for (const p of ignored) {
      if (!covered.has(p)) {
        out.push(finding(file, findLine(parsed.text, `"${p}"`), "deploy-needs-tests", `push paths-ignore "${p}": no workflow that calls ${me} on push covers it, so a push touching only it is never tested`));
      }
    }
  }
  return out;
}

const TRIVY_ACTION = "aquasecurity/trivy-action";

// Each platform of an OCI archive built in a job is scanned from that
// archive: oci-platforms.sh split names every platform, and a blocking Trivy
// step reads each platform's layout.
function checkImageScans(file, parsed) {
  const out = [];
  const { doc, lineCounter, data } = parsed;
  for (const [id, job] of Object.entries(data.jobs || {})) {
    const steps = job.steps || [];
    const builds = steps.filter((st) => typeof st.uses === "string" && st.uses.startsWith("docker/build-push-action@"));
    const archive = builds.find((st) => st.with && /type=oci/.test(String(st.with.outputs || "")));
    if (!archive) continue;
    const line = jobLine(doc, lineCounter, id);
    const platforms = String(archive.with.platforms || "linux/amd64").split(",").map((p) => p.trim()).filter(Boolean);
    for (const st of builds) {
      if (st !== archive && st.with && (st.with.load === true || st.with.load === "true")) {
        out.push(finding(file, line, "image-scan-platforms", `job ${id}: step "${st.name || "build"}" rebuilds the image to scan it: scan the archive that is deployed instead`));
      }
    }
    const split = steps.find((st) => typeof st.run === "string" && /scripts\/ci\/oci-platforms\.sh\s+split/.test(st.run));
    if (!split) {
      out.push(finding(file, line, "image-scan-platforms", `job ${id} builds an OCI archive but never splits it per platform (scripts/ci/oci-platforms.sh split)`));
      continue;
    }
    const trivy = steps.filter((st) => typeof st.uses === "string" && st.uses.split("@")[0] === TRIVY_ACTION);
    for (const st of trivy) {
      if (st.with && st.with["image-ref"]) out.push(finding(file, line, "image-scan-platforms", `job ${id}: Trivy step "${st.name}" scans ${st.with["image-ref"]}, not the built archive`));
    }
    for (const p of platforms) {
      if (!new RegExp(`(^|\\s)${p.replace(/[/]/g, "\\/")}(\\s|$)`).test(split.run)) {
        out.push(finding(file, line, "image-scan-platforms", `job ${id}: ${p} is built but oci-platforms.sh split does not name it`));
      }
      const layout = `layouts/${p.replace(/\//g, "-")}`;
      const gate = trivy.find((st) => st.with && String(st.with.input || "").endsWith(layout) && String(st.with["exit-code"]) === "1" &&
        /HIGH/.test(String(st.with.severity || "")) && /CRITICAL/.test(String(st.with.severity || "")));
      if (!gate) out.push(finding(file, line, "image-scan-platforms", `job ${id}: no Trivy step fails on HIGH/CRITICAL in the ${p} image of the archive (input .../${layout}, exit-code "1")`));
    }
  }
  return out;
}

function checkContainerShell(file, parsed) {
  const out = [];
  const { doc, lineCounter, data } = parsed;
  const workflowShell = data.defaults && data.defaults.run && data.defaults.run.shell;
  for (const [id, job] of Object.entries(data.jobs || {})) {
    if (!job.container || workflowShell || (job.defaults && job.defaults.run && job.defaults.run.shell)) continue;
    const unnamed = (job.steps || []).filter((step) => typeof step.run === "string" && !step.shell);
    if (unnamed.length) {
      out.push(finding(file, jobLine(doc, lineCounter, id), "container-shell", `job ${id} runs in a container, where run steps default to sh (not bash): set defaults.run.shell (e.g. bash) or shell: on its ${unnamed.length} run step(s)`));
    }
  }
  return out;
}

// The workspace-relative paths a workflow caches or hands to tools.
function workspacePaths(data, text) {
  const found = new Set();
  for (const job of Object.values(data.jobs || {})) {
    for (const step of job.steps || []) {
      if (typeof step.uses !== "string" || !step.uses.startsWith("actions/cache")) continue;
      const p = step.with && step.with.path;
      for (const entry of typeof p === "string" ? p.split("\n") : []) {
        const e = entry.trim();
        if (e && !/^[~/$!]/.test(e)) found.add(e);
      }
    }
  }
  for (const m of text.matchAll(/(?:\$\{?GITHUB_WORKSPACE\}?|\$\{\{\s*github\.workspace\s*\}\})\/([A-Za-z0-9._\/-]+)/g)) {
    found.add(m[1]);
  }
  return [...found].map((p) => p.replace(/\/+$/, ""));
}

// git check-ignore on PATH or anything under it: true, false, or null
// when it cannot tell (not a git repository).
function gitIgnored(repo, p) {
  for (const candidate of [p, `${p}/x`]) {
    const r = spawnSync("git", ["-C", repo, "check-ignore", "--no-index", "-q", "--", candidate]);
    if (r.status === 0) return true;
    if (r.status !== 1) return null;
  }
  return false;
}

function checkWorkspaceIgnored(file, parsed, text, repo) {
  if (!repo) return [];
  const out = [];
  for (const p of workspacePaths(parsed.data, text)) {
    if (gitIgnored(repo, p) === false) {
      out.push(finding(file, findLine(text, p), "workspace-ignored", `${p} is in the workspace and not git-ignored: it shows as a change in the work tree, and the test command's fresh-machine check copies it into its clone (add it to .gitignore)`));
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
    ...checkConcurrency(file, parsed, repo),
    ...checkDeployNeedsTests(file, { ...parsed, text }, repo),
    ...checkImageScans(file, parsed),
    ...checkWorkspaceIgnored(file, parsed, text, repo),
    ...checkContainerShell(file, parsed),
    ...checkVars(file, text, configVariables),
  ];
}

module.exports = { checkWorkflow, referencedScripts, usesEntries, parseWorkflow };
