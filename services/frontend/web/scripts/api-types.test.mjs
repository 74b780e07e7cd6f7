// The storefront's API layer against its OpenAPI documents: it typechecks
// against the types generated from them, and a document that renames what
// the layer uses makes the typecheck fail (the drift the generated types
// exist to catch).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DOCS_DIR, generateApiTypes } from './generate-api-types.mjs';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Copies the documents, lets `edit` change them, generates the types and
 * typechecks src/api (without its tests) against them, in a scratch folder.
 * @param {(docs: string) => Promise<void>} edit
 */
async function typecheckApiLayer(edit) {
  const root = await mkdtemp(join(tmpdir(), 'web-api-types-'));
  try {
    const docs = join(root, 'docs');
    await cp(DOCS_DIR, docs, { recursive: true });
    await edit(docs);
    await cp(join(web, 'src', 'api'), join(root, 'src', 'api'), {
      recursive: true,
      filter: (source) => !source.includes('generated') && !source.endsWith('.test.ts'),
    });
    await generateApiTypes(docs, join(root, 'src', 'api', 'generated'));
    await writeFile(join(root, 'tsconfig.json'), JSON.stringify({ extends: join(web, 'tsconfig.json'), include: ['src'] }));
    const tsc = spawnSync(process.execPath, [join(web, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.json')], {
      encoding: 'utf8',
    });
    return { status: tsc.status, output: `${tsc.stdout}${tsc.stderr}` };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/**
 * Replaces `from` by `to` in one document, which must contain it.
 * @param {string} docs
 * @param {string} name
 * @param {string} from
 * @param {string} to
 */
async function replaceIn(docs, name, from, to) {
  const path = join(docs, `${name}.yaml`);
  const text = await readFile(path, 'utf8');
  expect(text).toContain(from);
  await writeFile(path, text.split(from).join(to));
}

describe('the API types generated from docs/api', () => {
  it('typecheck the API layer as the documents are', async () => {
    const result = await typecheckApiLayer(async () => {});
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  }, 60_000);

  it('fail the typecheck where the storefront uses what a document renamed', async () => {
    const result = await typecheckApiLayer(async (docs) => {
      await replaceIn(docs, 'product-service', 'price_cents, currency, stock, image_url', 'price_cents, currency, quantity, image_url');
      await replaceIn(docs, 'product-service', '        stock:\n          type: integer\n          format: int32', '        quantity:\n          type: integer\n          format: int32');
      await replaceIn(docs, 'order-service', '- const: request_in_progress', '- const: request_busy');
    });
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/src\/api\/types\.ts.*'stock'/);
    expect(result.output).toMatch(/src\/api\/orders\.ts.*"request_in_progress"/);
  }, 60_000);
});
