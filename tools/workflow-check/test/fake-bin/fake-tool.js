#!/usr/bin/env node
// A stand-in for aws, terraform, docker and skopeo in the script tests; it
// records every call and never touches anything real. Two modes:
//
// World mode (FAKE_DIR/world.json exists): a stateful fake AWS account
// (../fake-world/): every call reads and changes the world as AWS would, and
// a command the fake does not model fails loudly (exit 99). (With
// FAKE_WORLD_PORT set, the wrappers send the call to the tests' in-process
// server instead, fake-world/server.js, which runs the same dispatch.)
//
// Rules mode (otherwise): answers from FAKE_DIR/rules.json,
//   [{ "tool": "aws", "cmd": "ecs describe-services", "has": ["frontend"],
//      "out": <object or string>, "exit": 0, "stderr": "", "seq": [<response>, ...] }]
// The first rule whose cmd equals the tool's first words and whose "has"
// strings are all among the arguments answers; with "seq", the n-th matching
// call gets the n-th response (the last one repeats). An aws call no rule
// matches fails loudly too (exit 99); terraform, docker and skopeo without a
// rule exit 0 silently. docker buildx build --metadata-file F writes
// {"containerimage.digest": $FAKE_BUILD_DIGEST} to F.
//
// Both modes append one {"tool","args"} line per call to FAKE_DIR/calls.jsonl
// (world mode adds the caller's identity, the IAM action and the exit code).
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const tool = process.argv[2];
const args = process.argv.slice(3);
const dir = process.env.FAKE_DIR;
if (!dir) {
  process.stderr.write(`fake ${tool}: FAKE_DIR is not set\n`);
  process.exit(97);
}

function readStdin() {
  try {
    return fs.readFileSync(0, "utf8");
  } catch {
    return "";
  }
}

function worldMode() {
  const { dispatch, needsStdin } = require("../fake-world/dispatch");
  const r = dispatch(dir, tool, args, { cwd: process.cwd(), stdin: needsStdin(tool, args) ? readStdin() : "" });
  if (r.stdout) process.stdout.write(r.stdout);
  if (r.stderr) process.stderr.write(r.stderr);
  process.exit(r.exit);
}

function rulesMode() {
  fs.appendFileSync(path.join(dir, "calls.jsonl"), JSON.stringify({ tool, args }) + "\n");
  if (tool === "docker" && args[0] === "buildx" && args[1] === "build") {
    const i = args.indexOf("--metadata-file");
    if (i >= 0) {
      const digest = process.env.FAKE_BUILD_DIGEST || "sha256:" + "b".repeat(64);
      fs.writeFileSync(args[i + 1], JSON.stringify({ "containerimage.digest": digest }));
    }
  }
  let rules = [];
  const rulesFile = path.join(dir, "rules.json");
  if (fs.existsSync(rulesFile)) rules = JSON.parse(fs.readFileSync(rulesFile, "utf8"));
  const counterFile = path.join(dir, "counters.json");
  const counters = fs.existsSync(counterFile) ? JSON.parse(fs.readFileSync(counterFile, "utf8")) : {};
  const matches = (rule) => {
    if ((rule.tool || "aws") !== tool) return false;
    const words = rule.cmd ? rule.cmd.split(" ") : [];
    for (let i = 0; i < words.length; i++) if (args[i] !== words[i]) return false;
    return (rule.has || []).every((h) => args.includes(h) || args.some((a) => a.includes(h)));
  };
  const index = rules.findIndex(matches);
  if (index < 0) {
    if (tool === "aws") {
      process.stderr.write(`fake aws: no rule answers 'aws ${args.join(" ")}' (add one to the test's rules)\n`);
      process.exit(99);
    }
    process.exit(0);
  }
  const rule = rules[index];
  let response = rule;
  if (rule.seq) {
    const n = counters[index] || 0;
    counters[index] = n + 1;
    fs.writeFileSync(counterFile, JSON.stringify(counters));
    response = rule.seq[Math.min(n, rule.seq.length - 1)];
  }
  if (response.stderr) process.stderr.write(response.stderr + "\n");
  if (response.out !== undefined) {
    process.stdout.write((typeof response.out === "string" ? response.out : JSON.stringify(response.out)) + "\n");
  }
  process.exit(response.exit || 0);
}

if (fs.existsSync(path.join(dir, "world.json"))) worldMode();
else rulesMode();
