'use strict';
// The AWS provider schema, extracted from the jsii assembly that
// @cdktf/provider-aws ships (131 MB of JSON, ~440 MB RSS to parse) and
// cached as a compact JSON file keyed by the package version, so only the
// first run pays for it.

const fs = require('fs');
const path = require('path');

const EXTRACTOR_VERSION = 2;
const PKG = '@cdktf/provider-aws';
const META_ARGS = new Set(['count', 'dependsOn', 'forEach', 'lifecycle', 'provider', 'connection', 'provisioners']);

function packageDir() {
  return path.dirname(require.resolve(`${PKG}/package.json`));
}

function snake(name) {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

function tfNameOf(prop) {
  const text = `${prop.docs?.summary || ''} ${prop.docs?.remarks || ''}`;
  const m = /#([a-z0-9_]+) [A-Za-z0-9]+#([a-z0-9_]+)\}/.exec(text);
  return m ? m[2] : snake(prop.name);
}

function structFqn(type) {
  if (type.fqn && !type.fqn.startsWith('cdktf.')) return { fqn: type.fqn, list: false };
  if (type.collection && type.collection.elementtype.fqn && !type.collection.elementtype.fqn.startsWith('cdktf.')) {
    return { fqn: type.collection.elementtype.fqn, list: true };
  }
  if (type.union) {
    for (const t of type.union.types) {
      const s = structFqn(t);
      if (s) return s;
    }
  }
  return null;
}

function extract(jsii) {
  const types = jsii.types;
  const structs = {};
  const ids = new Map();
  const structId = (fqn) => {
    if (ids.has(fqn)) return ids.get(fqn);
    const id = String(ids.size);
    ids.set(fqn, id);
    const t = types[fqn];
    const s = { a: {}, b: {} };
    structs[id] = s;
    for (const p of t.properties || []) {
      if (META_ARGS.has(p.name) && t.interfaces?.includes('cdktf.TerraformMetaArguments')) continue;
      const name = tfNameOf(p);
      const sf = structFqn(p.type);
      const isBlock = /\bblock\.?$/.test((p.docs?.summary || '').trim()) && sf;
      if (isBlock) s.b[name] = { s: structId(sf.fqn), r: !p.optional, l: sf.list };
      else s.a[name] = { r: !p.optional };
    }
    return id;
  };
  const out = { resources: {}, data: {}, computed: {}, dataComputed: {}, provider: null, structs };
  for (const [fqn, t] of Object.entries(types)) {
    if (t.kind !== 'class' || !t.initializer) continue;
    const summary = t.docs?.summary || '';
    const m = /docs\/(resources|data-sources)\/[a-z0-9_]+ (aws_[a-z0-9_]+)\}/.exec(summary);
    const cfg = (t.initializer.parameters || []).find((p) => p.name === 'config');
    if (fqn === `${PKG}.provider.AwsProvider`) {
      out.provider = structId(cfg.type.fqn);
      continue;
    }
    if (!m || !cfg) continue;
    const kind = m[1] === 'resources' ? 'resources' : 'data';
    out[kind][m[2]] = structId(cfg.type.fqn);
    const cfgStruct = structs[out[kind][m[2]]];
    const computed = [];
    for (const p of t.properties || []) {
      if (p.static || p.name.endsWith('Input') || p.name === 'tfResourceType') continue;
      const n = snake(p.name);
      if (!(n in cfgStruct.a) && !(n in cfgStruct.b)) computed.push(n);
    }
    out[kind === 'resources' ? 'computed' : 'dataComputed'][m[2]] = computed;
  }
  return out;
}

function cacheDir() {
  return process.env.TFCHECK_CACHE_DIR || path.join(__dirname, '..', '.cache');
}

let memo = null;

// Returns { version, resources, data, computed, provider, structs }.
function loadSchema({ log = () => {} } = {}) {
  if (memo) return memo;
  const dir = packageDir();
  const version = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
  const file = path.join(cacheDir(), `aws-schema-${version}-v${EXTRACTOR_VERSION}.json`);
  let schema;
  if (fs.existsSync(file)) {
    schema = JSON.parse(fs.readFileSync(file, 'utf8'));
  } else {
    log(`tfcheck: extracting the AWS provider schema from ${PKG} ${version} (once; cached in ${path.relative(process.cwd(), file) || file})`);
    const jsii = JSON.parse(fs.readFileSync(path.join(dir, '.jsii'), 'utf8'));
    schema = extract(jsii);
    schema.version = version;
    const providerVersion = /aws\/([0-9.]+)\/docs/.exec(JSON.stringify(jsii.types[`${PKG}.provider.AwsProvider`].docs));
    schema.providerVersion = providerVersion ? providerVersion[1] : 'unknown';
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(schema));
    fs.renameSync(tmp, file);
  }
  memo = schema;
  return schema;
}

module.exports = { loadSchema, snake };
