#!/usr/bin/env node
// A stand-in for aws, terraform, docker and skopeo in the script tests: it
// records every call and answers from rules, never touching anything real.
//
//   FAKE_DIR/calls.jsonl     one {"tool","args"} line per call (appended)
//   FAKE_DIR/rules.json      [{ "cmd": "ecs describe-services", "has": ["frontend"],
//                               "out": <object or string>, "exit": 0, "stderr": "",
//                               "seq": [<response>, ...] }]
// The first rule whose cmd equals the tool's first two arguments (one for
// terraform, docker and skopeo when the rule's cmd has one word) and whose
// "has" strings are all among the arguments answers. With "seq", the n-th
// matching call gets the n-th response (the last one repeats). Without a
// matching rule: exit 0 and "{}" (aws) or nothing.
// docker buildx build --metadata-file F writes {"containerimage.digest": $FAKE_BUILD_DIGEST} to F.
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

function matches(rule) {
  if ((rule.tool || "aws") !== tool) return false;
  const words = rule.cmd ? rule.cmd.split(" ") : [];
  for (let i = 0; i < words.length; i++) if (args[i] !== words[i]) return false;
  return (rule.has || []).every((h) => args.includes(h) || args.some((a) => a.includes(h)));
}

const index = rules.findIndex(matches);
if (index < 0) {
  if (tool === "aws") process.stdout.write("{}\n");
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
