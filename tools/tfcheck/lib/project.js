'use strict';
// Loads a root module, every local module it calls (recursively), its
// envs/*.tfvars and tests/*.tftest.hcl.

const fs = require('fs');
const path = require('path');
const { loadModule, loadTfvars, loadTest, Finding, rel } = require('./load');

function isLocalSource(src) {
  return typeof src === 'string' && (src.startsWith('./') || src.startsWith('../'));
}

async function loadProject(rootDir, { tfvarsFiles } = {}) {
  const root = path.resolve(rootDir);
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
    throw new Error(`${rootDir}: not a directory`);
  }
  const modules = new Map();
  const findings = [];
  const calls = [];
  async function load(dir) {
    if (modules.has(dir)) return modules.get(dir);
    const mod = await loadModule(dir);
    modules.set(dir, mod);
    findings.push(...mod.findings);
    for (const call of Object.values(mod.modules)) {
      const src = call.body?.source;
      if (!isLocalSource(src)) {
        findings.push(new Finding('TFC-MODULE', call.file, call.line, `module "${call.name}": only local module sources ("./" or "../") can be checked offline (source = ${JSON.stringify(src)})`));
        continue;
      }
      const childDir = path.resolve(dir, src);
      if (!fs.existsSync(childDir) || !fs.readdirSync(childDir).some((f) => f.endsWith('.tf'))) {
        findings.push(new Finding('TFC-MODULE', call.file, call.line, `module "${call.name}": source ${src} has no .tf files`));
        continue;
      }
      const child = await load(childDir);
      call.child = child;
      calls.push({ parent: mod, call, child });
    }
    return mod;
  }
  const rootMod = await load(root);

  const envDir = path.join(root, 'envs');
  const varFiles = tfvarsFiles || (fs.existsSync(envDir)
    ? fs.readdirSync(envDir).filter((f) => f.endsWith('.tfvars')).sort().map((f) => path.join(envDir, f))
    : []);
  const tfvars = [];
  for (const f of varFiles) {
    const tv = await loadTfvars(f);
    if (tv.errors) findings.push(...tv.errors);
    else tfvars.push(tv);
  }
  const testDir = path.join(root, 'tests');
  const tests = [];
  const testFiles = [
    ...fs.readdirSync(root).filter((f) => f.endsWith('.tftest.hcl')).map((f) => path.join(root, f)),
    ...(fs.existsSync(testDir) ? fs.readdirSync(testDir).filter((f) => f.endsWith('.tftest.hcl')).sort().map((f) => path.join(testDir, f)) : []),
  ];
  for (const f of testFiles) {
    const t = await loadTest(f);
    if (t.errors) findings.push(...t.errors);
    else { findings.push(...t.findings); tests.push(t); }
  }
  return { rootDir: root, root: rootMod, modules, calls, tfvars, tests, findings, rel };
}

module.exports = { loadProject, isLocalSource };
