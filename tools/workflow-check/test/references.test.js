"use strict";
// Loose ends that once went stale: a file a config names must exist, and the
// CI/CD guide must not ask for a permission the deploy role already has.
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const h = require("./helpers");

test("every repository path named in config/*.json exists", () => {
  const dir = path.join(h.REPO, "config");
  const named = [];
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith(".json"))) {
    const text = fs.readFileSync(path.join(dir, f), "utf8");
    for (const m of text.matchAll(/\b((?:scripts|terraform|tools|services|compose|tests|docs)\/[A-Za-z0-9_./-]*[A-Za-z0-9_])/g)) named.push([f, m[1]]);
  }
  assert.ok(named.length > 0);
  for (const [f, p] of named) assert.ok(fs.existsSync(path.join(h.REPO, p)), `config/${f} names ${p}, which does not exist`);
});

test("docs/ci-cd.md asks the Terraform owner for no permission the deploy role already grants", () => {
  const doc = fs.readFileSync(path.join(h.REPO, "docs/ci-cd.md"), "utf8");
  const oidc = fs.readdirSync(path.join(h.REPO, "terraform/modules/github-oidc")).filter((f) => f.endsWith(".tf"))
    .map((f) => fs.readFileSync(path.join(h.REPO, "terraform/modules/github-oidc", f), "utf8")).join("\n");
  for (const paragraph of doc.split(/\n\s*\n/).filter((p) => /request(ed)? of the terraform owner|add .* to the deploy role/i.test(p))) {
    for (const [action] of paragraph.matchAll(/\b[a-z0-9-]+:[A-Z][A-Za-z]+\b/g)) {
      assert.ok(!oidc.includes(`"${action}"`), `docs/ci-cd.md asks for ${action}, which terraform/modules/github-oidc already grants`);
    }
  }
});
