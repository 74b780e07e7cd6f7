'use strict';
// Requirement 5: every security rule fires on its own bad fixture, and only
// the expected rules fire there; every fixture belongs to a rule.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { RULES } = require('../lib/rules');
const { ROOT, checkDir } = require('./helpers');

const FIXTURES = path.join(ROOT, 'fixtures', 'rules');

test('every rule names a checkov or trivy check (project rules excepted) and a one-line reason', () => {
  const ids = new Set();
  for (const r of RULES) {
    assert.ok(!ids.has(r.id), `duplicate rule id ${r.id}`);
    ids.add(r.id);
    assert.ok(r.checkov || r.trivy || r.project, `${r.id} has no checkov/trivy ID and is not marked as a project rule`);
    if (r.checkov) assert.match(r.checkov, /^CKV2?_AWS_\d+$/, r.id);
    if (r.trivy) assert.match(r.trivy, /^AVD-AWS-\d{4}$/, r.id);
    assert.ok(r.reason && !r.reason.includes('\n'), `${r.id} needs a one-line reason`);
  }
});

test('every fixture directory belongs to a rule', () => {
  const ids = new Set(RULES.map((r) => r.id.toLowerCase()));
  for (const d of fs.readdirSync(FIXTURES)) assert.ok(ids.has(d), `fixtures/rules/${d} matches no rule`);
});

for (const rule of RULES) {
  test(`${rule.id} fires on fixtures/rules/${rule.id.toLowerCase()} and nothing unexpected does`, async () => {
    const dir = path.join(FIXTURES, rule.id.toLowerCase());
    assert.ok(fs.existsSync(dir), `missing fixture ${dir}`);
    const expectFile = path.join(dir, 'expect.txt');
    const expected = fs.existsSync(expectFile) ? fs.readFileSync(expectFile, 'utf8').trim().split(/\s+/) : [rule.id];
    const findings = await checkDir(dir);
    const fired = [...new Set(findings.map((f) => f.rule))].sort();
    assert.deepEqual(fired, [...expected].sort(), `findings:\n${findings.map((f) => `${f.file}:${f.line} ${f.rule} ${f.message}`).join('\n')}`);
    const own = findings.find((f) => f.rule === rule.id);
    assert.equal(own.file, 'main.tf');
    assert.ok(own.line > 1, 'the finding points at a line inside the resource');
    assert.equal(own.reason, rule.reason);
  });
}

test('README.md lists every rule', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  for (const r of RULES) assert.ok(readme.includes(`\`${r.id}\``), `README.md does not mention ${r.id}`);
});
