"use strict";
// A script's help is its header comment (scripts/lib/help.sh script_help),
// so it cannot drift from it: no script prints a hard-coded range of its own
// lines (run.sh once dropped its Environment paragraph that way, and
// notify-deploy.sh printed its own `set -euo pipefail`).
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { execFileSync, spawnSync } = require("node:child_process");
const h = require("./helpers");

const scripts = execFileSync("git", ["ls-files", "*.sh"], { cwd: h.REPO, encoding: "utf8" })
  .split("\n").filter(Boolean).filter((f) => !f.includes("node_modules"));

// The header as script_help prints it, from the line starting with `first` when given.
function header(file, first) {
  const lines = fs.readFileSync(path.join(h.REPO, file), "utf8").split("\n");
  const out = [];
  let started = !first;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (i === 0 && l.startsWith("#!")) continue;
    if (l.startsWith("# shellcheck ")) continue;
    if (!l.startsWith("#")) break;
    const text = l.replace(/^# ?/, "");
    if (!started && !text.startsWith(first)) continue;
    started = true;
    out.push(text);
  }
  return out.join("\n") + "\n";
}

test("no script prints a hard-coded line range of itself as its help", () => {
  for (const f of scripts) {
    const text = fs.readFileSync(path.join(h.REPO, f), "utf8");
    assert.ok(!/sed -n ['"]?\d+,\d+p['"]? "\$(0|\{BASH_SOURCE)/.test(text), `${f} prints lines of itself by number: use script_help`);
  }
});

const users = scripts.filter((f) => /script_help "\$0"/.test(fs.readFileSync(path.join(h.REPO, f), "utf8")));

test("scripts with a help print their whole header (or its Usage: part on a wrong call)", () => {
  assert.ok(users.length >= 12, `only ${users.length} scripts use script_help`);
  for (const f of users) {
    const text = fs.readFileSync(path.join(h.REPO, f), "utf8");
    const first = /script_help "\$0" "([^"]+)"/.exec(text)?.[1];
    const r = spawnSync("bash", [f, "--help"], { cwd: h.REPO, encoding: "utf8", timeout: 30000, env: { ...process.env, TERM: "dumb" } });
    assert.ok([0, 2].includes(r.status), `${f} --help exited ${r.status}: ${r.stderr}`);
    const expected = header(f, first);
    assert.ok(expected.split("\n").length > 3, `${f}: a header of a few lines is expected`);
    assert.ok((r.stdout + r.stderr).includes(expected), `${f} --help does not print its header:\n${r.stdout}${r.stderr}`);
  }
});
