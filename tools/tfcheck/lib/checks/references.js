'use strict';
// Requirement 2: every reference resolves, module calls set only declared
// variables and all required ones, variables are typed and described,
// tfvars and tests set only declared variables.

const { fromJson, traversals, functionCalls, ExprError } = require('../expr');
const { BUILTINS, tryEvaluate, UNKNOWN } = require('../eval');
const { parseType, mismatch, applyDefaults } = require('../types');
const { lineOf } = require('../locate');
const { Finding, asBlocks } = require('../load');

const MODULE_META = new Set(['source', 'version', 'count', 'for_each', 'providers', 'depends_on']);
const RESOURCE_META = new Set(['count', 'for_each', 'provider', 'depends_on', 'lifecycle', 'connection', 'provisioner', 'dynamic']);

function stepsText(t) {
  return t.root + t.steps.map((s) => (s.name ? `.${s.name}` : s.splat ? '[*]' : `[${JSON.stringify(s.index ?? '…')}]`)).join('');
}

function firstName(steps, from) {
  for (let k = from; k < steps.length; k++) {
    if (steps[k].name) return { name: steps[k].name, k };
    if (steps[k].splat) continue;
    if ('index' in steps[k]) continue;
  }
  return null;
}

// Parses every expression in a JSON body and calls visit(expr, steps) for it.
function forEachExpr(value, steps, visit, onError) {
  if (typeof value === 'string') {
    if (!value.includes('${') && !value.includes('%{')) return;
    try {
      visit(fromJson(value), steps);
    } catch (err) {
      if (err instanceof ExprError) onError(err, steps);
      else throw err;
    }
    return;
  }
  if (Array.isArray(value)) { value.forEach((v) => forEachExpr(v, steps, visit, onError)); return; }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k.startsWith('${')) forEachExpr(k, steps, visit, onError);
      forEachExpr(v, steps, visit, onError);
    }
  }
}

class RefChecker {
  constructor(project, schema, findings) {
    this.project = project;
    this.schema = schema;
    this.findings = findings;
  }

  add(rule, file, line, msg) { this.findings.push(new Finding(rule, file, line, msg)); }

  resourceAttrOk(mode, type, attr) {
    const s = this.schema;
    const id = mode === 'data' ? s.data[type] : s.resources[type];
    if (id === undefined) return true; // unknown types are reported by the schema check
    const st = s.structs[id];
    const computed = (mode === 'data' ? s.dataComputed : s.computed)[type] || [];
    return attr in st.a || attr in st.b || computed.includes(attr) || attr === 'id';
  }

  // Checks one traversal in a module scope. env: { mod, bound:Set, file, line, test?:{...} }
  checkTraversal(t, env) {
    const { mod } = env;
    const where = (msg) => this.add('TFC-REF', env.file, env.line, `${msg} (in ${env.what})`);
    if (env.bound.has(t.root)) return;
    const s0 = t.steps[0]?.name;
    switch (t.root) {
      case 'var': {
        const decl = env.test ? env.test.varNames[s0] : mod.variables[s0];
        if (!decl) { where(`reference to undeclared variable var.${s0}`); return; }
        // var.x.attr on an object-typed variable: the attribute must exist.
        let ty = decl.typeInfo;
        for (let k = 1; k < t.steps.length && ty; k++) {
          const st = t.steps[k];
          if (ty.kind === 'object' && st.name) {
            if (!ty.attrs[st.name]) { where(`variable "${s0}" has no attribute "${st.name}" (its type has ${Object.keys(ty.attrs).join(', ')})`); return; }
            ty = ty.attrs[st.name].type;
          } else if ((ty.kind === 'map' || ty.kind === 'list' || ty.kind === 'set') && ('index' in st || st.splat)) ty = ty.of;
          else break;
        }
        return;
      }
      case 'local':
        if (!mod.locals[s0]) where(`reference to undeclared local value local.${s0}`);
        return;
      case 'module': {
        const call = mod.modules[s0];
        if (!call) { where(`reference to undeclared module module.${s0}`); return; }
        const out = firstName(t.steps, 1);
        if (call.child && out && !call.child.outputs[out.name]) where(`module.${s0} has no output "${out.name}"`);
        return;
      }
      case 'data': {
        const [ty, nm] = [t.steps[0]?.name, t.steps[1]?.name];
        const r = mod.resources.find((x) => x.mode === 'data' && x.type === ty && x.name === nm);
        if (!r) { where(`reference to undeclared data source data.${ty}.${nm}`); return; }
        const a = firstName(t.steps, 2);
        if (a && !this.resourceAttrOk('data', ty, a.name)) where(`data.${ty} has no attribute "${a.name}" in the provider schema`);
        return;
      }
      case 'path':
        if (!['module', 'root', 'cwd'].includes(s0)) where(`unknown path attribute path.${s0}`);
        return;
      case 'terraform':
        if (s0 !== 'workspace' && s0 !== 'applying') where(`unknown terraform attribute terraform.${s0}`);
        return;
      case 'count': case 'each': case 'self':
        where(`"${t.root}" is used where it is not available`);
        return;
      case 'output':
        if (env.test) { if (!mod.outputs[s0]) where(`reference to undeclared output output.${s0}`); return; }
        break;
      case 'run':
        if (env.test) { if (!env.test.runs.has(s0)) where(`reference to run.${s0}, which is not an earlier run block`); return; }
        break;
      default: break;
    }
    if (/^[a-z0-9]+_[a-z0-9_]+$/.test(t.root) && s0) {
      const r = mod.resources.find((x) => x.mode === 'resource' && x.type === t.root && x.name === s0);
      if (!r) { where(`reference to undeclared resource ${t.root}.${s0}`); return; }
      const a = firstName(t.steps, 1);
      if (a && !this.resourceAttrOk('resource', t.root, a.name)) where(`${t.root} has no attribute "${a.name}" in the provider schema (${stepsText(t)})`);
      return;
    }
    where(`unknown reference "${stepsText(t)}"`);
  }

  checkExprs(value, env, steps) {
    forEachExpr(value, steps, (expr, st) => {
      const line = lineOf(env.loc, st);
      const e2 = { ...env, line };
      for (const t of traversals(expr)) this.checkTraversal(t, e2);
      for (const f of functionCalls(expr)) {
        if (!BUILTINS.has(f.name) && !f.name.startsWith('provider::')) this.add('TFC-REF', env.file, line, `call to unknown function ${f.name}() (in ${env.what})`);
      }
    }, (err, st) => this.add('TFC-EXPR', env.file, lineOf(env.loc, st), `cannot parse expression: ${err.message} (in ${env.what})`));
  }

  // A resource/data/module body, with dynamic-block iterators in scope.
  checkBody(body, env, steps) {
    for (const [k, v] of Object.entries(body || {})) {
      if (k === 'lifecycle') {
        for (const lc of asBlocks(v)) {
          for (const [lk, lv] of Object.entries(lc)) {
            if (lk === 'ignore_changes') continue;
            if (lk === 'precondition' || lk === 'postcondition') this.checkExprs(lv, { ...env, bound: new Set([...env.bound, 'self']) }, [...steps, 'lifecycle']);
            else this.checkExprs(lv, env, [...steps, 'lifecycle']);
          }
        }
        continue;
      }
      if (k === 'dynamic') {
        for (const [name, dyns] of Object.entries(v)) {
          asBlocks(dyns).forEach((d) => {
            const iter = typeof d.iterator === 'string' ? d.iterator.replace(/^\$\{|\}$/g, '') : name;
            this.checkExprs(d.for_each, env, [...steps, name]);
            this.checkExprs(d.labels, env, [...steps, name]);
            const inner = { ...env, bound: new Set([...env.bound, iter]) };
            for (const c of asBlocks(d.content)) this.checkBody(c, inner, [...steps, name]);
          });
        }
        continue;
      }
      if (Array.isArray(v) && v.length && v.every((x) => x && typeof x === 'object' && !Array.isArray(x))) {
        // nested blocks (or a list of objects): keep walking for dynamic blocks
        v.forEach((b, idx) => this.checkBody(b, env, [...steps, { type: k, index: idx }]));
        continue;
      }
      this.checkExprs(v, env, [...steps, k]);
    }
  }

  checkModule(mod) {
    const fileOf = (x) => ({ file: x.file, loc: x.pf.loc });
    for (const v of Object.values(mod.variables)) {
      const env = { mod, ...fileOf(v), bound: new Set(), what: `variable "${v.name}"` };
      if (v.body?.type === undefined) this.add('TFC-VARIABLE', v.file, v.line, `variable "${v.name}" has no type`);
      else {
        const ty = parseType(v.body.type);
        if (ty.kind === 'invalid') this.add('TFC-VARIABLE', v.file, lineOf(v.pf.loc, [...v.steps, 'type']), `variable "${v.name}": invalid type constraint (${ty.error})`);
        v.typeInfo = ty;
      }
      if (!v.body?.description || !String(v.body.description).trim()) this.add('TFC-VARIABLE', v.file, v.line, `variable "${v.name}" has no description`);
      if (v.body && 'default' in v.body) {
        forEachExpr(v.body.default, [], (expr) => {
          if (traversals(expr).length) this.add('TFC-VARIABLE', v.file, lineOf(v.pf.loc, [...v.steps, 'default']), `variable "${v.name}": a default cannot reference other values`);
        }, () => {});
      }
      for (const [idx, val] of asBlocks(v.body?.validation).entries()) {
        const st = [...v.steps, { type: 'validation', index: idx }];
        if (val.condition === undefined || !val.error_message) this.add('TFC-VARIABLE', v.file, lineOf(v.pf.loc, st), `variable "${v.name}": a validation block needs condition and error_message`);
        this.checkExprs(val.condition, env, [...st, 'condition']);
        this.checkExprs(val.error_message, env, [...st, 'error_message']);
      }
    }
    for (const l of Object.values(mod.locals)) {
      this.checkExprs(l.value, { mod, ...fileOf(l), bound: new Set(), what: `local.${l.name}` }, l.steps);
    }
    for (const o of Object.values(mod.outputs)) {
      if (!o.body?.description) this.add('TFC-OUTPUT', o.file, o.line, `output "${o.name}" has no description`);
      if (o.body?.value === undefined) this.add('TFC-OUTPUT', o.file, o.line, `output "${o.name}" has no value`);
      this.checkBody(o.body, { mod, ...fileOf(o), bound: new Set(), what: `output "${o.name}"` }, o.steps);
    }
    for (const r of mod.resources) {
      const bound = new Set(['self']);
      if (r.body?.count !== undefined) bound.add('count');
      if (r.body?.for_each !== undefined) bound.add('each');
      const what = `${r.mode === 'data' ? 'data.' : ''}${r.type}.${r.name}`;
      this.checkBody(r.body, { mod, ...fileOf(r), bound, what }, r.steps);
    }
    for (const c of mod.checks.filter((x) => x.type === 'check')) {
      for (const [cname, bodies] of Object.entries(c.val)) {
        asBlocks(bodies).forEach((b, idx) => this.checkBody(b, { mod, file: c.file, loc: c.pf.loc, bound: new Set(), what: `check "${cname}"` }, [{ type: 'check', labels: [cname], index: idx }]));
      }
    }
    for (const p of mod.providers) this.checkBody(p.body, { mod, ...fileOf(p), bound: new Set(), what: `provider "${p.name}"` }, p.steps);
    for (const c of Object.values(mod.modules)) {
      const bound = new Set();
      if (c.body?.count !== undefined) bound.add('count');
      if (c.body?.for_each !== undefined) bound.add('each');
      const env = { mod, ...fileOf(c), bound, what: `module "${c.name}"` };
      for (const [k, v] of Object.entries(c.body || {})) {
        if (k === 'source' || k === 'version' || k === 'providers') continue;
        this.checkExprs(v, env, [...c.steps, k]);
      }
      if (!c.child) continue;
      for (const k of Object.keys(c.body || {})) {
        if (!MODULE_META.has(k) && !c.child.variables[k]) this.add('TFC-MODULE', c.file, lineOf(c.pf.loc, [...c.steps, k]), `module "${c.name}" sets "${k}", which ${c.body.source} does not declare`);
      }
      for (const v of Object.values(c.child.variables)) {
        if (!('default' in (v.body || {})) && !(v.name in c.body)) this.add('TFC-MODULE', c.file, c.line, `module "${c.name}" does not set the required variable "${v.name}" of ${c.body.source}`);
      }
    }
  }

  checkTfvars(tv) {
    const root = this.project.root;
    const scope = { root: () => UNKNOWN };
    for (const [k, v] of Object.entries(tv.values || {})) {
      const line = lineOf(tv.loc, [k]);
      const decl = root.variables[k];
      if (!decl) { this.add('TFC-TFVARS', tv.rel, line, `"${k}" is not a variable of the root module`); continue; }
      let value;
      try {
        value = tryEvaluate(fromJson(v), scope);
      } catch (err) { this.add('TFC-TFVARS', tv.rel, line, `cannot parse the value of "${k}": ${err.message}`); continue; }
      if (value === UNKNOWN) { this.add('TFC-TFVARS', tv.rel, line, `"${k}": a tfvars value must be a literal`); continue; }
      const m = mismatch(value, decl.typeInfo, k);
      if (m) this.add('TFC-TFVARS', tv.rel, line, `${m} (variable "${k}" is ${String(decl.body.type).replace(/^\$\{|\}$/g, '').replace(/\s+/g, ' ')})`);
      // evaluate the variable's validation blocks with this value
      const withDefaults = applyDefaults(value, decl.typeInfo);
      for (const val of asBlocks(decl.body?.validation)) {
        let ok;
        try {
          ok = tryEvaluate(fromJson(val.condition), { root: (n) => (n === 'var' ? { [k]: withDefaults } : UNKNOWN) });
        } catch { ok = UNKNOWN; }
        if (ok === false) this.add('TFC-TFVARS', tv.rel, line, `"${k}" fails the validation of variable "${k}": ${val.error_message}`);
      }
    }
  }

  checkTest(t) {
    const root = this.project.root;
    const env0 = { mod: root, file: t.rel, loc: t.loc, bound: new Set(), test: { varNames: root.variables, runs: new Set() } };
    const checkVarsBlock = (blocks, steps, target) => {
      for (const [idx, vb] of asBlocks(blocks).entries()) {
        for (const [k, v] of Object.entries(vb)) {
          const st = [...steps, { type: 'variables', index: idx }, k];
          if (!target.variables[k]) this.add('TFC-TEST', t.rel, lineOf(t.loc, st), `"${k}" is not a variable of ${target === root ? 'the root module' : target.dir}`);
          this.checkExprs(v, { ...env0, what: `variables.${k}` }, st);
        }
      }
    };
    checkVarsBlock(t.json.variables, [], root);
    for (const kind of ['mock_provider', 'provider']) {
      for (const [pname, bodies] of Object.entries(t.json[kind] || {})) {
        asBlocks(bodies).forEach((body, idx) => {
          const st = [{ type: kind, labels: [pname], index: idx }];
          if (pname !== 'aws') this.add('TFC-TEST', t.rel, lineOf(t.loc, st), `${kind} "${pname}": only the aws provider is used by this configuration`);
          for (const [bk, blocks] of Object.entries(body)) {
            if (['alias', 'source'].includes(bk)) continue;
            if (kind === 'provider') continue;
            if (bk === 'mock_resource' || bk === 'mock_data') {
              for (const ty of Object.keys(blocks)) {
                const known = bk === 'mock_data' ? this.schema.data[ty] : this.schema.resources[ty];
                if (known === undefined) this.add('TFC-TEST', t.rel, lineOf(t.loc, [...st, { type: bk, labels: [ty] }]), `${bk} "${ty}": no such ${bk === 'mock_data' ? 'data source' : 'resource'} type in the AWS provider`);
              }
            } else if (bk === 'override_resource' || bk === 'override_data') {
              for (const ob of asBlocks(blocks)) this.checkExprs(ob.target, { ...env0, what: bk }, [...st, bk]);
            } else this.add('TFC-TEST', t.rel, lineOf(t.loc, [...st, bk]), `unknown block "${bk}" in ${kind}`);
          }
        });
      }
    }
    const runs = Object.entries(t.json.run || {});
    if (!runs.length) this.add('TFC-TEST', t.rel, 1, 'a test file needs at least one run block');
    for (const [name, bodies] of runs) {
      const body = asBlocks(bodies)[0];
      const st = [{ type: 'run', labels: [name] }];
      const line = lineOf(t.loc, st);
      let target = root;
      if (body.module) {
        const src = asBlocks(body.module)[0]?.source;
        const path = require('path');
        const dir = path.resolve(this.project.rootDir, src || '.');
        target = this.project.modules.get(dir);
        if (!target) { this.add('TFC-TEST', t.rel, line, `run "${name}": module source ${src} is not a module of this configuration`); continue; }
      }
      const cmd = body.command === undefined ? 'apply' : String(body.command).replace(/^\$\{|\}$/g, '');
      if (!['plan', 'apply'].includes(cmd)) this.add('TFC-TEST', t.rel, lineOf(t.loc, [...st, 'command']), `run "${name}": command must be plan or apply`);
      checkVarsBlock(body.variables, st, target);
      const env = { ...env0, mod: target, test: { varNames: target.variables, runs: new Set(env0.test.runs) }, what: `run "${name}"` };
      const asserts = asBlocks(body.assert);
      if (!asserts.length && !body.expect_failures) this.add('TFC-TEST', t.rel, line, `run "${name}" has no assert block`);
      asserts.forEach((a, idx) => {
        const ast = [...st, { type: 'assert', index: idx }];
        if (a.condition === undefined || !a.error_message) this.add('TFC-TEST', t.rel, lineOf(t.loc, ast), `run "${name}": assert needs condition and error_message`);
        this.checkExprs(a.condition, env, [...ast, 'condition']);
      });
      if (body.expect_failures) {
        this.checkExprs(body.expect_failures, env, [...st, 'expect_failures']);
        for (const ef of asBlocks(body.expect_failures)) {
          const m = /^\$\{var\.([A-Za-z0-9_-]+)\}$/.exec(String(ef));
          const v = m && target.variables[m[1]];
          if (v && !asBlocks(v.body?.validation).length) this.add('TFC-TEST', t.rel, lineOf(t.loc, [...st, 'expect_failures']), `run "${name}" expects var.${m[1]} to fail, but that variable has no validation block`);
        }
      }
      for (const k of Object.keys(body)) {
        if (!['command', 'variables', 'assert', 'expect_failures', 'module', 'providers', 'plan_options', 'state_key', 'parallel'].includes(k)) {
          this.add('TFC-TEST', t.rel, lineOf(t.loc, [...st, k]), `run "${name}": unknown argument or block "${k}"`);
        }
      }
      env0.test.runs.add(name);
    }
  }
}

function checkReferences(project, schema) {
  const findings = [];
  const rc = new RefChecker(project, schema, findings);
  for (const mod of project.modules.values()) rc.checkModule(mod);
  for (const tv of project.tfvars) rc.checkTfvars(tv);
  for (const t of project.tests) rc.checkTest(t);
  return findings;
}

module.exports = { checkReferences, forEachExpr, RESOURCE_META };
