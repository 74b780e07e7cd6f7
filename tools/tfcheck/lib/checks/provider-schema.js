'use strict';
// Requirement 3: every resource/data type exists in the AWS provider schema
// (6.x, from @cdktf/provider-aws) and every argument and nested block is
// known; required arguments are present.

const { lineOf } = require('../locate');
const { Finding, asBlocks } = require('../load');

const META = new Set(['count', 'for_each', 'provider', 'depends_on', 'lifecycle', 'connection', 'provisioner']);

function suggest(name, candidates) {
  let best = null;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(name, c);
    if (d < bestD) { bestD = d; best = c; }
  }
  return best && bestD <= Math.max(2, Math.floor(name.length / 4)) ? ` (did you mean "${best}"?)` : '';
}

function distance(a, b) {
  const dp = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) dp[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      dp[i][j] = Math.min(dp[i - 1][j] + 1, dp[i][j - 1] + 1, dp[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return dp[a.length][b.length];
}

function checkStruct(schema, structId, body, ctx, steps, isTop) {
  const st = schema.structs[structId];
  const present = new Set();
  for (const [k, v] of Object.entries(body || {})) {
    if (isTop && META.has(k)) continue;
    if (k === 'dynamic') {
      for (const [name, dyns] of Object.entries(v)) {
        const line = lineOf(ctx.loc, [...steps, name]);
        if (!st.b[name]) {
          ctx.add(line, `dynamic "${name}": ${ctx.what} has no block "${name}"${suggest(name, Object.keys(st.b))}`);
          continue;
        }
        present.add(name);
        for (const d of asBlocks(dyns)) {
          for (const dk of Object.keys(d)) {
            if (!['for_each', 'iterator', 'labels', 'content'].includes(dk)) ctx.add(line, `dynamic "${name}": unknown argument "${dk}"`);
          }
          if (d.for_each === undefined) ctx.add(line, `dynamic "${name}" has no for_each`);
          for (const c of asBlocks(d.content)) checkStruct(schema, st.b[name].s, c, { ...ctx, what: `${ctx.what} ${name}` }, [...steps, name], false);
        }
      }
      continue;
    }
    const line = lineOf(ctx.loc, [...steps, k]);
    if (st.a[k]) { present.add(k); continue; }
    if (st.b[k]) {
      present.add(k);
      const blocks = Array.isArray(v) ? v : [v];
      blocks.forEach((b, idx) => {
        if (b && typeof b === 'object' && !Array.isArray(b)) checkStruct(schema, st.b[k].s, b, { ...ctx, what: `${ctx.what} ${k}` }, [...steps, { type: k, index: idx }], false);
      });
      continue;
    }
    ctx.add(line, `${ctx.what}: unknown argument or block "${k}"${suggest(k, [...Object.keys(st.a), ...Object.keys(st.b)])}`);
  }
  for (const [k, a] of Object.entries(st.a)) {
    if (a.r && !present.has(k)) ctx.add(lineOf(ctx.loc, steps), `${ctx.what}: the required argument "${k}" is missing`);
  }
  for (const [k, b] of Object.entries(st.b)) {
    if (b.r && !present.has(k)) ctx.add(lineOf(ctx.loc, steps), `${ctx.what}: the required block "${k}" is missing`);
  }
}

function checkProviderSchema(project, schema) {
  const findings = [];
  for (const mod of project.modules.values()) {
    for (const r of mod.resources) {
      if (r.mode === 'ephemeral') continue;
      const kind = r.mode === 'data' ? 'data' : 'resources';
      const providerName = r.body?.provider ? String(r.body.provider).replace(/^\$\{|\}$/g, '').split('.')[0] : r.type.split('_')[0];
      if (r.mode !== 'data' && r.type === 'terraform_data') {
        // Built into Terraform (no provider to declare): input and triggers_replace only.
        for (const k of Object.keys(r.body || {})) {
          if (!META.has(k) && k !== 'input' && k !== 'triggers_replace') {
            findings.push(new Finding('TFC-SCHEMA', r.file, lineOf(r.pf.loc, [...r.steps, k]), `terraform_data.${r.name}: unknown argument "${k}" (terraform_data takes input and triggers_replace)`));
          }
        }
        continue;
      }
      if (providerName !== 'aws') {
        // Only the AWS provider's schema ships with the checker; other
        // providers must at least be declared by the module.
        const declared = mod.terraform.some((t) => asBlocks(t.body?.required_providers).some((rp) => rp && providerName in rp));
        if (!declared) findings.push(new Finding('TFC-SCHEMA', r.file, r.line, `${r.type}.${r.name}: provider "${providerName}" is not in this module's required_providers`));
        continue;
      }
      const id = schema[kind][r.type];
      const add = (line, msg) => findings.push(new Finding('TFC-SCHEMA', r.file, line, msg));
      if (id === undefined) {
        add(r.line, `${r.mode === 'data' ? 'data source' : 'resource'} type "${r.type}" does not exist in AWS provider ${schema.providerVersion}${suggest(r.type, Object.keys(schema[kind]))}`);
        continue;
      }
      checkStruct(schema, id, r.body, { loc: r.pf.loc, add, what: `${r.mode === 'data' ? 'data.' : ''}${r.type}.${r.name}` }, r.steps, true);
    }
    for (const p of mod.providers) {
      if (p.name !== 'aws') continue;
      const add = (line, msg) => findings.push(new Finding('TFC-SCHEMA', p.file, line, msg));
      const body = { ...p.body };
      delete body.alias;
      checkStruct(schema, schema.provider, body, { loc: p.pf.loc, add, what: 'provider "aws"' }, p.steps, false);
    }
  }
  return findings;
}

module.exports = { checkProviderSchema, suggest };
