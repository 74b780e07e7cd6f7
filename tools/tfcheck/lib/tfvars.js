'use strict';
// `tfcheck tfvars-json FILE`: the variable values of a .tfvars file as JSON
// (the FinOps cost model reads them). With --with-defaults, root variable
// defaults fill in what the file does not set.

const fs = require('fs');
const path = require('path');
const { loadTfvars, loadModule, Finding } = require('./load');
const { fromJson } = require('./expr');
const { tryEvaluate, UNKNOWN, containsUnknown } = require('./eval');
const { lineOf } = require('./locate');
const { parseType, mismatch, applyDefaults } = require('./types');

const EMPTY = { root: () => UNKNOWN };

async function tfvarsJson(file, { withDefaults = false, rootDir } = {}) {
  if (!fs.existsSync(file)) return { errors: [new Finding('TFC-TFVARS', file, 0, 'no such file')] };
  const tv = await loadTfvars(file);
  if (tv.errors) return { errors: tv.errors };
  const errors = [];
  const values = {};
  for (const [k, v] of Object.entries(tv.values)) {
    let val;
    try { val = tryEvaluate(fromJson(v), EMPTY); } catch (err) { val = UNKNOWN; }
    if (val === UNKNOWN || containsUnknown(val)) {
      errors.push(new Finding('TFC-TFVARS', tv.rel, lineOf(tv.loc, [k]), `"${k}": a tfvars value must be a literal`));
      continue;
    }
    values[k] = val;
  }
  const root = rootDir || path.dirname(path.dirname(path.resolve(file)));
  if (fs.existsSync(path.join(root, 'variables.tf'))) {
    const mod = await loadModule(root);
    errors.push(...mod.findings);
    for (const k of Object.keys(values)) {
      const decl = mod.variables[k];
      if (!decl) { errors.push(new Finding('TFC-TFVARS', tv.rel, lineOf(tv.loc, [k]), `"${k}" is not a variable of the root module ${path.relative(process.cwd(), root) || '.'}`)); continue; }
      const ty = parseType(decl.body?.type);
      const m = mismatch(values[k], ty, k);
      if (m) errors.push(new Finding('TFC-TFVARS', tv.rel, lineOf(tv.loc, [k]), m));
      else values[k] = applyDefaults(values[k], ty);
    }
    if (withDefaults) {
      for (const [k, decl] of Object.entries(mod.variables)) {
        if (k in values || !('default' in (decl.body || {}))) continue;
        const d = tryEvaluate(fromJson(decl.body.default), EMPTY);
        if (d !== UNKNOWN) values[k] = applyDefaults(d, parseType(decl.body?.type));
      }
    }
  } else if (withDefaults) {
    errors.push(new Finding('TFC-TFVARS', file, 0, `--with-defaults: no variables.tf in ${root}; pass --root DIR`));
  }
  const sorted = Object.fromEntries(Object.keys(values).sort().map((k) => [k, values[k]]));
  return { values: sorted, errors };
}

module.exports = { tfvarsJson };
