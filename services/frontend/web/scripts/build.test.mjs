import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { compress, compressTree, isCompressible } from './compress.mjs';
import { BUDGET_BYTES, checkBuild, inspectIndexHtml, kb } from './check-build.mjs';

/**
 * Writes a tiny build with an entry script of `entryBytes` random (incompressible) bytes.
 * @param {number} entryBytes
 */
async function fakeBuild(entryBytes) {
  const root = await mkdtemp(join(tmpdir(), 'web-build-'));
  await mkdir(join(root, 'assets'));
  await writeFile(join(root, 'index.html'), '<script type="module" src="/assets/index-AbCdEfGh.js"></script>');
  await writeFile(join(root, 'assets', 'index-AbCdEfGh.js'), randomBytes(entryBytes).toString('base64'));
  await writeFile(join(root, 'assets', 'Lazy-AbCdEfGh.js'), 'export const x = 1;');
  return root;
}

describe('compress', () => {
  it('produces gzip and brotli that decompress to the input', () => {
    const data = Buffer.from('<!doctype html>'.repeat(100));
    const { gzip, brotli } = compress(data);
    expect(gunzipSync(gzip).equals(data)).toBe(true);
    expect(brotliDecompressSync(brotli).equals(data)).toBe(true);
    expect(brotli.length).toBeLessThan(data.length);
  });

  it('picks text files only', () => {
    expect(isCompressible('assets/index-abc.js')).toBe(true);
    expect(isCompressible('images/products/kit-001.svg')).toBe(true);
    expect(isCompressible('photo.png')).toBe(false);
    expect(isCompressible('index.html.gz')).toBe(false);
  });
});

describe('inspectIndexHtml', () => {
  it('finds the entry script, its preloads and styles', () => {
    const html =
      '<script type="module" crossorigin src="/assets/index-AbC123_x.js"></script>' +
      '<link rel="modulepreload" crossorigin href="/assets/react-Zz9y8X7w.js">' +
      '<link rel="stylesheet" crossorigin href="/assets/index-Q1w2E3r4.css">';
    expect(inspectIndexHtml(html)).toEqual({
      scripts: ['/assets/index-AbC123_x.js', '/assets/react-Zz9y8X7w.js'],
      styles: ['/assets/index-Q1w2E3r4.css'],
      problems: [],
    });
  });

  it('reports what the Content-Security-Policy would block and unhashed names', () => {
    const html = '<script>alert(1)</script><style>p{}</style><p style="color:red" onclick="x()"></p><script src="/main.js"></script>';
    const { problems } = inspectIndexHtml(html);
    expect(problems).toEqual([
      'index.html has an inline <script>',
      'index.html has an inline <style>',
      'index.html has a style= attribute',
      'index.html has an inline event handler',
      '/main.js is not a hashed asset under /assets/',
    ]);
  });

  it('formats sizes', () => {
    expect(kb(90_000)).toBe('90.0 KB');
    expect(kb(61_234)).toBe('61.2 KB');
  });
});

describe('checkBuild', () => {
  it('passes a small build once it is compressed', async () => {
    const root = await fakeBuild(1000);
    try {
      expect((await checkBuild(root)).problems).toEqual(expect.arrayContaining([expect.stringMatching(/no \.gz\/\.br/)]));
      const compressed = await compressTree(root);
      expect(compressed.map((c) => c.file).sort()).toEqual(['assets/Lazy-AbCdEfGh.js', 'assets/index-AbCdEfGh.js', 'index.html']);
      const result = await checkBuild(root);
      expect(result.problems).toEqual([]);
      expect(result.initialJsGzip).toBeLessThan(BUDGET_BYTES);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('fails when the initial JS is over the budget', async () => {
    const root = await fakeBuild(BUDGET_BYTES);
    try {
      await compressTree(root);
      const result = await checkBuild(root);
      expect(result.initialJsGzip).toBeGreaterThan(BUDGET_BYTES);
      expect(result.problems).toEqual([expect.stringMatching(/over the budget/)]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
