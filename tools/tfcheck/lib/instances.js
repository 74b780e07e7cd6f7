'use strict';
// Evaluates a configuration for one scenario (the root variables of one
// envs/*.tfvars file, or the defaults): module instances with their variable
// values, locals, and resource instances expanded by count/for_each.
// Security rules read resource arguments through these instances.

const { fromJson, traversals } = require('./expr');
const { tryEvaluate, UNKNOWN, truthy } = require('./eval');
const { applyDefaults, parseType } = require('./types');
const { lineOf } = require('./locate');
const { asBlocks } = require('./load');

const EMPTY = { root: () => UNKNOWN };

function evalJson(v, scope) {
  try {
    return tryEvaluate(fromJson(v), scope);
  } catch {
    return UNKNOWN;
  }
}

const MODULE_META = new Set(['source', 'version', 'count', 'for_each', 'providers', 'depends_on']);

class ModuleInstance {
  // args(name) returns { value } for a variable the caller sets, or null.
  // Everything is evaluated lazily, so modules may use each other's outputs
  // in any declaration order.
  constructor(mod, address, args, project, registry) {
    this.mod = mod;
    this.address = address; // '' for the root, 'module.alb' for a child
    this.project = project;
    this.registry = registry;
    this.vars = {};
    for (const v of Object.values(mod.variables)) {
      let memo;
      let done = false;
      Object.defineProperty(this.vars, v.name, {
        enumerable: true,
        get: () => {
          if (done) return memo;
          done = true;
          memo = UNKNOWN; // cycle guard
          const ty = v.typeInfo || parseType(v.body?.type);
          const given = args(v.name);
          let val = given ? given.value : ('default' in (v.body || {}) ? evalJson(v.body.default, EMPTY) : UNKNOWN);
          if (val === null && 'default' in (v.body || {}) && v.body.nullable === false) val = evalJson(v.body.default, EMPTY);
          memo = applyDefaults(val, ty);
          return memo;
        },
      });
    }
    this.localCache = new Map();
    this.children = {};
    const self = this;
    this.localsProxy = new Proxy({}, {
      get(_, name) { return typeof name === 'string' ? self.local(name) : undefined; },
      has(_, name) { return name in mod.locals; },
    });
    this.modulesProxy = new Proxy({}, {
      get(_, name) { return typeof name === 'string' ? self.moduleOutputs(name) : undefined; },
      has(_, name) { return name in mod.modules; },
    });
    this.scope = this.makeScope({});
    registry.push(this);
  }

  // The instance of a module call (built on first use); null when the call
  // is not a local module or its count/for_each is empty.
  child(name) {
    if (name in this.children) return this.children[name];
    this.children[name] = null; // cycle guard
    const call = this.mod.modules[name];
    if (!call || !call.child) return null;
    const body = call.body || {};
    if (body.count !== undefined) {
      const n = evalJson(body.count, this.scope);
      if (n !== UNKNOWN && Number(n) === 0) return null;
    }
    if (body.for_each !== undefined) {
      const fe = evalJson(body.for_each, this.scope);
      if (fe !== UNKNOWN && fe && typeof fe === 'object' && Object.keys(fe).length === 0) return null;
    }
    const bind = body.count !== undefined ? { count: { index: 0 } } : body.for_each !== undefined ? { each: UNKNOWN } : {};
    const scope = this.makeScope(bind);
    const args = (k) => (k in body && !MODULE_META.has(k) ? { value: evalJson(body[k], scope) } : null);
    const inst = new ModuleInstance(call.child, `${this.address ? `${this.address}.` : ''}module.${name}`, args, this.project, this.registry);
    inst.multi = body.count !== undefined || body.for_each !== undefined;
    this.children[name] = inst;
    return inst;
  }

  makeScope(bind) {
    return {
      root: (n) => {
        if (n in bind) return bind[n];
        switch (n) {
          case 'var': return this.vars;
          case 'local': return this.localsProxy;
          case 'module': return this.modulesProxy;
          case 'path': return { module: this.mod.dir, root: this.project.rootDir, cwd: process.cwd() };
          case 'terraform': return { workspace: 'default' };
          default: return UNKNOWN;
        }
      },
    };
  }

  local(name) {
    if (!(name in this.mod.locals)) return UNKNOWN;
    if (this.localCache.has(name)) return this.localCache.get(name);
    this.localCache.set(name, UNKNOWN); // cycle guard
    const v = evalJson(this.mod.locals[name].value, this.scope);
    this.localCache.set(name, v);
    return v;
  }

  moduleOutputs(name) {
    const child = this.child(name);
    if (!child) return name in this.mod.modules && this.mod.modules[name].body?.count !== undefined ? [] : UNKNOWN;
    const outs = {};
    for (const [k, o] of Object.entries(child.mod.outputs)) {
      Object.defineProperty(outs, k, { enumerable: true, get: () => evalJson(o.body?.value, child.scope) });
    }
    return child.multi ? UNKNOWN : outs;
  }
}

// A view of one block body in an evaluation scope.
class BlockView {
  constructor(body, scope, ctx, steps) {
    this.body = body || {};
    this.scope = scope;
    this.ctx = ctx; // { file, loc, address }
    this.steps = steps;
  }

  has(name) {
    return name in this.body || !!this.body.dynamic?.[name];
  }

  // The evaluated value of an argument; undefined when it is not set.
  get(name) {
    if (!(name in this.body)) return undefined;
    return evalJson(this.body[name], this.scope);
  }

  raw(name) { return this.body[name]; }

  // Nested blocks (static and dynamic), each as a BlockView.
  blocks(name) {
    const out = [];
    asBlocks(this.body[name]).forEach((b, idx) => {
      if (b && typeof b === 'object' && !Array.isArray(b)) out.push(new BlockView(b, this.scope, this.ctx, [...this.steps, { type: name, index: idx }]));
    });
    for (const d of asBlocks(this.body.dynamic?.[name])) {
      const iter = typeof d.iterator === 'string' ? d.iterator.replace(/^\$\{|\}$/g, '') : name;
      const coll = evalJson(d.for_each, this.scope);
      const contents = asBlocks(d.content);
      let items;
      if (coll === UNKNOWN || coll === null || typeof coll !== 'object') items = [[UNKNOWN, UNKNOWN]];
      else items = Array.isArray(coll) ? coll.map((v, i) => [i, v]) : Object.entries(coll);
      for (const [k, v] of items) {
        const bind = { [iter]: k === UNKNOWN ? UNKNOWN : { key: k, value: v } };
        const scope = { root: (n) => (n in bind ? bind[n] : this.scope.root(n)) };
        for (const c of contents) out.push(new BlockView(c, scope, this.ctx, [...this.steps, name]));
      }
    }
    return out;
  }

  line(name) {
    return lineOf(this.ctx.loc, name === undefined ? this.steps : [...this.steps, name]);
  }
}

class ResourceInstance extends BlockView {
  constructor(res, inst, bind, key) {
    super(res.body, inst.makeScope(bind), { file: res.file, loc: res.pf.loc }, res.steps);
    this.res = res;
    this.inst = inst;
    this.type = res.type;
    this.name = res.name;
    this.key = key;
    this.address = `${inst.address ? `${inst.address}.` : ''}${res.mode === 'data' ? 'data.' : ''}${res.type}.${res.name}${key === undefined ? '' : `[${JSON.stringify(key)}]`}`;
  }

  // Resources (type.name, in the same module) that this resource's argument refers to.
  refsIn(name) {
    const v = name === undefined ? this.body : this.body[name];
    const out = [];
    const visit = (x) => {
      if (typeof x === 'string') {
        if (!x.includes('${')) return;
        try { for (const t of traversals(fromJson(x))) out.push(t); } catch { /* reported elsewhere */ }
      } else if (Array.isArray(x)) x.forEach(visit);
      else if (x && typeof x === 'object') Object.values(x).forEach(visit);
    };
    visit(v);
    return out.map((t) => (t.root === 'data' ? `data.${t.steps[0]?.name}.${t.steps[1]?.name}` : `${t.root}.${t.steps[0]?.name}`));
  }
}

function expandResources(res, inst) {
  const body = res.body || {};
  if (body.count !== undefined) {
    const n = evalJson(body.count, inst.scope);
    if (n === UNKNOWN) return [new ResourceInstance(res, inst, { count: { index: UNKNOWN } }, undefined)];
    const out = [];
    for (let i = 0; i < Number(n); i++) out.push(new ResourceInstance(res, inst, { count: { index: i } }, i));
    return out;
  }
  if (body.for_each !== undefined) {
    const c = evalJson(body.for_each, inst.scope);
    if (c === UNKNOWN || c === null || typeof c !== 'object') return [new ResourceInstance(res, inst, { each: UNKNOWN }, undefined)];
    const entries = Array.isArray(c) ? c.map((v) => [v, v]) : Object.entries(c);
    return entries.map(([k, v]) => new ResourceInstance(res, inst, { each: { key: k, value: v } }, k));
  }
  return [new ResourceInstance(res, inst, {}, undefined)];
}

// Builds every module instance and resource instance for one scenario.
function instantiate(project, rootValues, scenarioName) {
  const instances = [];
  const root = new ModuleInstance(project.root, '', (k) => (k in rootValues ? { value: rootValues[k] } : null), project, instances);
  const force = (inst) => {
    for (const name of Object.keys(inst.mod.modules)) {
      const c = inst.child(name);
      if (c) force(c);
    }
  };
  force(root);
  const resources = [];
  for (const inst of instances) {
    for (const r of inst.mod.resources) {
      if (r.mode === 'ephemeral') continue;
      resources.push(...expandResources(r, inst));
    }
  }
  return {
    name: scenarioName,
    root,
    instances,
    resources,
    byType(type) { return resources.filter((r) => r.type === type && r.res.mode === 'resource'); },
    dataByType(type) { return resources.filter((r) => r.type === type && r.res.mode === 'data'); },
    // The resource instances a reference "type.name" points to, in the module instance of `from`.
    resolve(from, ref) {
      return resources.filter((r) => r.inst === from.inst && `${r.res.mode === 'data' ? 'data.' : ''}${r.type}.${r.name}` === ref);
    },
  };
}

function scenarios(project) {
  const list = [];
  if (project.tfvars.length) {
    for (const tv of project.tfvars) {
      const vals = {};
      for (const [k, v] of Object.entries(tv.values || {})) vals[k] = evalJson(v, EMPTY);
      list.push(instantiate(project, vals, tv.rel));
    }
  } else list.push(instantiate(project, {}, 'defaults'));
  return list;
}

module.exports = { instantiate, scenarios, BlockView, ResourceInstance, truthy, UNKNOWN };
