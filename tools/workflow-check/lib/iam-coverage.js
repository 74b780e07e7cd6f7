"use strict";
// IAM coverage, both ways: every AWS call the pipeline makes under a GitHub
// role is allowed by that role's policy in terraform/, and every permission
// the deploy and plan roles hold is used by something.
//
// - Who runs what: each workflow job that assumes a role (configure-aws-
//   credentials) is classified by the role it assumes (AWS_DEPLOY_ROLE_ARN_*,
//   AWS_PLAN_ROLE_ARN_* and the cost role that defaults to it,
//   AWS_APPLY_ROLE_ARN_*, AWS_ROTATE_ROLE_ARN_*; through matrices, job env
//   and reusable workflows' inputs). Its run: blocks name scripts; a script
//   brings the scripts it sources and the repository scripts it names
//   (scripts/smoke-test.sh). Of a sourced library only the top-level code
//   and the functions the scripts reach (by name, transitively) count: a
//   script that sources lib/aws-ecs.sh for its deployment helpers does not
//   need the ECR push of a function it never calls.
//   Terraform in a job adds the S3 backend's calls, an apply the local-exec
//   scripts of terraform/, a plan the reads of every resource type.
// - What each call needs: lib/iam-actions.json, the vendored, dated and
//   sourced map from `aws <service> <command>` (and implicit calls such as a
//   skopeo push) to IAM actions.
// - What each role may do: the role's policy documents in terraform/,
//   evaluated by tools/tfcheck for every envs/*.tfvars (and the AWS managed
//   PowerUserAccess of the apply role).
// Resource scoping is not judged here (the ARNs are only known to AWS); the
// actions are, Allow and Deny.
const fs = require("node:fs");
const path = require("node:path");
const YAML = require("yaml");
const { referencedScripts } = require("./rules");

const MAP = JSON.parse(fs.readFileSync(path.join(__dirname, "iam-actions.json"), "utf8"));
const CONFIGURE_AWS = "aws-actions/configure-aws-credentials";

// ---- shell scripts -----------------------------------------------------------

// The script's code without comments and without the text of messages
// (die "... aws sts get-caller-identity failed" is not a call); continuation
// lines joined.
function codeLines(text) {
  return text.replace(/\\\n/g, " ").split("\n").map((line) => {
    if (/^\s*#/.test(line)) return "";
    let l = line.replace(/(^|\s)#(?![!{]).*$/, "$1");
    l = l.replace(/\b(die|warn|say|note|fail|echo|printf|usage)\s+("([^"\\]|\\.)*"|'[^']*')/g, "$1 MSG");
    // for tool in aws jq date: tool names, not a call.
    l = l.replace(/\bfor\s+\w+\s+in\s+[^;]*/g, "for LIST");
    return l;
  });
}

const AWS_RE = /(?:^|[\s;&|(`$"'=])aws\s+([a-z0-9-]+)\s+(wait\s+[a-z0-9-]+|[a-z0-9-]+)/g;

// Every AWS call a shell script makes: { call, line } with call a key of
// iam-actions.json's cli or implicit map.
function awsCallsOfScript(text) {
  const lines = codeLines(text);
  const wrappers = {}; // ce() { aws ce "$@" ...; }
  for (const l of lines) {
    const m = l.match(/^\s*([a-z_][a-z0-9_]*)\(\)\s*\{\s*aws\s+([a-z0-9-]+)\s+"\$@"/);
    if (m) wrappers[m[1]] = m[2];
  }
  const out = [];
  lines.forEach((l, i) => {
    for (const m of l.matchAll(AWS_RE)) out.push({ call: `${m[1]} ${m[2].replace(/\s+/g, " ")}`, line: i + 1 });
    for (const [fn, service] of Object.entries(wrappers)) {
      for (const m of l.matchAll(new RegExp(`(?:^|[\\s;&|(\`$"'])${fn}\\s+([a-z0-9-]+)`, "g"))) {
        if (!/\(\)\s*\{/.test(l)) out.push({ call: `${service} ${m[1]}`, line: i + 1 });
      }
    }
    if (/\bskopeo\s+copy\b/.test(l)) out.push({ call: "skopeo push to ECR", line: i + 1, implicit: true });
    if (/\bdocker\s+buildx\s+build\b.*--push\b/.test(l)) out.push({ call: "docker buildx push to ECR", line: i + 1, implicit: true });
  });
  return out;
}

// A script and what it brings: the files it sources and the repository
// scripts it names (run, or passed to another command).
function scriptClosure(repo, rel, seen = new Set()) {
  if (seen.has(rel)) return seen;
  const abs = path.join(repo, rel);
  if (!fs.existsSync(abs)) return seen;
  seen.add(rel);
  const text = fs.readFileSync(abs, "utf8");
  for (const m of text.matchAll(/^\s*(?:source|\.)\s+"\$\(dirname "\$\{BASH_SOURCE\[0\]\}"\)\/([^"]+)"/gm)) {
    scriptClosure(repo, path.normalize(path.join(path.dirname(rel), m[1])), seen);
  }
  // Scripts named in code (SMOKE_TEST="scripts/smoke-test.sh"), not in comments or messages.
  for (const line of codeLines(text)) {
    for (const m of line.matchAll(/["'\s=](scripts\/[A-Za-z0-9_/.-]+\.sh)\b/g)) scriptClosure(repo, m[1], seen);
  }
  return seen;
}

// The files of a closure that are sourced by another file of it (libraries).
function sourcedFiles(repo, files) {
  const out = new Set();
  for (const rel of files) {
    const text = fs.readFileSync(path.join(repo, rel), "utf8");
    for (const m of text.matchAll(/^\s*(?:source|\.)\s+"\$\(dirname "\$\{BASH_SOURCE\[0\]\}"\)\/([^"]+)"/gm)) {
      out.add(path.normalize(path.join(path.dirname(rel), m[1])));
    }
  }
  return out;
}

// A script's functions ("name() {" to the next "}" in column 0), by the
// codeLines() line numbers: { name: { start, end, words } }.
function functionsOf(lines) {
  const out = {};
  let open = null;
  lines.forEach((l, i) => {
    const m = l.match(/^([A-Za-z_][A-Za-z0-9_]*)\(\)\s*\{(.*)$/);
    if (!open && m) {
      if (/\}\s*;?\s*$/.test(m[2])) out[m[1]] = { start: i + 1, end: i + 1 };
      else open = { name: m[1], start: i + 1 };
    } else if (open && /^\}/.test(l)) {
      out[open.name] = { start: open.start, end: i + 1 };
      open = null;
    }
  });
  for (const f of Object.values(out)) f.words = new Set(lines.slice(f.start - 1, f.end).join("\n").match(/[A-Za-z_][A-Za-z0-9_]*/g) || []);
  return out;
}

// The AWS calls of a closure (scriptClosure) that can run: every call of the
// scripts it runs, and of the libraries they source only the top-level code
// and the functions reached by name from what runs. [{ call, where }]
function reachedCalls(repo, files) {
  const libs = sourcedFiles(repo, files);
  const parsed = [...files].map((rel) => {
    const text = fs.readFileSync(path.join(repo, rel), "utf8");
    const lines = codeLines(text);
    return { rel, text, lines, lib: libs.has(rel), fns: libs.has(rel) ? functionsOf(lines) : {} };
  });
  const inFunction = (p, line) => Object.entries(p.fns).find(([, f]) => line >= f.start && line <= f.end);
  // Words of what always runs: the scripts, and the libraries' top-level code.
  const words = new Set();
  for (const p of parsed) {
    p.lines.forEach((l, i) => {
      if (p.lib && inFunction(p, i + 1)) return;
      for (const w of l.match(/[A-Za-z_][A-Za-z0-9_]*/g) || []) words.add(w);
    });
  }
  const reached = new Set();
  for (let grew = true; grew;) {
    grew = false;
    for (const p of parsed) {
      for (const [name, f] of Object.entries(p.fns)) {
        if (reached.has(`${p.rel}:${name}`) || !words.has(name)) continue;
        reached.add(`${p.rel}:${name}`);
        for (const w of f.words) words.add(w);
        grew = true;
      }
    }
  }
  const out = [];
  for (const p of parsed) {
    for (const c of awsCallsOfScript(p.text)) {
      const fn = p.lib && inFunction(p, c.line);
      if (fn && !reached.has(`${p.rel}:${fn[0]}`)) continue;
      out.push({ call: c.call, where: `${p.rel}:${c.line}` });
    }
  }
  return out;
}

// ---- workflows ---------------------------------------------------------------

function readWorkflows(repo) {
  const dir = path.join(repo, ".github", "workflows");
  return fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()
    .map((f) => ({ file: `.github/workflows/${f}`, data: YAML.parse(fs.readFileSync(path.join(dir, f), "utf8")) || {} }));
}

const ROLE_KINDS = [
  [/AWS_DEPLOY_ROLE_ARN/, "deploy"],
  [/AWS_APPLY_ROLE_ARN/, "apply"],
  [/AWS_PLAN_ROLE_ARN|AWS_COST_ROLE_ARN/, "plan"],
  [/AWS_ROTATE_ROLE_ARN/, "rotate"],
];

// The role expressions a job may assume, after expanding matrix, job env and
// reusable-workflow inputs.
function roleExpressions(workflows, wf, job) {
  const out = [];
  for (const step of job.steps || []) {
    if (typeof step.uses !== "string" || step.uses.split("@")[0] !== CONFIGURE_AWS) continue;
    const expr = String((step.with || {})["role-to-assume"] || "");
    let exprs = [expr];
    if (/matrix\.role/.test(expr)) exprs = ((job.strategy || {}).matrix || {}).include?.map((i) => String(i.role)) || [];
    else if (/env\.ROLE/.test(expr)) exprs = [String((job.env || {}).ROLE || "")];
    else if (/inputs\.role-arn/.test(expr)) {
      const me = `./${wf.file}`;
      exprs = workflows.flatMap((w) => Object.values(w.data.jobs || {}))
        .filter((j) => typeof j.uses === "string" && path.normalize(j.uses) === path.normalize(me))
        .map((j) => String((j.with || {})["role-arn"] || ""));
    }
    out.push(...exprs);
  }
  return out;
}

function classify(expr) {
  const kinds = new Set();
  for (const [re, kind] of ROLE_KINDS) if (re.test(expr)) kinds.add(kind);
  return [...kinds];
}

// Every AWS call made under each role kind, with where it comes from.
function callsByRole(repo, terraformScripts) {
  const workflows = readWorkflows(repo);
  const byRole = { deploy: [], plan: [], apply: [], rotate: [] };
  const add = (kind, call, where) => byRole[kind].push({ call, where });
  for (const wf of workflows) {
    for (const [id, job] of Object.entries(wf.data.jobs || {})) {
      const kinds = [...new Set(roleExpressions(workflows, wf, job).flatMap(classify))];
      if (!kinds.length) continue;
      const runs = (job.steps || []).filter((s) => typeof s.run === "string").map((s) => s.run);
      const scripts = new Set();
      for (const run of runs) for (const ref of referencedScripts(run)) if (/\.sh$/.test(ref)) scriptClosure(repo, ref, scripts);
      const reached = reachedCalls(repo, scripts);
      const code = codeLines(runs.join("\n")).join("\n");
      const TF = /(?:^|[;&|(]\s*|\s)(?:terraform(?:\s+-chdir=\S+)?|\S*terraform-env\.sh)\s+(init|plan|apply)\b/gm;
      const verbs = new Set([...code.matchAll(TF)].map((m) => m[1]));
      const usesTerraform = verbs.size > 0;
      const applies = verbs.has("apply");
      for (const kind of kinds) {
        for (const run of runs) for (const c of awsCallsOfScript(run)) add(kind, c.call, `${wf.file} (job ${id})`);
        for (const c of reached) add(kind, c.call, c.where);
        if (usesTerraform) add(kind, "terraform S3 backend with use_lockfile", `${wf.file} (job ${id})`);
        if (applies && kind === "apply") {
          for (const s of terraformScripts) {
            const closure = scriptClosure(repo, s);
            for (const f of closure) for (const c of awsCallsOfScript(fs.readFileSync(path.join(repo, f), "utf8"))) add(kind, c.call, `${f}:${c.line} (terraform local-exec)`);
          }
        }
        if (verbs.has("plan")) add(kind, "terraform refresh", `${wf.file} (job ${id})`);
      }
    }
  }
  return byRole;
}

// ---- IAM matching ------------------------------------------------------------

function glob(pattern) {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i");
}

function matches(pattern, action) {
  return glob(pattern).test(action);
}

// statements: [{ effect, actions, notActions, resources, notResources, sid }]
// managed: [{ allow_not_actions, also_allows }]
function allowed(action, statements, managed = []) {
  const denied = statements.some((s) => s.effect === "Deny" && !s.notResources.length && s.actions.some((p) => matches(p, action)));
  if (denied) return false;
  if (statements.some((s) => s.effect === "Allow" && s.actions.some((p) => matches(p, action)))) return true;
  return managed.some((m) => m.also_allows.some((p) => matches(p, action)) || !m.allow_not_actions.some((p) => matches(p, action)));
}

// ---- terraform ---------------------------------------------------------------

function serviceOfType(type) {
  const t = MAP.terraform;
  if (t.no_call.includes(type)) return null;
  const prefix = Object.keys(t.prefixes).sort((a, b) => b.length - a.length).find((p) => type === p || type.startsWith(p));
  return prefix ? t.prefixes[prefix] : undefined;
}

const ROLE_POLICIES = { deploy: "deploy", plan: "plan", apply: "apply", rotate: "rotate" };

// Evaluates terraform/ with tools/tfcheck: per scenario (envs/*.tfvars), the
// statements of each GitHub role, the managed policies attached to it, the
// resource and data types, and the scripts local-exec provisioners run.
async function terraformFacts(repo) {
  const tfcheck = path.join(repo, "tools", "tfcheck", "lib");
  const { loadProject } = require(path.join(tfcheck, "project"));
  const { scenarios } = require(path.join(tfcheck, "instances"));
  const project = await loadProject(path.join(repo, "terraform"));
  const types = new Set();
  const localExecScripts = new Set();
  for (const mod of project.modules.values()) {
    for (const r of mod.resources) {
      types.add(r.type);
      const text = JSON.stringify(r.body?.provisioner || "");
      for (const m of text.matchAll(/scripts\/[A-Za-z0-9_/.-]+\.sh/g)) localExecScripts.add(m[0]);
    }
  }
  const perScenario = [];
  for (const sc of scenarios(project)) {
    const roles = {};
    for (const [kind, name] of Object.entries(ROLE_POLICIES)) {
      const docs = sc.dataByType("aws_iam_policy_document").filter((d) => d.inst.address === "module.github_oidc" && d.name === name);
      const statements = docs.flatMap((d) => d.blocks("statement").map((st) => ({
        sid: st.get("sid"),
        effect: st.get("effect") || "Allow",
        actions: [].concat(st.get("actions") || []).filter((a) => typeof a === "string"),
        notResources: [].concat(st.get("not_resources") || []),
      })));
      const attachments = sc.byType("aws_iam_role_policy_attachment").filter((a) => a.inst.address === "module.github_oidc" && a.refsIn("role").includes(`aws_iam_role.${name}`));
      const managed = attachments.map((a) => String(a.raw("policy_arn") || "").split("/").pop()).filter((n) => MAP.managed[n]).map((n) => MAP.managed[n]);
      roles[kind] = { statements, managed, found: docs.length > 0 };
    }
    perScenario.push({ name: path.basename(sc.name), roles });
  }
  return { types: [...types].sort(), localExecScripts: [...localExecScripts].sort(), perScenario };
}

// ---- the check -------------------------------------------------------------------

// Required actions per role: [{ action, why }]; unknown calls are findings.
function requiredActions(byRole, types) {
  const findings = [];
  const required = { deploy: [], plan: [], apply: [], rotate: [] };
  for (const [kind, calls] of Object.entries(byRole)) {
    for (const { call, where } of calls) {
      if (call === "terraform refresh") {
        for (const type of types) {
          const svc = serviceOfType(type);
          if (svc === undefined) {
            findings.push({ kind: "IAM-MAP", where: "terraform/", message: `resource or data type ${type}: its AWS service is not in tools/workflow-check/lib/iam-actions.json (terraform.prefixes): add it, so the plan role's reads can be checked` });
            continue;
          }
          if (svc) for (const verb of MAP.terraform.read_verbs[svc] || MAP.terraform.read_verbs["*"]) required[kind].push({ action: `${svc}:${verb}`, why: `terraform plan refreshes ${type}`, service: svc });
          const extra = MAP.terraform.extra_reads[type];
          if (extra) for (const a of extra.actions) required[kind].push({ action: a, why: `terraform plan refreshes ${type} (${extra.source})` });
        }
        continue;
      }
      const entry = MAP.cli[call] || MAP.implicit[call];
      if (!entry) {
        findings.push({ kind: "IAM-MAP", where, message: `\`${call.includes(" to ") || call.startsWith("terraform") ? call : `aws ${call}`}\` runs under the ${kind} role but tools/workflow-check/lib/iam-actions.json does not say which IAM actions it needs: add it with its source` });
        continue;
      }
      for (const a of entry.actions) required[kind].push({ action: a, why: `${call.includes(" to ") || call.startsWith("terraform") ? call : `aws ${call}`} (${where})` });
    }
  }
  return { required, findings };
}

function checkCoverage({ byRole, facts }) {
  const { required, findings } = requiredActions(byRole, facts.types);
  for (const sc of facts.perScenario) {
    for (const [kind, reqs] of Object.entries(required)) {
      const role = sc.roles[kind];
      if (!reqs.length) continue;
      if (!role.found) {
        findings.push({ kind: "IAM-ROLE", where: "terraform/modules/github-oidc", message: `${sc.name}: no policy document for the ${kind} role, which the workflows assume` });
        continue;
      }
      const missing = new Map();
      for (const r of reqs) if (!allowed(r.action, role.statements, role.managed) && !missing.has(r.action)) missing.set(r.action, r.why);
      for (const [action, why] of missing) {
        findings.push({ kind: "IAM-MISSING", where: `terraform/modules/github-oidc (${sc.name})`, message: `the ${kind} role does not allow ${action}, needed by ${why}` });
      }
      if (kind === "apply") continue; // the apply role is broad by design (PowerUserAccess): see its module README
      for (const st of role.statements.filter((s) => s.effect === "Allow")) {
        for (const pattern of st.actions) {
          if (!reqs.some((r) => matches(pattern, r.action))) {
            findings.push({ kind: "IAM-UNUSED", where: `terraform/modules/github-oidc (${sc.name})`, message: `the ${kind} role allows ${pattern} (statement ${st.sid || "?"}) but nothing it runs needs it` });
          }
        }
      }
    }
  }
  // One finding per distinct message (dev and prod usually agree).
  const seen = new Set();
  return findings.filter((f) => {
    const key = `${f.kind}|${f.message.replace(/^(dev|prod)\.tfvars: /, "")}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

async function checkIam(repo) {
  const facts = await terraformFacts(repo);
  const byRole = callsByRole(repo, facts.localExecScripts);
  return { byRole, facts, findings: checkCoverage({ byRole, facts }) };
}

module.exports = { awsCallsOfScript, scriptClosure, reachedCalls, callsByRole, allowed, matches, checkCoverage, requiredActions, checkIam, serviceOfType, MAP };
