'use strict';
// Runs every check on a Terraform root module and returns the findings.

const { loadProject } = require('./project');
const { loadSchema } = require('./schema');
const { checkReferences } = require('./checks/references');
const { checkProviderSchema } = require('./checks/provider-schema');
const { checkTrivyIgnores } = require('./checks/trivy-ignores');
const { scenarios } = require('./instances');
const { RULES } = require('./rules');
const { docs } = require('./docs');
const { Finding } = require('./load');

// Runs the rules in every scenario. A rule reports findings, and accepts the
// exceptions it allows on purpose (accept(resource, why)); the accepted
// exceptions are returned too (the Trivy ignores must mirror them).
function runRules(project, rules = RULES, accepted = []) {
  const out = new Map();
  for (const sc of scenarios(project)) {
    for (const rule of rules) {
      const accept = (resource, why) => {
        const res = resource.res;
        accepted.push({ rule: rule.id, trivy: rule.trivy, why, address: resource.address, file: res.file, path: res.pf.path, line: res.line });
      };
      const report = (view, arg, message) => {
        const file = view.ctx.file;
        const line = view.line(arg);
        const key = `${rule.id}|${file}|${line}|${message}`;
        const prev = out.get(key);
        if (prev) { if (!prev.scenarios.includes(sc.name)) prev.scenarios.push(sc.name); return; }
        out.set(key, new Finding(rule.id, file, line, message, {
          checkov: rule.checkov, trivy: rule.trivy, reason: rule.reason, scenarios: [sc.name],
          address: view.address || view.res?.address,
        }));
      };
      try {
        rule.check(sc, report, accept);
      } catch (err) {
        throw new Error(`rule ${rule.id} failed in scenario ${sc.name}: ${err.stack}`);
      }
    }
  }
  return [...out.values()];
}

// Terraform refuses a for_each whose keys are unknown at plan time (a set
// built from IDs that only exist after apply). Evaluated per scenario.
function checkForEachKeys(project) {
  const { fromJson } = require('./expr');
  const { tryEvaluate, UNKNOWN } = require('./eval');
  const out = new Map();
  for (const sc of scenarios(project)) {
    for (const inst of sc.instances) {
      const items = [
        ...inst.mod.resources.map((r) => ({ body: r.body, file: r.file, loc: r.pf.loc, steps: r.steps, what: `${r.mode === 'data' ? 'data.' : ''}${r.type}.${r.name}` })),
        ...Object.values(inst.mod.modules).map((c) => ({ body: c.body, file: c.file, loc: c.pf.loc, steps: c.steps, what: `module "${c.name}"` })),
      ];
      for (const it of items) {
        if (it.body?.for_each === undefined) continue;
        let v;
        try { v = tryEvaluate(fromJson(it.body.for_each), inst.scope); } catch { continue; }
        if (Array.isArray(v) && v.some((x) => x === UNKNOWN)) {
          const { lineOf } = require('./locate');
          const line = lineOf(it.loc, [...it.steps, 'for_each']);
          const key = `${it.file}:${line}`;
          if (!out.has(key)) out.set(key, new Finding('TFC-FOREACH', it.file, line, `${it.what}: for_each is a set whose elements are only known after apply; use count or a map with static keys`, { scenarios: [sc.name] }));
        }
      }
    }
  }
  return [...out.values()];
}

async function check(dir, { docsMode = 'check', log = () => {}, tfvarsFiles } = {}) {
  const project = await loadProject(dir, { tfvarsFiles });
  const schema = loadSchema({ log });
  const findings = [...project.findings];
  const syntaxBroken = findings.some((f) => f.rule === 'TFC-SYNTAX');
  findings.push(...checkReferences(project, schema));
  findings.push(...checkProviderSchema(project, schema));
  if (!syntaxBroken) {
    findings.push(...checkForEachKeys(project));
    const accepted = [];
    findings.push(...runRules(project, RULES, accepted));
    findings.push(...checkTrivyIgnores(project, accepted));
  }
  let written = [];
  if (docsMode === 'check' || docsMode === 'write') {
    const d = docs(project, docsMode);
    findings.push(...d.findings);
    written = d.written;
  }
  findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.rule.localeCompare(b.rule));
  return { project, schema, findings, written };
}

module.exports = { check, runRules };
