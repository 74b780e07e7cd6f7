'use strict';
const path = require('path');
const { spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const REPO = path.resolve(ROOT, '..', '..');
const CLI = path.join(ROOT, 'bin', 'tfcheck.js');

function runCli(args, opts = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: opts.cwd || REPO });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// Findings of a check run, with `file` made relative to `dir`.
async function checkDir(dir, opts = {}) {
  const { check } = require('../lib/check');
  const r = await check(dir, { docsMode: 'none', ...opts });
  return r.findings.map((f) => ({ ...f, file: path.relative(dir, path.resolve(f.file)) }));
}

module.exports = { ROOT, REPO, CLI, runCli, checkDir };
