'use strict';
// Loads Terraform modules, tfvars and test files with @cdktf/hcl2json and
// records where every block and attribute is (file:line).

const fs = require('fs');
const path = require('path');
const { parse } = require('@cdktf/hcl2json');
const { locate, lineOf } = require('./locate');

const TF_BLOCKS = new Set(['terraform', 'provider', 'variable', 'locals', 'output', 'resource', 'data', 'module',
  'moved', 'import', 'check', 'removed', 'ephemeral']);
const TEST_BLOCKS = new Set(['run', 'variables', 'provider', 'mock_provider', 'override_resource', 'override_data',
  'override_module', 'test']);

class Finding {
  constructor(rule, file, line, message, extra = {}) {
    Object.assign(this, { rule, file, line, message }, extra);
  }
}

function rel(file) {
  const r = path.relative(process.cwd(), file);
  return r && !r.startsWith('..') ? r : file;
}

// Converts "parse config: [a.tf:10,60-11,1: Summary; Detail. b.tf:...]" into findings.
function parseErrorFindings(file, err) {
  const msg = String(err.message || err).replace(/^parse config: \[|\]$/g, '');
  const out = [];
  const re = /([^\s:]+):(\d+),(\d+)(?:-\d+(?:,\d+)?)?: ([^;]+);?\s*([\s\S]*?)(?=\s+[^\s:]+:\d+,\d+(?:-\d+(?:,\d+)?)?: |$)/g;
  let m;
  while ((m = re.exec(msg))) {
    out.push(new Finding('TFC-SYNTAX', rel(file), Number(m[2]), `${m[4].trim()}${m[5] ? `: ${m[5].trim()}` : ''}`));
  }
  if (!out.length) out.push(new Finding('TFC-SYNTAX', rel(file), 1, msg));
  return out;
}

async function parseFile(file) {
  const text = fs.readFileSync(file, 'utf8');
  try {
    const json = await parse(rel(file), text);
    return { path: file, rel: rel(file), json, loc: locate(text), text };
  } catch (err) {
    return { path: file, rel: rel(file), errors: parseErrorFindings(file, err) };
  }
}

function asBlocks(v) {
  return Array.isArray(v) ? v : v === undefined ? [] : [v];
}

// A module: every .tf file of one directory, merged.
async function loadModule(dir) {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.tf')).sort().map((f) => path.join(dir, f));
  const mod = {
    dir, files: [], findings: [], variables: {}, locals: {}, outputs: {}, resources: [], modules: {},
    providers: [], terraform: [], checks: [],
  };
  for (const f of files) {
    const pf = await parseFile(f);
    if (pf.errors) { mod.findings.push(...pf.errors); continue; }
    mod.files.push(pf);
    const where = (steps) => ({ file: pf.rel, line: lineOf(pf.loc, steps), pf });
    const dup = (kind, name, w) => mod.findings.push(new Finding('TFC-DUPLICATE', w.file, w.line, `${kind} "${name}" is declared more than once`));
    for (const [type, val] of Object.entries(pf.json)) {
      if (!TF_BLOCKS.has(type)) {
        mod.findings.push(new Finding('TFC-BLOCK', pf.rel, lineOf(pf.loc, [type]), `unknown top-level block or argument "${type}"`));
        continue;
      }
      if (type === 'variable' || type === 'output' || type === 'module') {
        const store = type === 'variable' ? mod.variables : type === 'output' ? mod.outputs : mod.modules;
        for (const [name, bodies] of Object.entries(val)) {
          const w = where([{ type, labels: [name] }]);
          if (store[name]) dup(type, name, w);
          store[name] = { name, body: asBlocks(bodies)[0], ...w, steps: [{ type, labels: [name] }] };
        }
      } else if (type === 'locals') {
        asBlocks(val).forEach((body, idx) => {
          for (const [name, value] of Object.entries(body)) {
            const steps = [{ type: 'locals', index: idx }, name];
            const w = where(steps);
            if (mod.locals[name]) dup('local', name, w);
            mod.locals[name] = { name, value, ...w, steps };
          }
        });
      } else if (type === 'resource' || type === 'data' || type === 'ephemeral') {
        for (const [rtype, byName] of Object.entries(val)) {
          for (const [name, bodies] of Object.entries(byName)) {
            const steps = [{ type, labels: [rtype, name] }];
            const w = where(steps);
            if (mod.resources.some((r) => r.mode === type && r.type === rtype && r.name === name)) dup(`${type} ${rtype}`, name, w);
            mod.resources.push({ mode: type, type: rtype, name, body: asBlocks(bodies)[0], ...w, steps });
          }
        }
      } else if (type === 'provider') {
        for (const [name, bodies] of Object.entries(val)) {
          asBlocks(bodies).forEach((body, idx) => mod.providers.push({ name, body, ...where([{ type, labels: [name], index: idx }]), steps: [{ type, labels: [name], index: idx }] }));
        }
      } else if (type === 'terraform') {
        asBlocks(val).forEach((body, idx) => mod.terraform.push({ body, ...where([{ type, index: idx }]), steps: [{ type, index: idx }] }));
      } else {
        mod.checks.push({ type, val, ...where([type]) });
      }
    }
  }
  return mod;
}

// A .tfvars file: a flat object of values.
async function loadTfvars(file) {
  const pf = await parseFile(file);
  if (pf.errors) return { ...pf, values: null };
  return { ...pf, values: pf.json };
}

// A .tftest.hcl file.
async function loadTest(file) {
  const pf = await parseFile(file);
  if (pf.errors) return pf;
  const findings = [];
  for (const type of Object.keys(pf.json)) {
    if (!TEST_BLOCKS.has(type)) findings.push(new Finding('TFC-BLOCK', pf.rel, lineOf(pf.loc, [type]), `unknown block "${type}" in a test file`));
  }
  return { ...pf, findings };
}

module.exports = { loadModule, loadTfvars, loadTest, parseFile, Finding, rel, asBlocks };
