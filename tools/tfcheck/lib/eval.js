'use strict';
// Evaluates the expressions the checker needs to know (variable values,
// conditionals, literals and common functions). Anything that depends on
// state only AWS knows (ids, ARNs, computed attributes) is UNKNOWN, and
// UNKNOWN propagates: a rule that meets an UNKNOWN value does not guess.

const UNKNOWN = Symbol.for('tfcheck.unknown');
const isUnknown = (v) => v === UNKNOWN;

// > 0 while the arguments of try()/can() are evaluated.
let strictAttributes = 0;

// jsonencode() of a value that still holds UNKNOWN parts: rules can look
// inside it, string functions cannot.
class Encoded {
  constructor(value) { this.value = value; }
}

function containsUnknown(v) {
  if (v === UNKNOWN) return true;
  if (v instanceof Encoded) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (v && typeof v === 'object') return Object.values(v).some(containsUnknown);
  return false;
}

// Terraform's built-in functions (1.10): known names, so misspellings fail.
const BUILTINS = new Set(`abs abspath alltrue anytrue base64decode base64encode base64gzip base64sha256
base64sha512 basename bcrypt can ceil chomp chunklist cidrhost cidrnetmask cidrsubnet cidrsubnets coalesce
coalescelist compact concat contains csvdecode dirname distinct element endswith ephemeralasnull file filebase64
filebase64sha256 filebase64sha512 fileexists filemd5 fileset filesha1 filesha256 filesha512 flatten floor
format formatdate formatlist indent index issensitive join jsondecode jsonencode keys length list log lookup
lower map matchkeys max md5 merge min nonsensitive one parseint pathexpand plantimestamp pow range regex
regexall replace reverse rsadecrypt sensitive setintersection setproduct setsubtract setunion sha1 sha256
sha512 signum slice sort split startswith strcontains strrev substr sum templatefile templatestring textdecodebase64
textencodebase64 timeadd timecmp timestamp title tobool tolist tomap tonumber toset tostring transpose trim
trimprefix trimspace trimsuffix try type upper urlencode uuid uuidv5 values yamldecode yamlencode zipmap`.split(/\s+/));

class EvalError extends Error {}

function truthy(v) {
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  return UNKNOWN;
}

function tfEqual(a, b) {
  if (a === UNKNOWN || b === UNKNOWN) return UNKNOWN;
  if (containsUnknown(a) || containsUnknown(b)) return UNKNOWN;
  return JSON.stringify(normalize(a)) === JSON.stringify(normalize(b));
}

function normalize(v) {
  if (Array.isArray(v)) return v.map(normalize);
  if (v && typeof v === 'object') {
    const o = {};
    for (const k of Object.keys(v).sort()) o[k] = normalize(v[k]);
    return o;
  }
  return v;
}

function str(v) {
  if (v === UNKNOWN || v instanceof Encoded) return UNKNOWN;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null) return UNKNOWN;
  throw new EvalError(`cannot convert ${Array.isArray(v) ? 'a list' : 'an object'} to a string`);
}

function num(v) {
  if (v === UNKNOWN) return UNKNOWN;
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  throw new EvalError(`cannot convert ${JSON.stringify(v)} to a number`);
}

function coll(v) {
  if (v === UNKNOWN) return UNKNOWN;
  if (Array.isArray(v)) return v;
  if (v && typeof v === 'object' && !(v instanceof Encoded)) return v;
  if (v instanceof Encoded) return UNKNOWN;
  throw new EvalError(`expected a collection, got ${JSON.stringify(v)}`);
}

const FUNCS = {
  length: (v) => { v = v === UNKNOWN ? UNKNOWN : (typeof v === 'string' ? v : coll(v)); if (v === UNKNOWN) return UNKNOWN; return typeof v === 'string' ? [...v].length : Array.isArray(v) ? v.length : Object.keys(v).length; },
  lookup: (m, k, d) => { m = coll(m); if (m === UNKNOWN || k === UNKNOWN) return UNKNOWN; if (Object.prototype.hasOwnProperty.call(m, k)) return m[k]; if (d === undefined) throw new EvalError(`lookup: no key ${JSON.stringify(k)}`); return d; },
  contains: (l, v) => { l = coll(l); if (l === UNKNOWN || containsUnknown(v)) return UNKNOWN; const r = (Array.isArray(l) ? l : Object.values(l)).some((x) => tfEqual(x, v) === true); return r || (Array.isArray(l) && l.some(containsUnknown) ? UNKNOWN : r); },
  merge: (...ms) => { if (ms.some((m) => m === UNKNOWN)) return UNKNOWN; return Object.assign({}, ...ms.filter((m) => m !== null)); },
  concat: (...ls) => { if (ls.some((l) => l === UNKNOWN)) return UNKNOWN; return [].concat(...ls); },
  coalesce: (...vs) => { for (const v of vs) { if (v === UNKNOWN) return UNKNOWN; if (v !== null && v !== '') return v; } throw new EvalError('coalesce: no non-null argument'); },
  coalescelist: (...vs) => { for (const v of vs) { if (v === UNKNOWN) return UNKNOWN; if (Array.isArray(v) && v.length) return v; } return []; },
  compact: (l) => (l === UNKNOWN ? UNKNOWN : l.filter((x) => x !== null && x !== '')),
  distinct: (l) => (l === UNKNOWN ? UNKNOWN : l.filter((x, i) => containsUnknown(x) || l.findIndex((y) => tfEqual(x, y) === true) === i)),
  flatten: (l) => { if (l === UNKNOWN) return UNKNOWN; const out = []; const f = (x) => { if (x === UNKNOWN) throw UNKNOWN; if (Array.isArray(x)) x.forEach(f); else out.push(x); }; try { f(l); } catch (e) { if (e === UNKNOWN) return UNKNOWN; throw e; } return out; },
  keys: (m) => { m = coll(m); return m === UNKNOWN ? UNKNOWN : Object.keys(m).sort(); },
  values: (m) => { m = coll(m); return m === UNKNOWN ? UNKNOWN : Object.keys(m).sort().map((k) => m[k]); },
  tostring: (v) => (v === null ? null : str(v)),
  tonumber: (v) => (v === null ? null : num(v)),
  tobool: (v) => (v === null ? null : truthy(v)),
  tolist: (v) => (v === UNKNOWN ? UNKNOWN : Array.isArray(v) ? v : Object.values(coll(v))),
  toset: (v) => (v === UNKNOWN ? UNKNOWN : FUNCS.distinct(FUNCS.tolist(v))),
  tomap: (v) => v,
  jsonencode: (v) => (containsUnknown(v) ? new Encoded(v) : JSON.stringify(v)),
  jsondecode: (s) => { if (s instanceof Encoded) return s.value; s = str(s); return s === UNKNOWN ? UNKNOWN : JSON.parse(s); },
  lower: (s) => { s = str(s); return s === UNKNOWN ? s : s.toLowerCase(); },
  upper: (s) => { s = str(s); return s === UNKNOWN ? s : s.toUpperCase(); },
  join: (sep, l) => { if (sep === UNKNOWN || l === UNKNOWN || l.some((x) => str(x) === UNKNOWN)) return UNKNOWN; return l.map(str).join(sep); },
  split: (sep, s) => { s = str(s); return s === UNKNOWN || sep === UNKNOWN ? UNKNOWN : s.split(sep); },
  replace: (s, a, b) => { s = str(s); if ([s, a, b].includes(UNKNOWN)) return UNKNOWN; if (/^\/.*\/$/.test(a)) return s.replace(new RegExp(a.slice(1, -1), 'g'), b.replace(/\$\{?(\d+)\}?/g, '$$$1')); return s.split(a).join(b); },
  format: (f, ...args) => { if (f === UNKNOWN || args.some((a) => a === UNKNOWN || a instanceof Encoded)) return UNKNOWN; let i = 0; return f.replace(/%(%|[-0-9.]*[sdvfq])/g, (m, c) => (c === '%' ? '%' : String(args[i++]))); },
  startswith: (s, p) => { s = str(s); return s === UNKNOWN || p === UNKNOWN ? UNKNOWN : s.startsWith(p); },
  endswith: (s, p) => { s = str(s); return s === UNKNOWN || p === UNKNOWN ? UNKNOWN : s.endsWith(p); },
  strcontains: (s, p) => { s = str(s); return s === UNKNOWN || p === UNKNOWN ? UNKNOWN : s.includes(p); },
  trimspace: (s) => { s = str(s); return s === UNKNOWN ? s : s.trim(); },
  trimprefix: (s, p) => { s = str(s); return s === UNKNOWN || p === UNKNOWN ? UNKNOWN : s.startsWith(p) ? s.slice(p.length) : s; },
  trimsuffix: (s, p) => { s = str(s); return s === UNKNOWN || p === UNKNOWN ? UNKNOWN : s.endsWith(p) ? s.slice(0, -p.length) : s; },
  substr: (s, o, n) => { s = str(s); return [s, o, n].includes(UNKNOWN) ? UNKNOWN : n < 0 ? s.slice(o) : s.slice(o, o + n); },
  regex: (re, s) => { s = str(s); if (s === UNKNOWN || re === UNKNOWN) return UNKNOWN; const m = new RegExp(re).exec(s); if (!m) throw new EvalError(`regex ${re} does not match ${JSON.stringify(s)}`); return m.length > 1 ? m.slice(1) : m[0]; },
  regexall: (re, s) => { s = str(s); if (s === UNKNOWN || re === UNKNOWN) return UNKNOWN; return [...s.matchAll(new RegExp(re, 'g'))].map((m) => (m.length > 1 ? m.slice(1) : m[0])); },
  min: (...n) => (n.includes(UNKNOWN) ? UNKNOWN : Math.min(...n.map(num))),
  max: (...n) => (n.includes(UNKNOWN) ? UNKNOWN : Math.max(...n.map(num))),
  abs: (n) => (n === UNKNOWN ? n : Math.abs(num(n))),
  ceil: (n) => (n === UNKNOWN ? n : Math.ceil(num(n))),
  floor: (n) => (n === UNKNOWN ? n : Math.floor(num(n))),
  sum: (l) => (l === UNKNOWN || l.includes(UNKNOWN) ? UNKNOWN : l.reduce((a, b) => a + num(b), 0)),
  alltrue: (l) => { if (l === UNKNOWN) return UNKNOWN; const t = l.map(truthy); return t.includes(false) ? false : t.includes(UNKNOWN) ? UNKNOWN : true; },
  anytrue: (l) => { if (l === UNKNOWN) return UNKNOWN; const t = l.map(truthy); return t.includes(true) ? true : t.includes(UNKNOWN) ? UNKNOWN : false; },
  element: (l, i) => (l === UNKNOWN || i === UNKNOWN ? UNKNOWN : l[num(i) % l.length]),
  slice: (l, a, b) => (l === UNKNOWN || a === UNKNOWN || b === UNKNOWN ? UNKNOWN : l.slice(a, b)),
  range: (...a) => { if (a.includes(UNKNOWN)) return UNKNOWN; let [s, e, st] = a.length === 1 ? [0, a[0], 1] : [a[0], a[1], a[2] ?? 1]; const out = []; for (let i = s; st > 0 ? i < e : i > e; i += st) out.push(i); return out; },
  zipmap: (k, v) => { if (k === UNKNOWN || v === UNKNOWN) return UNKNOWN; const o = {}; k.forEach((x, i) => { o[x] = v[i]; }); return o; },
  one: (l) => (l === UNKNOWN ? UNKNOWN : l.length === 0 ? null : l[0]),
  reverse: (l) => (l === UNKNOWN ? UNKNOWN : [...l].reverse()),
  sort: (l) => (l === UNKNOWN || l.includes(UNKNOWN) ? UNKNOWN : [...l].sort()),
  setunion: (...ls) => (ls.includes(UNKNOWN) ? UNKNOWN : FUNCS.distinct([].concat(...ls))),
  setsubtract: (a, b) => (a === UNKNOWN || b === UNKNOWN ? UNKNOWN : a.filter((x) => !b.some((y) => tfEqual(x, y) === true))),
  setintersection: (a, ...bs) => (a === UNKNOWN || bs.includes(UNKNOWN) ? UNKNOWN : a.filter((x) => bs.every((b) => b.some((y) => tfEqual(x, y) === true)))),
  index: (l, v) => (l === UNKNOWN ? UNKNOWN : l.findIndex((x) => tfEqual(x, v) === true)),
  sensitive: (v) => v,
  nonsensitive: (v) => v,
  title: (s) => { s = str(s); return s === UNKNOWN ? s : s.replace(/\b\w/g, (c) => c.toUpperCase()); },
  parseint: (s, b) => (s === UNKNOWN ? UNKNOWN : parseInt(s, b)),
  signum: (n) => (n === UNKNOWN ? n : Math.sign(n)),
  // file() reads the file for real (the checker needs config/routes.json);
  // paths are absolute here because path.module evaluates to an absolute path.
  file: (p) => { if (p === UNKNOWN) return UNKNOWN; try { return require('fs').readFileSync(p, 'utf8'); } catch { throw new EvalError(`file: cannot read ${p}`); } },
  fileexists: (p) => (p === UNKNOWN ? UNKNOWN : require('fs').existsSync(p)),
  pow: (a, b) => (a === UNKNOWN || b === UNKNOWN ? UNKNOWN : a ** b),
};

// Evaluates an expression tree in a scope: scope.root(name) returns the
// value bound to a root name (var, local, each, a for variable, ...).
function evaluate(e, scope) {
  switch (e.type) {
    case 'lit': return e.v;
    case 'template': {
      let out = '';
      for (const p of e.parts) {
        if (p.k === 'lit') out += p.v;
        else if (p.k === 'expr') {
          const v = str(evaluate(p.e, scope));
          if (v === UNKNOWN) return UNKNOWN;
          out += v;
        } else return UNKNOWN; // template directives: not evaluated
      }
      return out;
    }
    case 'var': return scope.root(e.name);
    case 'paren': return evaluate(e.e, scope);
    case 'attr': {
      const v = evaluate(e.e, scope);
      if (v === UNKNOWN || v === null || v instanceof Encoded) return UNKNOWN;
      if (Array.isArray(v)) return UNKNOWN;
      if (typeof v !== 'object') throw new EvalError(`cannot read attribute "${e.name}" of a ${typeof v}`);
      if (e.name in v) return v[e.name];
      // Inside try()/can() a missing attribute of a known object is the
      // error Terraform reports (so try() moves on to its next argument);
      // elsewhere it may be one the checker does not model: unknown.
      if (strictAttributes > 0) throw new EvalError(`object has no attribute "${e.name}"`);
      return UNKNOWN;
    }
    case 'index': {
      const v = evaluate(e.e, scope);
      const i = evaluate(e.i, scope);
      if (v === UNKNOWN || i === UNKNOWN || v === null || v instanceof Encoded) return UNKNOWN;
      if (Array.isArray(v)) return num(i) < v.length ? v[num(i)] : UNKNOWN;
      if (typeof v === 'object') return Object.prototype.hasOwnProperty.call(v, i) ? v[i] : UNKNOWN;
      return UNKNOWN;
    }
    case 'splat': return UNKNOWN;
    case 'cond': {
      const c = truthy(evaluate(e.c, scope));
      if (c === true) return evaluate(e.a, scope);
      if (c === false) return evaluate(e.b, scope);
      const a = evaluate(e.a, scope);
      const b = evaluate(e.b, scope);
      return tfEqual(a, b) === true ? a : UNKNOWN;
    }
    case 'unary': {
      const v = evaluate(e.e, scope);
      if (v === UNKNOWN) return UNKNOWN;
      if (e.op === '!') { const t = truthy(v); return t === UNKNOWN ? t : !t; }
      return -num(v);
    }
    case 'bin': {
      if (e.op === '&&' || e.op === '||') {
        const l = truthy(evaluate(e.l, scope));
        if (e.op === '&&' && l === false) return false;
        if (e.op === '||' && l === true) return true;
        const r = truthy(evaluate(e.r, scope));
        if (e.op === '&&') return r === false ? false : (l === UNKNOWN || r === UNKNOWN ? UNKNOWN : true);
        return r === true ? true : (l === UNKNOWN || r === UNKNOWN ? UNKNOWN : false);
      }
      const l = evaluate(e.l, scope);
      const r = evaluate(e.r, scope);
      if (e.op === '==') return tfEqual(l, r);
      if (e.op === '!=') { const q = tfEqual(l, r); return q === UNKNOWN ? q : !q; }
      if (l === UNKNOWN || r === UNKNOWN) return UNKNOWN;
      const a = num(l);
      const b = num(r);
      switch (e.op) {
        case '+': return a + b;
        case '-': return a - b;
        case '*': return a * b;
        case '/': return a / b;
        case '%': return a % b;
        case '<': return a < b;
        case '>': return a > b;
        case '<=': return a <= b;
        case '>=': return a >= b;
        default: throw new EvalError(`operator ${e.op}`);
      }
    }
    case 'tuple': return e.items.map((x) => evaluate(x, scope));
    case 'object': {
      const o = {};
      for (const it of e.items) {
        const k = evaluate(it.key, scope);
        if (k === UNKNOWN) return UNKNOWN;
        o[str(k)] = evaluate(it.value, scope);
      }
      return o;
    }
    case 'for': {
      const c = evaluate(e.coll, scope);
      if (c === UNKNOWN || c instanceof Encoded) return UNKNOWN;
      if (c === null) throw new EvalError('for expression over null');
      const entries = Array.isArray(c) ? c.map((v, i) => [i, v]) : Object.keys(c).sort().map((k) => [k, c[k]]);
      const out = e.obj ? {} : [];
      for (const [k, v] of entries) {
        const bind = { [e.valVar]: v };
        if (e.keyVar) bind[e.keyVar] = k;
        const inner = { root: (n) => (n in bind ? bind[n] : scope.root(n)) };
        if (e.cond) {
          const ok = truthy(evaluate(e.cond, inner));
          if (ok === UNKNOWN) return UNKNOWN;
          if (!ok) continue;
        }
        const val = evaluate(e.val, inner);
        if (e.obj) {
          const key = evaluate(e.key, inner);
          if (key === UNKNOWN) return UNKNOWN;
          out[str(key)] = val;
        } else out.push(val);
      }
      return out;
    }
    case 'call': {
      if (e.name === 'try' || e.name === 'can') {
        for (const a of e.args) {
          try {
            let v;
            strictAttributes++;
            try { v = evaluate(a, scope); } finally { strictAttributes--; }
            if (v === UNKNOWN) return UNKNOWN;
            return e.name === 'can' ? true : v;
          } catch (err) {
            if (!(err instanceof EvalError)) throw err;
            if (e.name === 'can') return false;
          }
        }
        if (e.name === 'can') return false;
        throw new EvalError('try: no argument could be evaluated');
      }
      let args = e.args.map((a) => evaluate(a, scope));
      if (e.expand) {
        const last = args.pop();
        if (last === UNKNOWN) return UNKNOWN;
        args = args.concat(last);
      }
      const f = FUNCS[e.name];
      if (!f) return UNKNOWN;
      return f(...args);
    }
    default: return UNKNOWN;
  }
}

// Evaluates without throwing: a failing expression becomes UNKNOWN.
function tryEvaluate(e, scope) {
  try {
    return evaluate(e, scope);
  } catch (err) {
    if (err instanceof EvalError || err instanceof TypeError || err instanceof SyntaxError || err instanceof RangeError) return UNKNOWN;
    throw err;
  }
}

module.exports = { UNKNOWN, isUnknown, Encoded, containsUnknown, evaluate, tryEvaluate, truthy, BUILTINS, EvalError };
