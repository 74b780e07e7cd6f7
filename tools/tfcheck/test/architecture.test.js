'use strict';
// docs/architecture.md's AWS diagram names every Terraform module.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { REPO } = require('./helpers');

test('the AWS deployment diagram has a box for every module under terraform/modules', () => {
  const doc = fs.readFileSync(path.join(REPO, 'docs', 'architecture.md'), 'utf8');
  const start = doc.indexOf('## AWS deployment');
  assert.ok(start >= 0, 'docs/architecture.md has an "AWS deployment" section');
  const section = doc.slice(start);
  const mermaid = /```mermaid\n([\s\S]*?)```/.exec(section);
  assert.ok(mermaid, 'the section has a Mermaid diagram');
  const modules = fs.readdirSync(path.join(REPO, 'terraform', 'modules')).filter((d) => fs.statSync(path.join(REPO, 'terraform', 'modules', d)).isDirectory());
  for (const m of modules) assert.ok(mermaid[1].includes(`"modules/${m}`), `the diagram has no box labelled modules/${m}`);
  const boxes = [...mermaid[1].matchAll(/"modules\/([a-z0-9-]+)/g)].map((x) => x[1]);
  for (const b of boxes) assert.ok(modules.includes(b), `the diagram shows modules/${b}, which does not exist`);
});
