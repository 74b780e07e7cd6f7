'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { runCli, REPO, ROOT } = require('./helpers');

test('tfvars-json prints the variable values of a tfvars file', () => {
  const r = runCli(['tfvars-json', 'terraform/envs/dev.tfvars']);
  assert.equal(r.code, 0, r.stderr);
  const v = JSON.parse(r.stdout);
  assert.equal(v.environment, 'dev');
  assert.equal(v.nat_strategy, 'instance');
  assert.equal(v.services.frontend.cpu, 256);
  assert.equal(v.services.frontend.requests_per_min, 600, 'optional() defaults are applied');
  assert.deepEqual(v.capacity_provider_strategy, { on_demand_base: 0, on_demand_weight: 0, spot_weight: 1 });
});

test('tfvars-json --with-defaults fills in root variable defaults', () => {
  const r = runCli(['tfvars-json', 'terraform/envs/prod.tfvars', '--with-defaults']);
  assert.equal(r.code, 0, r.stderr);
  const v = JSON.parse(r.stdout);
  assert.equal(v.project, 'ecommerce');
  assert.equal(v.nat_strategy, 'per_az');
});

test('tfvars-json names file, line and problem for a bad file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfcheck-'));
  fs.mkdirSync(path.join(dir, 'envs'));
  fs.copyFileSync(path.join(REPO, 'terraform', 'variables.tf'), path.join(dir, 'variables.tf'));
  fs.writeFileSync(path.join(dir, 'envs', 'x.tfvars'), 'environment = "dev"\nnat_stratgy = "single"\n');
  const r = runCli(['tfvars-json', path.join(dir, 'envs', 'x.tfvars')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /x\.tfvars:2: \[TFC-TFVARS\] "nat_stratgy" is not a variable of the root module/);
  fs.writeFileSync(path.join(dir, 'envs', 'y.tfvars'), 'environment = "dev"\nnat_strategy = \n');
  const s = runCli(['tfvars-json', path.join(dir, 'envs', 'y.tfvars')]);
  assert.equal(s.code, 1);
  assert.match(s.stderr, /y\.tfvars:\d+: \[TFC-SYNTAX\]/);
});

test('check exits 1 with file:line findings and 0 on a clean module', () => {
  const bad = runCli(['check', path.join(ROOT, 'fixtures', 'rules', 'rds_not_public'), '--no-docs']);
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /main\.tf:\d+: \[RDS_NOT_PUBLIC CKV_AWS_17, AVD-AWS-0082\] publicly_accessible = true/);
  assert.match(bad.stdout, /why: /);
  const good = runCli(['check', 'terraform']);
  assert.equal(good.code, 0, good.stdout + good.stderr);
});

test('usage errors exit 2 with a message', () => {
  assert.equal(runCli(['frobnicate']).code, 2);
  const r = runCli(['check']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /expected exactly one DIR/);
  assert.equal(runCli(['check', 'no/such/dir']).code, 2);
  assert.equal(runCli(['check', 'terraform', '--bogus']).code, 2);
});

test('rules --json lists every rule with its IDs', () => {
  const r = runCli(['rules', '--json']);
  const rules = JSON.parse(r.stdout);
  assert.ok(rules.length >= 20);
  assert.ok(rules.every((x) => x.checkov || x.trivy || x.project));
  assert.ok(rules.some((x) => x.id === 'CW_KNOWN_METRICS' && x.project));
});
