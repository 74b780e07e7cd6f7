'use strict';
// The observability of terraform/ as the checker evaluates it per
// environment: one dashboard showing every business metric within the free
// tier's 50 metrics, SLO burn-rate alarms with the workbook's windows and
// thresholds wired into composite alarms, X-Ray sampling rules, and saved
// Logs Insights queries that name only fields the services really log.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { REPO } = require('./helpers');
const { loadProject } = require('../lib/project');
const { scenarios } = require('../lib/instances');
const { decodeJson } = require('../lib/rules');
const { dashboardMetrics, loadCatalog } = require('../lib/rules/metrics');

let cached;
async function envs() {
  if (!cached) {
    const project = await loadProject(path.join(REPO, 'terraform'));
    cached = { project, ...Object.fromEntries(scenarios(project).map((s) => [path.basename(s.name, '.tfvars'), s])) };
  }
  return cached;
}

test('one dashboard per environment, showing every business metric and the AWS namespaces, within 50 metrics', async () => {
  const { project, dev, prod } = await envs();
  const catalog = loadCatalog(project.rootDir);
  assert.equal(path.relative(REPO, catalog.file), path.join('config', 'emf_metrics.json'));
  for (const [name, sc] of [['dev', dev], ['prod', prod]]) {
    const dashboards = sc.byType('aws_cloudwatch_dashboard');
    assert.equal(dashboards.length, 1, `${name}: one dashboard`);
    assert.equal(dashboards[0].get('dashboard_name'), `ecommerce-${name}-overview`);
    const refs = dashboardMetrics(decodeJson(dashboards[0].get('dashboard_body')));
    assert.ok(refs.every((r) => !r.error), `${name}: ${refs.map((r) => r.error).filter(Boolean)}`);
    // Every series of every business metric, with this environment's dimension.
    for (const m of catalog.metrics) {
      for (const v of m.dimension ? m.values : [null]) {
        assert.ok(refs.some((r) => r.ns === catalog.namespace && r.name === m.name && r.dims.Service === m.service && r.dims.Environment === name && (v === null || r.dims[m.dimension] === v)),
          `${name}: the dashboard does not show ${m.name} ${m.service}${v ? ` ${m.dimension}=${v}` : ''}`);
      }
    }
    for (const ns of ['AWS/ApplicationELB', 'AWS/ECS', 'AWS/RDS', 'AWS/Billing']) assert.ok(refs.some((r) => r.ns === ns), `${name}: no ${ns} metric`);
    const stats = refs.filter((r) => r.name === 'TargetResponseTime').map((r) => r.stat);
    for (const p of ['p50', 'p90', 'p99']) assert.ok(stats.includes(p), `${name}: TargetResponseTime ${p}`);
    assert.ok(refs.some((r) => r.ns === 'AWS/Billing' && r.region === 'us-east-1'), 'billing is read from us-east-1');
    assert.ok(refs.length <= 50, `${name}: ${refs.length} metrics (the free tier covers 3 dashboards of up to 50)`);
  }
});

test('SLO burn-rate alarms: 1 h/5 min at 14.4x and 6 h/30 min at 6x, combined long AND short by composite alarms (prod); none in dev', async () => {
  const { prod, dev } = await envs();
  const windows = { 'fast-long': [3600, 14.4], 'fast-short': [300, 14.4], 'slow-long': [21600, 6], 'slow-short': [1800, 6] };
  for (const [slo, budget] of [['availability', 0.1], ['latency', 1]]) {
    const alarms = prod.byType('aws_cloudwatch_metric_alarm').filter((a) => a.name === `${slo}_burn`);
    assert.equal(alarms.length, 4, `${slo}: four window alarms`);
    for (const a of alarms) {
      const w = a.get('alarm_name').replace(`ecommerce-prod-slo-${slo}-`, '');
      const [period, burn] = windows[w];
      assert.ok(Math.abs(a.get('threshold') - burn * budget) < 1e-9, `${a.get('alarm_name')}: threshold ${a.get('threshold')} = ${burn} x ${budget}%`);
      const metrics = a.blocks('metric_query').flatMap((q) => q.blocks('metric'));
      assert.ok(metrics.length >= 2 && metrics.every((m) => m.get('period') === period), `${a.get('alarm_name')}: every metric over the ${period} s window`);
      assert.equal(a.get('evaluation_periods'), 1, 'one period: the sliding window is the SLO window');
      assert.equal(a.get('alarm_actions'), undefined, 'window alarms notify only through the composite');
    }
    const [composite] = prod.byType('aws_cloudwatch_composite_alarm').filter((c) => c.name === slo);
    assert.ok(composite, `${slo}: composite alarm`);
    assert.ok(composite.has('alarm_actions'), 'the composite notifies the alarm topic');
    const rule = composite.raw('alarm_rule');
    for (const w of ['fast_long', 'fast_short', 'slow_long', 'slow_short']) assert.match(rule, new RegExp(`${slo}_burn\\["${w}"\\]`));
  }
  const latency = prod.byType('aws_cloudwatch_metric_alarm').find((a) => a.name === 'latency_burn');
  assert.ok(latency.blocks('metric_query').some((q) => q.blocks('metric').some((m) => m.get('stat') === 'PR(:0.3)')), 'latency SLI: percentile rank of 300 ms');
  assert.equal(dev.byType('aws_cloudwatch_composite_alarm').length, 0);
  assert.equal(dev.byType('aws_cloudwatch_metric_alarm').filter((a) => /_burn$/.test(a.name)).length, 0);
});

test('X-Ray sampling rules: health probes never, checkouts higher than the default, rates from the environment', async () => {
  const { prod, dev } = await envs();
  const rules = (sc) => Object.fromEntries(sc.byType('aws_xray_sampling_rule').map((r) => [r.key, r]));
  const p = rules(prod);
  for (const k of ['health', 'ready']) {
    assert.equal(p[k].get('fixed_rate'), 0);
    assert.equal(p[k].get('reservoir_size'), 0);
  }
  assert.equal(p.health.get('url_path'), '/health');
  assert.equal(p.checkout.get('http_method'), 'POST');
  assert.equal(p.checkout.get('url_path'), '/api/orders*');
  assert.equal(p.checkout.get('fixed_rate'), 0.25);
  assert.equal(p.default.get('fixed_rate'), 0.05);
  assert.ok(p.health.get('priority') < p.checkout.get('priority') && p.checkout.get('priority') < p.default.get('priority'));
  assert.ok(Object.values(p).every((r) => r.get('rule_name').length <= 32 && r.get('rule_name').startsWith('ecommerce-prod-')));
  assert.equal(rules(dev).default.get('fixed_rate'), 1);
});

// Every field a Logs Insights query names must be one the services write.
function loggedFields() {
  const fields = new Set(['time', 'level', 'service', 'msg']);
  const dirs = ['services/common/src', 'services/product-service/src', 'services/order-service/src', 'services/frontend/src'];
  for (const d of dirs) {
    for (const f of fs.readdirSync(path.join(REPO, d), { recursive: true }).filter((x) => x.endsWith('.cpp'))) {
      const src = fs.readFileSync(path.join(REPO, d, f), 'utf8');
      for (const call of src.matchAll(/log::(?:debug|info|warn|error|fatal|write)\(([\s\S]*?)\);/g)) {
        for (const m of call[1].matchAll(/\{\s*"([a-z_]+)"\s*,/g)) fields.add(m[1]);
      }
    }
  }
  return fields;
}

const INSIGHTS_WORDS = new Set(['fields', 'filter', 'stats', 'sort', 'limit', 'by', 'as', 'and', 'or', 'not', 'like', 'in', 'desc', 'asc', 'display', 'parse']);

test('the saved Logs Insights queries name only fields the services write', async () => {
  const { prod } = await envs();
  const logged = loggedFields();
  for (const f of ['request_id', 'trace_id', 'method', 'route', 'status', 'duration_ms', 'order_id']) assert.ok(logged.has(f), `services log ${f}`);
  const queries = prod.byType('aws_cloudwatch_query_definition');
  const names = queries.map((q) => q.key).sort();
  assert.deepEqual(names, ['checkout-outcomes', 'database-errors', 'errors-by-route', 'exporter-failures', 'reconciler-actions', 'slow-requests', 'slow-routes', 'starts-and-fatals', 'trace-lines']);
  for (const q of queries) {
    const text = q.get('query_string');
    assert.equal(typeof text, 'string');
    const bare = text.replace(/"[^"]*"/g, '""').replace(/\/[^/\n]*\//g, '//');
    const aliases = new Set([...bare.matchAll(/\bas\s+(\w+)/g)].map((m) => m[1]));
    const idents = [...bare.matchAll(/(@?[A-Za-z_]\w*)(\s*\()?/g)].filter((m) => !m[2]).map((m) => m[1]);
    for (const id of idents) {
      if (id.startsWith('@') || INSIGHTS_WORDS.has(id) || aliases.has(id) || /^\d/.test(id)) continue;
      assert.ok(logged.has(id), `query ${q.key}: field "${id}" is not written by any service`);
    }
  }
});
