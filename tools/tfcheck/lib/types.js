'use strict';
// Type constraints: parses `object({ a = optional(string, "x") })` and
// applies optional-attribute defaults to a value, as Terraform does when a
// caller leaves them out. Also a coarse compatibility check for tfvars.

const { parseExpression } = require('./expr');
const { evaluate, UNKNOWN } = require('./eval');

const EMPTY_SCOPE = { root: () => UNKNOWN };

function parseType(src) {
  if (src === undefined) return null;
  const text = typeof src === 'string' ? src.replace(/^\$\{([\s\S]*)\}$/, '$1') : String(src);
  try {
    return toType(parseExpression(text));
  } catch (err) {
    return { kind: 'invalid', error: err.message };
  }
}

function toType(e) {
  if (e.type === 'var') {
    if (['string', 'number', 'bool', 'any'].includes(e.name)) return { kind: e.name };
    return { kind: 'invalid', error: `unknown type "${e.name}"` };
  }
  if (e.type === 'call') {
    if (['list', 'set', 'map'].includes(e.name) && e.args.length === 1) return { kind: e.name, of: toType(e.args[0]) };
    if (e.name === 'tuple' && e.args[0]?.type === 'tuple') return { kind: 'tuple', items: e.args[0].items.map(toType) };
    if (e.name === 'object' && e.args[0]?.type === 'object') {
      const attrs = {};
      for (const it of e.args[0].items) {
        const name = it.key.v;
        const v = it.value;
        if (v.type === 'call' && v.name === 'optional') {
          attrs[name] = { type: toType(v.args[0]), optional: true, default: v.args[1] ? evaluate(v.args[1], EMPTY_SCOPE) : null };
        } else attrs[name] = { type: toType(v), optional: false };
      }
      return { kind: 'object', attrs };
    }
  }
  return { kind: 'invalid', error: 'not a type constraint' };
}

function applyDefaults(value, type) {
  if (!type || value === UNKNOWN || value === null || value === undefined) return value;
  switch (type.kind) {
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return value;
      const out = { ...value };
      for (const [name, a] of Object.entries(type.attrs)) {
        if (out[name] === undefined || out[name] === null) out[name] = a.optional ? applyDefaults(a.default, a.type) : (out[name] ?? null);
        else out[name] = applyDefaults(out[name], a.type);
      }
      return out;
    }
    case 'map':
      if (typeof value !== 'object' || Array.isArray(value)) return value;
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, applyDefaults(v, type.of)]));
    case 'list': case 'set':
      return Array.isArray(value) ? value.map((v) => applyDefaults(v, type.of)) : value;
    default: return value;
  }
}

// Returns a description of why value does not fit type, or null.
function mismatch(value, type, where = 'value') {
  if (!type || value === UNKNOWN || value === null) return null;
  switch (type.kind) {
    case 'any': case 'invalid': return null;
    case 'string': return ['string', 'number', 'boolean'].includes(typeof value) ? null : `${where} must be a string`;
    case 'number': return typeof value === 'number' || (typeof value === 'string' && !Number.isNaN(Number(value))) ? null : `${where} must be a number`;
    case 'bool': return typeof value === 'boolean' || value === 'true' || value === 'false' ? null : `${where} must be a bool`;
    case 'list': case 'set': case 'tuple':
      if (!Array.isArray(value)) return `${where} must be a ${type.kind}`;
      if (type.of) for (let i = 0; i < value.length; i++) { const m = mismatch(value[i], type.of, `${where}[${i}]`); if (m) return m; }
      return null;
    case 'map':
      if (typeof value !== 'object' || Array.isArray(value)) return `${where} must be a map`;
      for (const [k, v] of Object.entries(value)) { const m = mismatch(v, type.of, `${where}["${k}"]`); if (m) return m; }
      return null;
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return `${where} must be an object`;
      for (const k of Object.keys(value)) if (!type.attrs[k]) return `${where} has no attribute "${k}" (allowed: ${Object.keys(type.attrs).join(', ')})`;
      for (const [k, a] of Object.entries(type.attrs)) {
        if (!(k in value)) {
          if (!a.optional) return `${where} is missing the required attribute "${k}"`;
          continue;
        }
        const m = mismatch(value[k], a.type, `${where}.${k}`);
        if (m) return m;
      }
      return null;
    }
    default: return null;
  }
}

function describe(type) {
  if (!type) return 'any';
  switch (type.kind) {
    case 'list': case 'set': case 'map': return `${type.kind}(${describe(type.of)})`;
    case 'object': return `object({${Object.entries(type.attrs).map(([k, a]) => `${k}=${a.optional ? `optional(${describe(a.type)})` : describe(a.type)}`).join(', ')}})`;
    case 'tuple': return 'tuple';
    default: return type.kind;
  }
}

module.exports = { parseType, applyDefaults, mismatch, describe };
