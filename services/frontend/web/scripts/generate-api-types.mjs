// Generates the TypeScript types of the shop's HTTP API from its OpenAPI
// documents (docs/api/*.yaml) with openapi-typescript, into
// src/api/generated/ (not committed: every typecheck and build makes them
// again). src/api/types.ts takes its types from there, so a change to a
// document that the storefront does not follow fails the typecheck.
//
//   node scripts/generate-api-types.mjs [DOCS_DIR]
// DOCS_DIR defaults to the repository's docs/api (API_DOCS_DIR may name
// another). A file is rewritten only when its content changes.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

const here = dirname(fileURLToPath(import.meta.url));
const docsDir = resolve(process.argv[2] ?? process.env['API_DOCS_DIR'] ?? join(here, '..', '..', '..', '..', 'docs', 'api'));
const outDir = join(here, '..', 'src', 'api', 'generated');
const DOCUMENTS = ['product-service', 'order-service'];

/** @param {string} name */
async function generate(name) {
  const source = join(docsDir, `${name}.yaml`);
  const ast = await openapiTS(pathToFileURL(source), { silent: true });
  const header = `// Generated from docs/api/${name}.yaml by scripts/generate-api-types.mjs\n// (openapi-typescript). Do not edit: change the document and rebuild.\n\n`;
  const text = header + astToString(ast);
  const target = join(outDir, `${name}.ts`);
  const old = await readFile(target, 'utf8').catch(() => null);
  if (old !== text) {
    await writeFile(target, text);
  }
  return target;
}

await mkdir(outDir, { recursive: true });
try {
  for (const name of DOCUMENTS) {
    await generate(name);
  }
} catch (error) {
  process.stderr.write(`generate-api-types: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
