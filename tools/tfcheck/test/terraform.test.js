'use strict';
// The project's real terraform/ passes with zero findings, and the checker
// really evaluates it (the rules see the per-environment values).
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const { REPO } = require('./helpers');
const { loadProject } = require('../lib/project');
const { scenarios } = require('../lib/instances');

const TF = path.join(REPO, 'terraform');

test('terraform/ has zero findings (references, schema, rules, docs)', async () => {
  const { check } = require('../lib/check');
  const r = await check(TF, { docsMode: 'check' });
  assert.deepEqual(r.findings.map((f) => `${f.file}:${f.line} [${f.rule}] ${f.message}`), []);
  assert.ok(r.project.modules.size >= 11, 'root plus every module is loaded');
  assert.equal(r.project.tfvars.length, 2);
  assert.ok(r.project.tests.length >= 2);
});

test('the scenarios evaluate the environment choices', async () => {
  const project = await loadProject(TF);
  const byName = Object.fromEntries(scenarios(project).map((s) => [path.basename(s.name), s]));
  const dev = byName['dev.tfvars'];
  const prod = byName['prod.tfvars'];
  const db = (sc) => sc.byType('aws_db_instance')[0];
  assert.equal(db(dev).get('multi_az'), false);
  assert.equal(db(prod).get('multi_az'), true);
  assert.equal(db(prod).get('deletion_protection'), true);
  assert.equal(dev.byType('aws_instance').length, 1, 'dev has a NAT instance');
  assert.equal(prod.byType('aws_instance').length, 0);
  const retention = (sc) => sc.byType('aws_cloudwatch_log_group').map((g) => g.get('retention_in_days'));
  assert.ok(retention(dev).every((d) => d === 7 || typeof d === 'symbol'));
  assert.ok(retention(prod).includes(30));
  const http = (sc) => sc.byType('aws_lb_listener').find((l) => l.name === 'http');
  assert.equal(http(prod).blocks('default_action')[0].get('type'), 'redirect');
  assert.equal(http(dev).blocks('default_action')[0].get('type'), 'fixed-response');
  const paths = prod.byType('aws_lb_listener_rule').flatMap((r) => r.blocks('condition').flatMap((c) => c.blocks('path_pattern').flatMap((p) => p.get('values'))));
  for (const p of ['/api/products*', '/api/orders*', '/*', '/internal/*']) assert.ok(paths.includes(p), `listener rule for ${p}`);
});

test('values flow through module outputs into the task definitions', async () => {
  const { decodeJson } = require('../lib/rules');
  const project = await loadProject(TF);
  const prod = scenarios(project).find((s) => s.name.endsWith('prod.tfvars'));
  const td = prod.byType('aws_ecs_task_definition').find((t) => t.key === 'product-service');
  const [app] = decodeJson(td.get('container_definitions'));
  assert.deepEqual(app.secrets.map((s) => s.name), ['ADMIN_API_KEY', 'ADMIN_API_KEY_PREVIOUS', 'DATABASE_URL', 'INTERNAL_API_KEY',
    'INTERNAL_API_KEY_PREVIOUS', 'LOG_LEVEL', 'LOG_SAMPLE_RATE', 'PGPASSWORD']);
  assert.ok(!app.environment.some((e) => /PASSWORD|API_KEY/.test(e.name)));
  assert.equal(app.user, '65532');
  assert.equal(app.stopTimeout, 30);
});

test('the AWS provider is pinned to exactly the version whose schema tfcheck checks against', async () => {
  const { loadSchema } = require('../lib/schema');
  const schema = loadSchema({});
  const project = await loadProject(TF);
  const providers = project.root.terraform.flatMap((t) => [].concat(t.body?.required_providers || []));
  const aws = providers.map((p) => p.aws).find(Boolean);
  assert.ok(aws, 'terraform/ declares required_providers.aws');
  assert.match(aws.version, /^=?\s*\d+\.\d+\.\d+$/, `the aws provider constraint "${aws.version}" is not an exact version`);
  assert.equal(aws.version.replace(/^=\s*/, ''), schema.providerVersion,
    'terraform/versions.tf and @cdktf/provider-aws (tools/tfcheck/package.json) must name the same provider version: move both together');
});
