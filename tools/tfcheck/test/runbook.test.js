'use strict';
// docs/runbook.md against terraform/: every alarm notifies the topic and the
// runbook section its description names exists; every alarm (by the name
// suffix) has a section; the saved Logs Insights queries appear in the
// runbook exactly as Terraform saves them.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { REPO } = require('./helpers');
const { loadProject } = require('../lib/project');
const { scenarios } = require('../lib/instances');

const RUNBOOK = path.join(REPO, 'docs', 'runbook.md');

// GitHub's heading slugs plus explicit <a id="..."> anchors.
function anchorsOf(text) {
  const out = new Set();
  for (const m of text.matchAll(/^#{1,6} (.+)$/gm)) {
    out.add(m[1].trim().toLowerCase().replace(/`/g, '').replace(/[^\w\- ]/g, '').replace(/ /g, '-'));
  }
  for (const m of text.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) out.add(m[1]);
  return out;
}

async function prod() {
  const project = await loadProject(path.join(REPO, 'terraform'));
  return scenarios(project).find((s) => s.name.endsWith('prod.tfvars'));
}

test('every alarm notifies the alarm topic and links a runbook section that exists', async () => {
  const sc = await prod();
  const runbook = fs.readFileSync(RUNBOOK, 'utf8');
  const anchors = anchorsOf(runbook);
  let linked = 0;
  for (const a of [...sc.byType('aws_cloudwatch_metric_alarm'), ...sc.byType('aws_cloudwatch_composite_alarm')]) {
    if (/_burn$/.test(a.name)) {
      assert.equal(a.has('alarm_actions'), false, `${a.address}: window alarms notify through their composite only`);
      continue;
    }
    assert.ok(a.has('alarm_actions'), `${a.address}: no alarm_actions`);
    const desc = a.get('alarm_description');
    const ref = typeof desc === 'string' ? /docs\/runbook\.md#([\w-]+)/.exec(desc) : null;
    if (ref) {
      linked++;
      assert.ok(anchors.has(ref[1]), `${a.address}: docs/runbook.md has no section #${ref[1]}`);
    }
  }
  assert.ok(linked >= 12, `${linked} alarms link their runbook section`);
});

test('every alarm of every environment is covered by the runbook (by its name without the <project>-<env>- prefix)', async () => {
  const project = await loadProject(path.join(REPO, 'terraform'));
  const runbook = fs.readFileSync(RUNBOOK, 'utf8');
  const generic = (name) => name
    .replace(/^ecommerce-(dev|prod)-/, '')
    .replace(/^(frontend|product-service|order-service)-(product|page|home)-/, '<service>-<cache>-')
    .replace(/^(frontend|product-service|order-service)-/, '<service>-')
    .replace(/-(fast|slow)-(long|short)$/, '');
  for (const sc of scenarios(project)) {
    for (const a of [...sc.byType('aws_cloudwatch_metric_alarm'), ...sc.byType('aws_cloudwatch_composite_alarm')]) {
      const name = a.get('alarm_name');
      assert.equal(typeof name, 'string', a.address);
      const g = generic(name);
      assert.ok(runbook.includes(`\`${g}\``) || runbook.includes(`-${g}\``), `docs/runbook.md has no section for ${name} (looked for \`${g}\`)`);
    }
  }
});

test('the saved Logs Insights queries appear in the runbook exactly as Terraform saves them', async () => {
  const sc = await prod();
  const runbook = fs.readFileSync(RUNBOOK, 'utf8');
  const queries = sc.byType('aws_cloudwatch_query_definition');
  assert.ok(queries.length >= 6);
  for (const q of queries) {
    assert.ok(runbook.includes(`#### \`${q.key}\``), `docs/runbook.md has no section for the query ${q.key}`);
    assert.ok(runbook.includes(`\`\`\`text\n${q.get('query_string')}\n\`\`\``), `docs/runbook.md shows a different text for the query ${q.key}`);
  }
});

test('the runbook has the four seeded scenarios', () => {
  const anchors = anchorsOf(fs.readFileSync(RUNBOOK, 'utf8'));
  for (const a of ['a-task-that-keeps-restarting', 'rds-connections-maxed-out', 'high-alb-latency', 'a-sudden-cost-spike']) {
    assert.ok(anchors.has(a), `docs/runbook.md has no scenario #${a}`);
  }
});
