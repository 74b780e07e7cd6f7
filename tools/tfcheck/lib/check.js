'use strict';
// Runs every check on a Terraform root module and returns the findings.

const { loadProject } = require('./project');
const { loadSchema } = require('./schema');
const { checkReferences } = require('./checks/references');
const { checkProviderSchema } = require('./checks/provider-schema');
const { scenarios } = require('./instances');
const { RULES } = require('./rules');
const { docs } = require('./docs');
const { Finding } = require('./load');

function runRules(project, rules = RULES) {
  const out = new Map();
  for (const sc of scenarios(project)) {
    for (const rule of rules) {
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
        rule.check(sc, report);
      } catch (err) {
        throw new Error(`rule ${rule.id} failed in scenario ${sc.name}: ${err.stack}`);
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
  if (!syntaxBroken) findings.push(...runRules(project));
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
