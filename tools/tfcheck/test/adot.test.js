'use strict';
// The ADOT collector sidecar: its configuration file parses as YAML, its
// receivers, processors and exporters are defined and wired into the traces
// pipeline (OTLP/HTTP on localhost:4318 -> memory_limiter, batch -> awsxray),
// it fits an SSM Standard parameter; and the task definitions the checker
// evaluates per environment carry it (prod) or not (dev) as the brief says.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');
const { REPO } = require('./helpers');
const { loadProject } = require('../lib/project');
const { scenarios } = require('../lib/instances');
const { decodeJson } = require('../lib/rules');

const CONFIG = path.join(REPO, 'terraform', 'modules', 'ecs', 'files', 'adot-collector.yaml');

// Component ids are "type" or "type/name".
const typeOf = (id) => id.split('/')[0];

test('the collector configuration is YAML with every pipeline component defined and wired', () => {
  const text = fs.readFileSync(CONFIG, 'utf8');
  const doc = YAML.parse(text, { strict: true, uniqueKeys: true });
  assert.ok(Buffer.byteLength(text) <= 4096, `${Buffer.byteLength(text)} bytes: an SSM Standard parameter holds at most 4096`);
  const pipelines = doc.service?.pipelines;
  assert.deepEqual(Object.keys(pipelines), ['traces'], 'one pipeline: traces (metrics go through EMF log lines)');
  const traces = pipelines.traces;
  for (const kind of ['receivers', 'processors', 'exporters']) {
    assert.ok(Array.isArray(traces[kind]) && traces[kind].length, `traces pipeline has ${kind}`);
    for (const id of traces[kind]) assert.ok(doc[kind] && id in doc[kind], `${kind} "${id}" is used by the pipeline but not defined`);
    for (const id of Object.keys(doc[kind])) assert.ok(traces[kind].includes(id), `${kind} "${id}" is defined but unused`);
  }
  for (const id of doc.service.extensions) assert.ok(id in doc.extensions, `extension "${id}" is not defined`);

  assert.deepEqual(traces.receivers.map(typeOf), ['otlp']);
  assert.deepEqual(Object.keys(doc.receivers.otlp.protocols), ['http'], 'OTLP over HTTP only (the services speak OTLP/HTTP JSON)');
  assert.equal(doc.receivers.otlp.protocols.http.endpoint, 'localhost:4318');
  assert.deepEqual(traces.processors.map(typeOf), ['memory_limiter', 'batch'], 'memory_limiter first, then batch');
  const batch = doc.processors[traces.processors[1]];
  assert.ok(batch.send_batch_max_size <= 50, 'X-Ray takes at most 50 segments per PutTraceSegments');
  assert.ok(doc.processors.memory_limiter.limit_mib < 128, 'the limiter stops below the container hard limit (128 MiB)');
  assert.deepEqual(traces.exporters.map(typeOf), ['awsxray']);
  assert.equal(doc.exporters.awsxray.region, '${env:AWS_REGION}');
  assert.ok(doc.exporters.awsxray.indexed_attributes.includes('http.route'), 'routes are searchable as annotation.http_route');
  assert.equal(doc.extensions.health_check.endpoint, 'localhost:13133', 'the /healthcheck binary probes port 13133');
  assert.deepEqual(doc.service.extensions, ['health_check']);
});

function containersOf(sc, service) {
  const td = sc.byType('aws_ecs_task_definition').find((t) => t.key === service);
  return decodeJson(td.get('container_definitions'));
}

const env = (c) => Object.fromEntries((c.environment || []).map((e) => [e.name, e.value]));

test('prod tasks run the sidecar (small, not essential, health-checked, config from SSM); dev tasks do not', async () => {
  const project = await loadProject(path.join(REPO, 'terraform'));
  const byName = Object.fromEntries(scenarios(project).map((s) => [path.basename(s.name), s]));
  const prod = byName['prod.tfvars'];
  const dev = byName['dev.tfvars'];

  for (const service of ['frontend', 'product-service', 'order-service']) {
    const [app, adot, ...rest] = containersOf(prod, service);
    assert.equal(rest.length, 0);
    assert.equal(adot.name, 'aws-otel-collector');
    assert.equal(adot.essential, false);
    assert.ok(adot.cpu <= 128 && adot.memory <= 256 && adot.memoryReservation <= adot.memory, 'a small sidecar');
    assert.deepEqual(adot.healthCheck.command, ['CMD', '/healthcheck']);
    assert.deepEqual(adot.command, ['--config=env:AOT_CONFIG_CONTENT']);
    assert.deepEqual(adot.secrets.map((s) => s.name), ['AOT_CONFIG_CONTENT']);
    assert.ok('AWS_REGION' in env(adot), 'the exporter reads its region from AWS_REGION');

    const e = env(app);
    assert.equal(e.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://localhost:4318');
    assert.equal(e.OTEL_TRACES_SAMPLER, 'parentbased_traceidratio');
    assert.equal(e.OTEL_TRACES_SAMPLER_ARG, service === 'order-service' ? '0.25' : '0.05');
    assert.equal(e.METRICS_EMF_INTERVAL_SECONDS, '60');
    assert.equal(e.DEPLOYMENT_ENVIRONMENT, 'prod');

    const devContainers = containersOf(dev, service);
    assert.equal(devContainers.length, 1, 'dev runs no sidecar');
    const d = env(devContainers[0]);
    assert.equal(d.OTEL_EXPORTER_OTLP_ENDPOINT, undefined, 'no collector, no tracing');
    assert.equal(d.METRICS_EMF_INTERVAL_SECONDS, '60', 'EMF needs no collector');
    assert.equal(d.DEPLOYMENT_ENVIRONMENT, 'dev');
  }

  const [param] = prod.byType('aws_ssm_parameter').filter((p) => p.name === 'adot_config');
  assert.equal(param.get('value'), fs.readFileSync(CONFIG, 'utf8'), 'the parameter carries the file as it is in the repository');
  assert.equal(param.get('tier'), 'Standard');
  assert.equal(dev.byType('aws_ssm_parameter').filter((p) => p.name === 'adot_config').length, 0);

  // The execution role may read the parameter (ECS injects it as a secret).
  const docs = prod.dataByType('aws_iam_policy_document').filter((d) => d.name === 'execution');
  assert.equal(docs.length, 3);
  for (const d of docs) {
    const sids = d.blocks('statement').map((s) => s.get('sid'));
    assert.ok(sids.includes('ReadCollectorConfig'), `execution policy ${d.key}: ${sids}`);
  }
});
