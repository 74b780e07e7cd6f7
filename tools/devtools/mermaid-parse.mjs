// Parses Mermaid diagrams offline with mermaid's own parser (the one GitHub's
// renderer runs), in Node with jsdom standing in for the browser DOM that
// mermaid's sanitizer needs.
//
// Input: a JSON file [{"id": "docs/x.md:12", "source": "flowchart TB\n..."}].
// Output: one line per diagram, "ok <id> <diagram type>" or
// "error <id> <message>"; exit 1 when any diagram does not parse.
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

const [file] = process.argv.slice(2);
if (!file) {
  console.error('usage: node mermaid-parse.mjs DIAGRAMS.json');
  process.exit(2);
}
const diagrams = JSON.parse(readFileSync(file, 'utf8'));

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });

let failed = 0;
for (const { id, source } of diagrams) {
  try {
    const result = await mermaid.parse(source);
    console.log(`ok ${id} ${result.diagramType}`);
  } catch (error) {
    failed += 1;
    const message = String(error && error.message ? error.message : error).split('\n').slice(0, 4).join(' | ');
    console.log(`error ${id} ${message}`);
  }
}
process.exit(failed ? 1 : 0);
