'use strict';
// CW_KNOWN_METRICS: the bad fixture fails with a message naming each bad
// metric, the good fixture passes, the dashboard shorthand is expanded like
// CloudWatch does, and the vendored AWS list is well formed.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const { ROOT, checkDir } = require('./helpers');
const { dashboardMetrics, AWS } = require('../lib/rules/metrics');

test('the bad fixture fails once per bad metric, each message naming the metric', async () => {
  const findings = await checkDir(path.join(ROOT, 'fixtures', 'rules', 'cw_known_metrics'));
  const got = findings.map((f) => `${f.line} ${f.message}`);
  const expected = [
    [12, 'widget "Tasks": metric AWS/ECS CPUUtilisation is not a known AWS metric (did you mean "CPUUtilization"?)'],
    [12, 'widget "Orders": metric ECommerce Orders: Outcome="confirmd" is not a value the services write (confirmed, payment_declined)'],
    [12, 'widget "Orders": metric ECommerce ReservationsHeld: Service="order-service" does not write it (product-service does)'],
    [12, 'widget "Charges": metric AWS/Billing EstimatedCharges exists only in us-east-1, not in eu-west-1'],
    [54, 'alarm "orders-missing-outcome": metric ECommerce Orders has the dimensions Environment, Service, but the services write it with exactly Service, Environment, Outcome'],
    [80, 'alarm "target-5xx" metric_query "m1": metric AWS/ApplicationELB HTTPCode_Target_5XX_Count is not published with the dimensions TargetGroup'],
    [104, 'alarm "restarts": metric Shop/Logs ServiceStart is not published by any aws_cloudwatch_log_metric_filter (did you mean "ServiceStarts"?)'],
    [116, 'alarm "charges": metric AWS/Billing EstimatedCharges exists only in us-east-1; set region = "us-east-1"'],
    [128, 'alarm "custom": metric Shop/Business Signups: namespace "Shop/Business" is unknown'],
  ];
  for (const [line, text] of expected) {
    assert.ok(findings.some((f) => f.rule === 'CW_KNOWN_METRICS' && f.line === line && f.message.includes(text)), `missing ${line}: ${text}\ngot:\n${got.join('\n')}`);
  }
  assert.equal(findings.length, expected.length, `unexpected findings:\n${got.join('\n')}`);
});

test('the good fixture (AWS, EMF and log-filter metrics, shorthand, expressions) has no finding', async () => {
  assert.deepEqual((await checkDir(path.join(ROOT, 'fixtures', 'metrics', 'good'))).map((f) => f.message), []);
});

test('dashboard shorthand: "..." replaces the tail of the previous metric, "." repeats a position', () => {
  const refs = dashboardMetrics({
    widgets: [{
      properties: {
        title: 't',
        region: 'us-east-1',
        metrics: [
          ['AWS/ECS', 'CPUUtilization', 'ClusterName', 'c', 'ServiceName', 'a', { stat: 'Average' }],
          ['...', 'b'],
          ['.', 'MemoryUtilization', '.', '.', '.', '.'],
          [{ expression: 'm1 + m2', id: 'e1' }],
          ['AWS/ECS', 'CPUUtilization', 'ClusterName'],
        ],
      },
    }, { type: 'text', properties: { markdown: 'x' } }],
  });
  assert.deepEqual(refs.slice(0, 3).map((r) => [r.ns, r.name, r.dims]), [
    ['AWS/ECS', 'CPUUtilization', { ClusterName: 'c', ServiceName: 'a' }],
    ['AWS/ECS', 'CPUUtilization', { ClusterName: 'c', ServiceName: 'b' }],
    ['AWS/ECS', 'MemoryUtilization', { ClusterName: 'c', ServiceName: 'b' }],
  ]);
  assert.match(refs[3].error, /dimension name without a value/);
  assert.equal(refs.length, 4);
});

test('the vendored AWS list is well formed: every metric has dimension sets, every source is an AWS page', () => {
  for (const [ns, n] of Object.entries(AWS.namespaces)) {
    assert.match(n.source, /^https:\/\/docs\.aws\.amazon\.com\//, ns);
    for (const [m, sets] of Object.entries(n.metrics)) {
      const list = typeof sets === 'string' ? n.sets?.[sets] : sets;
      assert.ok(Array.isArray(list) && list.length && list.every(Array.isArray), `${ns} ${m}: no dimension sets`);
    }
  }
});
