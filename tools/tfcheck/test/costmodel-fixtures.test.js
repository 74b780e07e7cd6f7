'use strict';
// The cost model's hand-made plan fixtures (tools/costmodel/fixtures/plan-*.json)
// list every priced resource that terraform/ creates with envs/<env>.tfvars, and
// no other: a resource added to or removed from terraform/ that costs money fails
// here until the fixture (and the figures of tools/costmodel/README.md and
// docs/cost-optimization.md that follow from it) are updated.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { REPO } = require('./helpers');
const { loadProject } = require('../lib/project');
const { scenarios } = require('../lib/instances');

// The types tools/costmodel prices (tools/costmodel/src/pricing.cpp), and the ECS
// cluster (EMF metrics, Container Insights), the task definitions (Container Insights'
// one-off families), the X-Ray sampling rules (their rates price the traces), the SSM
// parameters (the ADOT configuration: X-Ray) and the Security Hub account (free; its
// standards are priced).
const PRICED = new Set([
  'aws_ecs_cluster', 'aws_ecs_service', 'aws_ecs_task_definition', 'aws_cloudwatch_log_metric_filter',
  'aws_xray_sampling_rule', 'aws_ssm_parameter', 'aws_lb', 'aws_nat_gateway', 'aws_eip', 'aws_instance', 'aws_vpc_endpoint',
  'aws_db_instance', 'aws_cloudwatch_log_group', 'aws_ecr_repository', 'aws_s3_bucket', 'aws_secretsmanager_secret',
  'aws_kms_key', 'aws_wafv2_web_acl', 'aws_cloudwatch_metric_alarm', 'aws_cloudwatch_composite_alarm',
  'aws_cloudwatch_dashboard', 'aws_route53_zone', 'aws_appautoscaling_policy',
  'aws_guardduty_detector', 'aws_config_configuration_recorder', 'aws_config_config_rule',
  'aws_securityhub_standards_subscription', 'aws_securityhub_account',
]);

// module.scheduler[0].aws_x.y["k"] -> module.scheduler.aws_x.y["k"] (the checker
// does not index module instances).
const unindexModules = (address) => address.replace(/(module\.[A-Za-z0-9_-]+)\[[^\]]+\]/g, '$1');
// ...aws_x.y["k"] -> ...aws_x.y
const block = (address) => address.replace(/\[[^\]]+\]$/, '');

function fixtureAddresses(env) {
  const plan = JSON.parse(fs.readFileSync(path.join(REPO, 'tools', 'costmodel', 'fixtures', `plan-${env}.json`), 'utf8'));
  const out = [];
  const walk = (m) => {
    for (const r of m.resources || []) if (r.mode === 'managed' && PRICED.has(r.type)) out.push(unindexModules(r.address));
    for (const c of m.child_modules || []) walk(c);
  };
  walk(plan.planned_values.root_module);
  return out;
}

test('the cost model plan fixtures list exactly the priced resources terraform/ creates', async () => {
  const project = await loadProject(path.join(REPO, 'terraform'));
  for (const s of scenarios(project)) {
    const env = path.basename(s.name, '.tfvars');
    const known = new Set();
    const unknownBlocks = new Set(); // count/for_each the checker cannot evaluate
    for (const r of s.resources) {
      if (r.res.mode !== 'resource' || !PRICED.has(r.type)) continue;
      const expanded = r.res.body.count !== undefined || r.res.body.for_each !== undefined;
      if (expanded && r.key === undefined) unknownBlocks.add(r.address);
      else known.add(r.address);
    }
    const fixture = fixtureAddresses(env);
    const inFixture = new Set(fixture);
    const fixtureBlocks = new Set(fixture.map(block));
    const missing = [...known].filter((a) => !inFixture.has(a))
      .concat([...unknownBlocks].filter((b) => !fixtureBlocks.has(b)));
    const extra = fixture.filter((a) => !known.has(a) && !unknownBlocks.has(block(a)));
    assert.deepEqual({ env, missing, extra }, { env, missing: [], extra: [] },
      `tools/costmodel/fixtures/plan-${env}.json is out of step with terraform/ (update it, then the figures)`);
  }
});

// The fixture's resources, by unindexed address, with the values it gives them.
function fixtureResources(env) {
  const plan = JSON.parse(fs.readFileSync(path.join(REPO, 'tools', 'costmodel', 'fixtures', `plan-${env}.json`), 'utf8'));
  const out = new Map();
  const walk = (m) => {
    for (const r of m.resources || []) if (r.mode === 'managed' && PRICED.has(r.type)) out.set(unindexModules(r.address), r.values || {});
    for (const c of m.child_modules || []) walk(c);
  };
  walk(plan.planned_values.root_module);
  return out;
}

// Names are what a reader of the fixture (and of the cost model's output) matches
// against the console and the bill: an alarm named `…-cpu` in the fixture but
// `…-cpu-high` in terraform/ is a fixture that was never compared with the code.
const NAME_ARGS = ['alarm_name', 'name', 'dashboard_name', 'identifier', 'bucket', 'rule_name'];

test('the cost model plan fixtures name each resource as terraform/ does', async () => {
  const project = await loadProject(path.join(REPO, 'terraform'));
  for (const s of scenarios(project)) {
    const env = path.basename(s.name, '.tfvars');
    const fixture = fixtureResources(env);
    const differ = [];
    let compared = 0;
    for (const r of s.resources) {
      if (r.res.mode !== 'resource' || !PRICED.has(r.type) || !fixture.has(r.address)) continue;
      const values = fixture.get(r.address);
      for (const arg of NAME_ARGS) {
        if (!(arg in values) || !r.has(arg)) continue;
        const want = r.get(arg);
        if (typeof want !== 'string') continue; // not known offline (e.g. from a data source)
        compared += 1;
        if (values[arg] !== want) differ.push(`${r.address}.${arg}: fixture "${values[arg]}", terraform "${want}"`);
      }
    }
    assert.ok(compared > 0, `no names of plan-${env}.json could be compared`);
    assert.deepEqual({ env, differ }, { env, differ: [] },
      `tools/costmodel/fixtures/plan-${env}.json names resources differently from terraform/`);
  }
});

test('the cost model plan fixtures have as many alarms per block as terraform/ creates', async () => {
  const project = await loadProject(path.join(REPO, 'terraform'));
  for (const s of scenarios(project)) {
    const env = path.basename(s.name, '.tfvars');
    const count = (addresses) => addresses.reduce((m, a) => m.set(block(a), (m.get(block(a)) || 0) + 1), new Map());
    const alarms = (t) => t === 'aws_cloudwatch_metric_alarm' || t === 'aws_cloudwatch_composite_alarm';
    const tf = s.resources.filter((r) => r.res.mode === 'resource' && alarms(r.type));
    if (tf.some((r) => r.key === undefined && (r.res.body.count !== undefined || r.res.body.for_each !== undefined))) continue;
    const fixture = [...fixtureResources(env).keys()].filter((a) => alarms(a.replace(/^(module\.[^.]+\.)*/, '').split('.')[0]));
    assert.deepEqual(Object.fromEntries(count(fixture)), Object.fromEntries(count(tf.map((r) => r.address))),
      `tools/costmodel/fixtures/plan-${env}.json: alarm counts differ from terraform/`);
  }
});

// The X-Ray sampling rules' rates price the traces (tools/costmodel prices X-Ray from
// the plan's fixed_rate of the '-checkout' and '-default' rules): the fixtures carry
// the rates terraform/ sets from each environment's trace_sampling.
test('the cost model plan fixtures carry the X-Ray sampling rates terraform/ sets', async () => {
  const project = await loadProject(path.join(REPO, 'terraform'));
  for (const s of scenarios(project)) {
    const env = path.basename(s.name, '.tfvars');
    const fixture = fixtureResources(env);
    let compared = 0;
    const differ = [];
    for (const r of s.resources) {
      if (r.res.mode !== 'resource' || r.type !== 'aws_xray_sampling_rule' || !fixture.has(r.address)) continue;
      const want = r.get('fixed_rate');
      if (typeof want !== 'number') continue;
      compared += 1;
      const have = fixture.get(r.address).fixed_rate;
      if (have !== want) differ.push(`${r.address}.fixed_rate: fixture ${have}, terraform ${want}`);
    }
    assert.equal(compared, 4, `plan-${env}.json: the 4 sampling rules' rates could not all be compared`);
    assert.deepEqual({ env, differ }, { env, differ: [] });
  }
});
