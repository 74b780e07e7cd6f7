'use strict';
// Requirements 1-3: parsing, references, module calls, variables, tfvars,
// test files and the provider schema, each proven on a bad fixture whose
// expect.json lists exactly the findings (rule, file, line, text).
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { ROOT, checkDir } = require('./helpers');

const FIXTURES = path.join(ROOT, 'fixtures', 'checks');

for (const name of fs.readdirSync(FIXTURES)) {
  test(`fixtures/checks/${name}: exactly the expected findings`, async () => {
    const dir = path.join(FIXTURES, name);
    const expected = JSON.parse(fs.readFileSync(path.join(dir, 'expect.json'), 'utf8'));
    const findings = await checkDir(dir);
    const show = findings.map((f) => `${f.file}:${f.line} [${f.rule}] ${f.message}`).join('\n');
    for (const e of expected) {
      const hit = findings.find((f) => f.rule === e.rule && f.line === e.line && f.file === (e.file || 'main.tf') && f.message.includes(e.contains));
      assert.ok(hit, `expected ${e.rule} at ${e.file || 'main.tf'}:${e.line} containing ${JSON.stringify(e.contains)}; got:\n${show}`);
    }
    assert.equal(findings.length, expected.length, `unexpected extra findings:\n${show}`);
  });
}
