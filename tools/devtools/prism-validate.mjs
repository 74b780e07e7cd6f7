// Checks recorded HTTP responses against an OpenAPI document with Stoplight
// Prism's response validator: the check `prism proxy SPEC UPSTREAM` runs on
// every answer it forwards. The document is loaded as the CLI loads it
// (getHttpOperationsFromSpec) and each response goes through validateOutput,
// the function the proxy calls on the upstream's answer. Recording first and
// validating afterwards lets the contract tests check answers no proxy could
// carry (a request without Host, a 9 KB header, the connection cap).
//
//   node prism-validate.mjs SPEC EXCHANGES.json
//
// EXCHANGES.json is a JSON array of {"method", "path", "status", "headers",
// "body"}: `path` is the document's path template ("/api/products/{id}"),
// `headers` an object of response headers, `body` the raw body text.
// Prints {"checked": N, "violations": [{"exchange", "location", "code",
// "message", "severity"}]} and exits 0 when there is no violation, 1 when
// there is one, 2 when the input cannot be read.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { getHttpOperationsFromSpec } = require('@stoplight/prism-http');
const { validateOutput } = require('@stoplight/prism-http/dist/validator');

// DiagnosticSeverity of @stoplight/types.
const SEVERITY = ['error', 'warning', 'information', 'hint'];

function usage(message) {
  process.stderr.write(`prism-validate: ${message}\n`);
  process.exit(2);
}

// The body as the proxy hands it to the validator (prism-http's
// utils/parseResponse): parsed for a JSON media type unless the status is
// 204, the text otherwise.
function isJson(contentType) {
  const media = contentType.split(';')[0].trim().toLowerCase();
  return media === 'application/json' || (media.startsWith('application/') && media.endsWith('+json'));
}

function readExchanges(path) {
  let value;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    usage(`cannot read ${path}: ${error.message}`);
  }
  if (!Array.isArray(value)) {
    usage(`${path}: expected a JSON array of exchanges`);
  }
  value.forEach((e, i) => {
    const ok = e && typeof e.method === 'string' && typeof e.path === 'string' && Number.isInteger(e.status) &&
      e.headers && typeof e.headers === 'object' && typeof e.body === 'string';
    if (!ok) {
      usage(`${path}: exchange ${i} needs method, path, status (an integer), headers (an object) and body (a string)`);
    }
  });
  return value;
}

const [specPath, exchangesPath, extra] = process.argv.slice(2);
if (!specPath || !exchangesPath || extra !== undefined) {
  usage('usage: prism-validate.mjs SPEC EXCHANGES.json');
}
const exchanges = readExchanges(exchangesPath);
let operations;
try {
  operations = await getHttpOperationsFromSpec(specPath);
} catch (error) {
  usage(`cannot load ${specPath}: ${error.message}`);
}

const violations = [];
for (const exchange of exchanges) {
  const label = `${exchange.method} ${exchange.path} ${exchange.status}`;
  const add = (location, code, message, severity = 'error') => violations.push({ exchange: label, location, code, message, severity });
  const operation = operations.find((op) => op.method === exchange.method.toLowerCase() && op.path === exchange.path);
  if (operation === undefined) {
    add([], 'operation', 'the document has no such operation');
    continue;
  }
  const headers = Object.fromEntries(Object.entries(exchange.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
  let body = exchange.body;
  if (exchange.status !== 204 && isJson(headers['content-type'] ?? '')) {
    try {
      body = JSON.parse(exchange.body);
    } catch (error) {
      add(['response', 'body'], 'json', `the body is not JSON: ${error.message}`);
      continue;
    }
  }
  const result = validateOutput({ resource: operation, element: { statusCode: exchange.status, headers, body } });
  if (result._tag === 'Left') {
    for (const d of result.left) {
      add(['response', ...(d.path ?? [])], d.code ?? null, d.message, SEVERITY[d.severity] ?? String(d.severity));
    }
  }
}
// exitCode, not process.exit(): a pipe is written asynchronously, and exiting
// at once cut the report at 64 KiB.
process.stdout.write(`${JSON.stringify({ checked: exchanges.length, violations }, null, 1)}\n`);
process.exitCode = violations.length === 0 ? 0 : 1;
