#!/usr/bin/env node
'use strict';
// tfcheck: offline checks for the project's Terraform (no terraform binary).
//   tfcheck check DIR [--json] [--write-docs] [--no-docs]
//   tfcheck docs DIR [--write]
//   tfcheck tfvars-json FILE [--with-defaults] [--root DIR]
//   tfcheck rules
//   tfcheck schema

const path = require('path');

const USAGE = `usage:
  tfcheck check DIR [--json] [--write-docs] [--no-docs]
      parse every .tf/.tfvars/.tftest.hcl under the root module DIR (and the
      local modules it calls), resolve references, validate against the AWS
      provider schema, run the security and project rules on every envs/*.tfvars
      scenario, and check module README drift. Exit 1 on any finding.
  tfcheck docs DIR [--write]
      check (or rewrite with --write) the generated README sections.
  tfcheck tfvars-json FILE [--with-defaults] [--root DIR]
      print the variable values of a .tfvars file as a JSON object.
  tfcheck rules
      list the rules: security rules with their checkov/trivy IDs, then
      project rules (such as CW_KNOWN_METRICS).
  tfcheck schema
      extract (once) and describe the cached AWS provider schema.`;

function formatFinding(f) {
  const ids = [f.checkov, f.trivy].filter(Boolean).join(', ');
  let s = `${f.file}:${f.line}: [${f.rule}${ids ? ` ${ids}` : ''}] ${f.message}`;
  if (f.address) s += ` (${f.address})`;
  if (f.scenarios && !(f.scenarios.length === 1 && f.scenarios[0] === 'defaults')) s += ` [with ${f.scenarios.join(', ')}]`;
  if (f.reason) s += `\n    why: ${f.reason}`;
  return s;
}

async function main(argv) {
  const [cmd, ...rest] = argv;
  const flags = new Set(rest.filter((a) => a.startsWith('--')));
  const args = [];
  let rootOpt;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--root') { rootOpt = rest[++i]; flags.delete('--root'); continue; }
    if (!rest[i].startsWith('--')) args.push(rest[i]);
  }
  const known = { check: ['--json', '--write-docs', '--no-docs'], docs: ['--write'], 'tfvars-json': ['--with-defaults', '--root'], rules: ['--json'], schema: [] };
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') { console.log(USAGE); return 0; }
  if (!known[cmd]) { console.error(`tfcheck: unknown command "${cmd}"\n${USAGE}`); return 2; }
  for (const f of flags) {
    if (!known[cmd].includes(f)) { console.error(`tfcheck ${cmd}: unknown option ${f}`); return 2; }
  }
  const log = (m) => console.error(m);

  if (cmd === 'rules') {
    const { RULES } = require('../lib/rules');
    if (flags.has('--json')) console.log(JSON.stringify(RULES.map(({ id, checkov, trivy, project, title, reason }) => ({ id, checkov, trivy, project: !!project, title, reason })), null, 2));
    else for (const r of RULES) console.log(`${r.id.padEnd(30)} ${(r.checkov || '-').padEnd(12)} ${(r.trivy || '-').padEnd(13)} ${r.title}\n${' '.repeat(31)}why: ${r.reason}`);
    return 0;
  }
  if (cmd === 'schema') {
    const { loadSchema } = require('../lib/schema');
    const s = loadSchema({ log });
    console.log(`@cdktf/provider-aws ${s.version}: AWS provider ${s.providerVersion}, ${Object.keys(s.resources).length} resource types, ${Object.keys(s.data).length} data sources`);
    return 0;
  }
  if (cmd === 'tfvars-json') {
    if (args.length !== 1) { console.error('tfcheck tfvars-json: expected exactly one FILE'); return 2; }
    const { tfvarsJson } = require('../lib/tfvars');
    const r = await tfvarsJson(args[0], { withDefaults: flags.has('--with-defaults'), rootDir: rootOpt && path.resolve(rootOpt) });
    if (r.errors.length) { for (const e of r.errors) console.error(formatFinding(e)); return 1; }
    console.log(JSON.stringify(r.values, null, 2));
    return 0;
  }
  if (args.length !== 1) { console.error(`tfcheck ${cmd}: expected exactly one DIR (a Terraform root module)`); return 2; }
  const dir = args[0];
  if (cmd === 'docs') {
    const { loadProject } = require('../lib/project');
    const { docs } = require('../lib/docs');
    const project = await loadProject(dir);
    if (project.findings.some((f) => f.rule === 'TFC-SYNTAX')) { for (const f of project.findings) console.error(formatFinding(f)); return 1; }
    const r = docs(project, flags.has('--write') ? 'write' : 'check');
    for (const w of r.written) console.log(`wrote ${w}`);
    for (const f of r.findings) console.error(formatFinding(f));
    if (!r.findings.length) console.log(`tfcheck docs: ${project.modules.size} module README(s) up to date`);
    return r.findings.length ? 1 : 0;
  }
  const { check } = require('../lib/check');
  const t0 = Date.now();
  const docsMode = flags.has('--write-docs') ? 'write' : flags.has('--no-docs') ? 'none' : 'check';
  const r = await check(dir, { docsMode, log });
  for (const w of r.written) console.error(`wrote ${w}`);
  if (flags.has('--json')) {
    console.log(JSON.stringify(r.findings, null, 2));
  } else {
    for (const f of r.findings) console.log(formatFinding(f));
    const p = r.project;
    const nres = [...p.modules.values()].reduce((n, m) => n + m.resources.length, 0);
    console.error(`tfcheck: ${p.modules.size} module(s), ${nres} resource/data blocks, ${p.tfvars.length} tfvars file(s), ${p.tests.length} test file(s) checked against AWS provider ${r.schema.providerVersion} in ${Date.now() - t0} ms: ${r.findings.length} finding(s)`);
  }
  return r.findings.length ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (err) => {
  console.error(`tfcheck: ${err.message}`);
  if (process.env.TFCHECK_DEBUG) console.error(err.stack);
  process.exitCode = 2;
});
