'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { runCli } = require('./helpers');

function tmpModule() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfcheck-docs-'));
  fs.writeFileSync(path.join(dir, 'main.tf'), 'variable "a" {\n  description = "An input."\n  type        = string\n  default     = "x"\n}\n\noutput "b" {\n  description = "An output."\n  value       = var.a\n}\n');
  return dir;
}

test('docs --write generates the section, keeps hand-written text, and drift is detected', () => {
  const dir = tmpModule();
  fs.writeFileSync(path.join(dir, 'README.md'), '# m\n\nHand-written intro.\n');
  assert.equal(runCli(['docs', dir]).code, 1, 'missing section is drift');
  assert.equal(runCli(['docs', dir, '--write']).code, 0);
  const readme = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
  assert.match(readme, /Hand-written intro\./);
  assert.match(readme, /\| a \| An input\. \| `string` \| `"x"` \| no \|/);
  assert.match(readme, /\| b \| An output\. \|/);
  assert.equal(runCli(['docs', dir]).code, 0);
  fs.appendFileSync(path.join(dir, 'main.tf'), '\nvariable "c" {\n  description = "New."\n  type        = number\n}\n');
  const drift = runCli(['docs', dir]);
  assert.equal(drift.code, 1);
  assert.match(drift.stderr, /README\.md:1: \[TFC-DOCS\] the generated inputs\/outputs section is out of date/);
});
