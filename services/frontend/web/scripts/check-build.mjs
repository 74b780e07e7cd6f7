// Checks a production build and prints its size:
// - the initial JavaScript (the entry script and its modulepreloads named in
//   index.html) is at most BUDGET_BYTES gzipped;
// - index.html has no inline script or style and no style attribute (the
//   Content-Security-Policy forbids them), and its assets have hashed names;
// - every compressible file has its .gz and .br beside it.
// Exits 1 when a check fails.
//
//   node scripts/check-build.mjs dist
import { access, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { isCompressible } from './compress.mjs';

/** 90 KB, counted as 90,000 bytes of gzip. */
export const BUDGET_BYTES = 90_000;

/**
 * The script and modulepreload URLs that index.html makes the browser fetch at once.
 * @param {string} html
 * @returns {{ scripts: string[], styles: string[], problems: string[] }}
 */
export function inspectIndexHtml(html) {
  const problems = [];
  const scripts = [];
  const styles = [];
  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    const attrs = match[1] ?? '';
    const body = (match[2] ?? '').trim();
    const src = /\ssrc="([^"]+)"/i.exec(attrs)?.[1];
    if (!src || body !== '') {
      problems.push('index.html has an inline <script>');
    } else {
      scripts.push(src);
    }
  }
  for (const match of html.matchAll(/<link\b([^>]*)>/gi)) {
    const attrs = match[1] ?? '';
    const href = /\shref="([^"]+)"/i.exec(attrs)?.[1];
    if (href && /\srel="modulepreload"/i.test(attrs)) {
      scripts.push(href);
    }
    if (href && /\srel="stylesheet"/i.test(attrs)) {
      styles.push(href);
    }
  }
  if (/<style[\s>]/i.test(html)) {
    problems.push('index.html has an inline <style>');
  }
  if (/\sstyle=/i.test(html)) {
    problems.push('index.html has a style= attribute');
  }
  if (/\son[a-z]+=/i.test(html)) {
    problems.push('index.html has an inline event handler');
  }
  for (const url of [...scripts, ...styles]) {
    if (!/^\/assets\/[\w.-]+-[\w-]{8,}\.(js|css)$/.test(url)) {
      problems.push(`${url} is not a hashed asset under /assets/`);
    }
  }
  if (scripts.length === 0) {
    problems.push('index.html loads no script');
  }
  return { scripts, styles, problems };
}

/** @param {number} bytes */
export function kb(bytes) {
  return `${(Math.round(bytes / 100) / 10).toFixed(1)} KB`;
}

/**
 * @param {string} dir
 * @returns {Promise<string[]>}
 */
async function listFiles(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      out.push(...(await listFiles(path)));
    } else {
      out.push(path);
    }
  }
  return out;
}

/** @param {string} path */
async function exists(path) {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * @param {string} root
 * @returns {Promise<{ problems: string[], initialJsGzip: number, lines: string[] }>}
 */
export async function checkBuild(root) {
  const html = await readFile(join(root, 'index.html'), 'utf8');
  const { scripts, styles, problems } = inspectIndexHtml(html);
  const lines = [];
  let initialJsGzip = 0;
  for (const url of scripts) {
    const data = await readFile(join(root, url));
    const gz = gzipSync(data, { level: 9 }).length;
    initialJsGzip += gz;
    lines.push(`  ${url}: ${kb(data.length)} raw, ${kb(gz)} gzip`);
  }
  for (const url of styles) {
    const data = await readFile(join(root, url));
    lines.push(`  ${url}: ${kb(data.length)} raw, ${kb(gzipSync(data, { level: 9 }).length)} gzip (CSS)`);
  }
  const lazy = (await listFiles(join(root, 'assets'))).filter((f) => f.endsWith('.js') && !scripts.some((s) => f.endsWith(s)));
  let lazyGzip = 0;
  for (const file of lazy) {
    lazyGzip += gzipSync(await readFile(file), { level: 9 }).length;
  }
  lines.push(`  lazy chunks: ${String(lazy.length)} files, ${kb(lazyGzip)} gzip (loaded on their pages only)`);
  if (initialJsGzip > BUDGET_BYTES) {
    problems.push(`initial JS is ${String(initialJsGzip)} B gzip, over the budget of ${String(BUDGET_BYTES)} B`);
  }
  for (const file of await listFiles(root)) {
    if (isCompressible(file) && !((await exists(`${file}.gz`)) && (await exists(`${file}.br`)))) {
      problems.push(`${file} has no .gz/.br beside it (run scripts/compress.mjs)`);
    }
  }
  return { problems, initialJsGzip, lines };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = process.argv[2] ?? 'dist';
  const { problems, initialJsGzip, lines } = await checkBuild(root);
  console.log(`initial JS: ${String(initialJsGzip)} B gzip = ${kb(initialJsGzip)} (budget ${kb(BUDGET_BYTES)})`);
  for (const line of lines) {
    console.log(line);
  }
  for (const problem of problems) {
    console.error(`build check failed: ${problem}`);
  }
  process.exit(problems.length === 0 ? 0 : 1);
}
