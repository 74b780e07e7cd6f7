'use strict';
// CW_KNOWN_METRICS: every metric a CloudWatch dashboard widget or a metric
// alarm references must exist. CloudWatch accepts any namespace, name and
// dimension set and simply shows no data, so a typo (or a dimension the
// metric is not published with) makes a graph empty and an alarm that can
// never fire. A metric is known when it is
//   - an AWS metric of the vendored list lib/data/aws-metrics.json, with one
//     of the dimension sets AWS publishes it under (and, for namespaces such
//     as AWS/Billing, in the only region it exists in);
//   - a business metric the services write as CloudWatch Embedded Metric
//     Format, declared in config/emf_metrics.json (found by walking up from
//     the root module): same name, exactly its dimensions (the common ones
//     plus the metric's own), and known dimension values must be ones the
//     services write (Service, and the metric's own dimension);
//   - or a metric that an aws_cloudwatch_log_metric_filter of the same
//     configuration publishes (namespace, name and dimension names).
// Metric math expressions are not metrics and are skipped; values only AWS
// knows (ARN suffixes, IDs) are not checked.

const fs = require('fs');
const path = require('path');
const { UNKNOWN, Encoded } = require('../eval');
const { suggest } = require('../checks/provider-schema');

const AWS = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'data', 'aws-metrics.json'), 'utf8'));

const known = (v) => v !== UNKNOWN && !(v instanceof Encoded) && v !== undefined && v !== null;
const sameSet = (a, b) => a.length === b.length && [...a].sort().join('\u0000') === [...b].sort().join('\u0000');
const fmtSet = (s) => (s.length ? s.join(', ') : '(no dimensions)');

function decodeJson(v) {
  if (v instanceof Encoded) return v.value;
  if (typeof v === 'string') {
    try { return JSON.parse(v); } catch { return UNKNOWN; }
  }
  return UNKNOWN;
}

// The dimension sets of an AWS metric, or null when the metric is not listed.
function awsDimensionSets(ns, name) {
  const n = AWS.namespaces[ns];
  const m = n?.metrics[name];
  if (m === undefined) return null;
  return typeof m === 'string' ? n.sets[m] : m;
}

// config/emf_metrics.json, found by walking up from the root module.
const catalogs = new Map();
function loadCatalog(rootDir) {
  if (process.env.TFCHECK_EMF_CATALOG) rootDir = path.dirname(path.dirname(path.resolve(process.env.TFCHECK_EMF_CATALOG)));
  if (catalogs.has(rootDir)) return catalogs.get(rootDir);
  let found = null;
  for (let d = path.resolve(rootDir); ; d = path.dirname(d)) {
    const f = path.join(d, 'config', 'emf_metrics.json');
    if (fs.existsSync(f)) {
      const doc = JSON.parse(fs.readFileSync(f, 'utf8'));
      found = { file: f, namespace: doc.namespace, common: doc.common_dimensions || [], metrics: doc.metrics || [] };
      break;
    }
    if (path.dirname(d) === d) break;
  }
  catalogs.set(rootDir, found);
  return found;
}

// Namespace -> name -> [dimension name sets] published by log metric filters.
function filterMetrics(sc) {
  const out = new Map();
  for (const f of sc.byType('aws_cloudwatch_log_metric_filter')) {
    for (const t of f.blocks('metric_transformation')) {
      const ns = t.get('namespace');
      const name = t.get('name');
      if (!known(ns) || !known(name)) continue;
      const dims = t.get('dimensions');
      const keys = dims === undefined || dims === null ? [] : known(dims) && typeof dims === 'object' ? Object.keys(dims) : null;
      if (!out.has(ns)) out.set(ns, new Map());
      const byName = out.get(ns);
      if (!byName.has(name)) byName.set(name, []);
      byName.get(name).push(keys);
    }
  }
  return out;
}

// Expands the dashboard shorthand of one metrics-array entry: a leading
// "..." repeats the previous metric with its last elements replaced, and
// "." repeats the element at the same position of the previous metric.
function expandEntry(entry, prev) {
  let items = entry.filter((x) => !(x && typeof x === 'object' && !Array.isArray(x)));
  if (items[0] === '...') {
    if (!prev) return { error: '"..." has no previous metric to repeat' };
    const rest = items.slice(1);
    items = prev.slice(0, Math.max(0, prev.length - rest.length)).concat(rest);
  }
  items = items.map((x, i) => (x === '.' ? (prev ? prev[i] : UNKNOWN) : x));
  return { items };
}

// Every metric referenced by a dashboard body: { ns, name, dims, region, where }.
function dashboardMetrics(body) {
  const out = [];
  if (!body || typeof body !== 'object' || !Array.isArray(body.widgets)) return out;
  body.widgets.forEach((w, wi) => {
    const p = w?.properties;
    if (!p || !Array.isArray(p.metrics)) return;
    const title = typeof p.title === 'string' ? `widget "${p.title}"` : `widget #${wi + 1}`;
    let prev = null;
    for (const entry of p.metrics) {
      if (!Array.isArray(entry)) continue;
      const opts = entry.find((x) => x && typeof x === 'object' && !Array.isArray(x)) || {};
      if (entry.length === 1 && opts.expression !== undefined) continue; // metric math
      const { items, error } = expandEntry(entry, prev);
      if (error) { out.push({ error: `${title}: ${error}` }); continue; }
      prev = items;
      const [ns, name, ...pairs] = items;
      if (pairs.length % 2 !== 0) { out.push({ error: `${title}: metric ${JSON.stringify(name)} has a dimension name without a value` }); continue; }
      const dims = {};
      for (let i = 0; i < pairs.length; i += 2) dims[pairs[i]] = pairs[i + 1];
      out.push({ ns, name, dims, stat: opts.stat ?? p.stat, region: opts.region ?? p.region, regionSet: (opts.region ?? p.region) !== undefined, where: title });
    }
  });
  return out;
}

// Every metric an alarm references: top-level or in metric_query blocks.
function alarmMetrics(a) {
  const out = [];
  const region = a.get('region');
  const name = a.get('metric_name');
  if (name !== undefined) out.push({ view: a, arg: 'metric_name', ns: a.get('namespace'), name, dims: a.get('dimensions') ?? {}, region, regionSet: a.has('region'), where: '' });
  for (const q of a.blocks('metric_query')) {
    for (const m of q.blocks('metric')) {
      out.push({ view: m, arg: 'metric_name', ns: m.get('namespace'), name: m.get('metric_name'), dims: m.get('dimensions') ?? {}, region, regionSet: a.has('region'), where: ` metric_query "${q.get('id')}"` });
    }
  }
  return out;
}

// Problems of one metric reference (empty when it is known).
function problems(ref, ctx) {
  const { ns, name } = ref;
  if (!known(ns) || !known(name)) return [];
  const dims = known(ref.dims) && typeof ref.dims === 'object' ? ref.dims : null;
  const keys = dims ? Object.keys(dims) : null;
  const label = `metric ${ns} ${name}`;
  const out = [];

  if (AWS.namespaces[ns]) {
    const sets = awsDimensionSets(ns, name);
    if (!sets) {
      const names = Object.keys(AWS.namespaces[ns].metrics);
      return [`${label} is not a known AWS metric${suggest(String(name), names)}; known in ${ns}: ${names.join(', ')} (lib/data/aws-metrics.json)`];
    }
    if (keys && !sets.some((s) => sameSet(s, keys))) {
      out.push(`${label} is not published with the dimensions ${fmtSet(keys)}; AWS publishes it with: ${sets.map((s) => `[${fmtSet(s)}]`).join(' or ')}`);
    }
    const regions = AWS.namespaces[ns].regions;
    if (regions) {
      if (!ref.regionSet) out.push(`${label} exists only in ${regions.join(', ')}; set region = ${JSON.stringify(regions[0])}`);
      else if (known(ref.region) && !regions.includes(ref.region)) out.push(`${label} exists only in ${regions.join(', ')}, not in ${ref.region}`);
    }
    return out;
  }

  const cat = ctx.catalog;
  if (cat && ns === cat.namespace) {
    const entries = cat.metrics.filter((m) => m.name === name);
    if (!entries.length) return [`${label}${suggest(String(name), cat.metrics.map((m) => m.name))} is not declared in ${path.relative(process.cwd(), cat.file) || cat.file} (the services write: ${[...new Set(cat.metrics.map((m) => m.name))].join(', ')})`];
    const expected = (m) => [...cat.common, ...(m.dimension ? [m.dimension] : [])];
    if (keys) {
      const matching = entries.filter((m) => sameSet(expected(m), keys));
      if (!matching.length) {
        return [`${label} has the dimensions ${fmtSet(keys)}, but the services write it with exactly ${[...new Set(entries.map((m) => fmtSet(expected(m))))].join(' or ')}`];
      }
      const svc = dims.Service;
      const forService = known(svc) ? matching.filter((m) => m.service === svc) : matching;
      if (!forService.length) {
        out.push(`${label}: Service=${JSON.stringify(svc)} does not write it (${matching.map((m) => m.service).join(', ')} does)`);
      } else {
        for (const m of forService) {
          if (!m.dimension) continue;
          const v = dims[m.dimension];
          const values = forService.flatMap((e) => e.values || []);
          if (known(v) && !values.includes(v)) out.push(`${label}: ${m.dimension}=${JSON.stringify(v)} is not a value the services write (${values.join(', ')})`);
          break;
        }
      }
    }
    return out;
  }

  const byName = ctx.filters.get(ns);
  if (byName) {
    const sets = byName.get(name);
    if (!sets) return [`${label} is not published by any aws_cloudwatch_log_metric_filter${suggest(String(name), [...byName.keys()])}; ${ns} has: ${[...byName.keys()].join(', ')}`];
    if (keys && !sets.some((s) => s === null || sameSet(s, keys))) {
      return [`${label} is published by a log metric filter with the dimensions ${sets.map((s) => `[${fmtSet(s)}]`).join(' or ')}, not ${fmtSet(keys)}`];
    }
    return [];
  }

  const where = [Object.keys(AWS.namespaces).join(', ')];
  if (cat) where.push(`${cat.namespace} (config/emf_metrics.json)`);
  if (ctx.filters.size) where.push(`${[...ctx.filters.keys()].join(', ')} (log metric filters)`);
  return [`${label}: namespace ${JSON.stringify(ns)} is unknown; known namespaces: ${where.join('; ')}${cat ? '' : ' (no config/emf_metrics.json found above the root module)'}`];
}

const rule = {
  id: 'CW_KNOWN_METRICS', checkov: null, trivy: null, project: true,
  title: 'Dashboards and alarms reference only metrics that AWS or the services emit',
  reason: 'CloudWatch accepts any metric name or dimension set and shows no data: a typo gives an empty graph and an alarm that never fires',
  check(sc, report) {
    const ctx = { catalog: loadCatalog(sc.root.project.rootDir), filters: filterMetrics(sc) };
    for (const a of sc.byType('aws_cloudwatch_metric_alarm')) {
      for (const ref of alarmMetrics(a)) {
        for (const p of problems(ref, ctx)) report(ref.view, ref.arg, `alarm ${JSON.stringify(a.get('alarm_name') ?? a.name)}${ref.where}: ${p}`);
      }
    }
    for (const d of sc.byType('aws_cloudwatch_dashboard')) {
      const body = decodeJson(d.get('dashboard_body'));
      if (body === UNKNOWN) continue;
      for (const ref of dashboardMetrics(body)) {
        if (ref.error) { report(d, 'dashboard_body', ref.error); continue; }
        for (const p of problems(ref, ctx)) report(d, 'dashboard_body', `${ref.where}: ${p}`);
      }
    }
  },
};

module.exports = { rule, dashboardMetrics, loadCatalog, AWS };
