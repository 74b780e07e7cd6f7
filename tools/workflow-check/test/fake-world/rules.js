"use strict";
// Rules mode of the fake tools (FAKE_DIR without world.json): each call is
// answered from FAKE_DIR/rules.json,
//   [{ "tool": "aws", "cmd": "ecs describe-services", "has": ["frontend"],
//      "out": <object or string>, "exit": 0, "stderr": "", "seq": [<response>, ...] }]
// The first rule whose cmd equals the tool's first words and whose "has"
// strings are all among the arguments answers; with "seq", the n-th matching
// call gets the n-th response (the last one repeats). An aws call no rule
// matches fails loudly (exit 99); terraform, docker and skopeo without a
// rule exit 0 silently. docker buildx build --metadata-file F writes
// {"containerimage.digest": buildDigest} to F. Each call is appended as one
// {"tool","args"} line to FAKE_DIR/calls.jsonl.
// Used by fake-bin/fake-tool.js (one process per call) and server.js.
const fs = require("node:fs");
const path = require("node:path");

const DEFAULT_BUILD_DIGEST = "sha256:" + "b".repeat(64);

// answerFromRules(dir, tool, args, { cwd, buildDigest }): { stdout, stderr, exit }.
function answerFromRules(dir, tool, args, { cwd = process.cwd(), buildDigest = DEFAULT_BUILD_DIGEST } = {}) {
  fs.appendFileSync(path.join(dir, "calls.jsonl"), JSON.stringify({ tool, args }) + "\n");
  if (tool === "docker" && args[0] === "buildx" && args[1] === "build") {
    const i = args.indexOf("--metadata-file");
    if (i >= 0) fs.writeFileSync(path.resolve(cwd, args[i + 1]), JSON.stringify({ "containerimage.digest": buildDigest }));
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
    if (tool === "aws") return { stdout: "", stderr: `fake aws: no rule answers 'aws ${args.join(" ")}' (add one to the test's rules)\n`, exit: 99 };
    return { stdout: "", stderr: "", exit: 0 };
  }
  const rule = rules[index];
  let response = rule;
  if (rule.seq) {
    const n = counters[index] || 0;
    counters[index] = n + 1;
    fs.writeFileSync(counterFile, JSON.stringify(counters));
    response = rule.seq[Math.min(n, rule.seq.length - 1)];
  }
  return {
    stdout: response.out === undefined ? "" : (typeof response.out === "string" ? response.out : JSON.stringify(response.out)) + "\n",
    stderr: response.stderr ? response.stderr + "\n" : "",
    exit: response.exit || 0,
  };
}

module.exports = { answerFromRules, DEFAULT_BUILD_DIGEST };
