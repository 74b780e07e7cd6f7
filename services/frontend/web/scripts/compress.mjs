// Writes FILE.gz and FILE.br beside every compressible file of a build, so the
// frontend service can send them as they are (Content-Encoding gzip / br)
// without compressing anything per request.
//
//   node scripts/compress.mjs dist
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** Extensions worth compressing; images such as PNG are compressed already. */
export const COMPRESSIBLE = ['.html', '.js', '.mjs', '.css', '.svg', '.json', '.txt', '.xml', '.webmanifest', '.map', '.ico'];

/** @param {string} name */
export function isCompressible(name) {
  return COMPRESSIBLE.some((ext) => name.endsWith(ext));
}

/**
 * @param {Buffer} data
 * @returns {{ gzip: Buffer, brotli: Buffer }}
 */
export function compress(data) {
  return {
    gzip: gzipSync(data, { level: 9 }),
    brotli: brotliCompressSync(data, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      },
    }),
  };
}

/**
 * @param {string} dir
 * @returns {AsyncGenerator<string>}
 */
async function* filesUnder(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      yield* filesUnder(path);
    } else if (entry.isFile()) {
      yield path;
    }
  }
}

/**
 * Compresses every compressible file under `root`.
 * @param {string} root
 * @returns {Promise<{ file: string, size: number, gzip: number, brotli: number }[]>}
 */
export async function compressTree(root) {
  const results = [];
  for await (const file of filesUnder(root)) {
    if (!isCompressible(file)) {
      continue;
    }
    const data = await readFile(file);
    const { gzip, brotli } = compress(data);
    await writeFile(`${file}.gz`, gzip);
    await writeFile(`${file}.br`, brotli);
    results.push({ file: relative(root, file), size: data.length, gzip: gzip.length, brotli: brotli.length });
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = process.argv[2] ?? 'dist';
  const results = await compressTree(root);
  const total = results.reduce((t, r) => ({ size: t.size + r.size, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }), { size: 0, gzip: 0, brotli: 0 });
  console.log(`compressed ${String(results.length)} files in ${root}: ${String(total.size)} B -> gzip ${String(total.gzip)} B, brotli ${String(total.brotli)} B`);
}
