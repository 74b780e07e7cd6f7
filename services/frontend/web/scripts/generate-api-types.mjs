// Generates the TypeScript types of the shop's HTTP API from its OpenAPI
// documents (docs/api/*.yaml) with openapi-typescript, into
// src/api/generated/ (not committed: every typecheck and build makes them
// again). src/api/types.ts takes its types from there, so a change to a
// document that the storefront does not follow fails the typecheck.
//
//   node scripts/generate-api-types.mjs [DOCS_DIR [OUT_DIR]]
// DOCS_DIR defaults to the repository's docs/api, OUT_DIR to src/api/generated.
// A file is rewritten only when its content changes.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

const here = dirname(fileURLToPath(import.meta.url));
export const DOCS_DIR = join(here, '..', '..', '..', '..', 'docs', 'api');
export const OUT_DIR = join(here, '..', 'src', 'api', 'generated');
export const DOCUMENTS = ['product-service', 'order-service'];

/**
 * Writes OUT_DIR/<name>.ts for each document of DOCUMENTS found in docsDir.
 * @param {string} docsDir
 * @param {string} outDir
 */
export async function generateApiTypes(docsDir = DOCS_DIR, outDir = OUT_DIR) {
  await mkdir(outDir, { recursive: true });
  for (const name of DOCUMENTS) {
    const ast = await openapiTS(pathToFileURL(join(docsDir, `${name}.yaml`)), { silent: true });
    const header = `// Generated from docs/api/${name}.yaml by scripts/generate-api-types.mjs\n// (openapi-typescript). Do not edit: change the document and rebuild.\n\n`;
    const text = header + astToString(ast);
    const target = join(outDir, `${name}.ts`);
    const old = await readFile(target, 'utf8').catch(() => null);
    if (old !== text) {
      await writeFile(target, text);
    }
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await generateApiTypes(resolve(process.argv[2] ?? DOCS_DIR), resolve(process.argv[3] ?? OUT_DIR));
  } catch (error) {
    process.stderr.write(`generate-api-types: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
