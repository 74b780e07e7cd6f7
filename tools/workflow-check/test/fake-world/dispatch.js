"use strict";
// One call of a fake tool (aws, terraform, docker, skopeo) in the world of
// FAKE_DIR: runs it under the world's lock and records it in calls.jsonl with
// the caller's identity, the IAM action and the exit code. Used by
// fake-bin/fake-tool.js (one process per call) and by server.js (the tests'
// in-process server the fake-bin wrappers talk to, which saves starting Node
// for every call).
const fs = require("node:fs");
const path = require("node:path");
const { withWorld } = require("./state");
const { runAws } = require("./aws");
const { runTerraform } = require("./terraform");
const { runDocker, runSkopeo } = require("./docker");

// needsStdin(tool, args): whether the real tool would read its standard input.
function needsStdin(tool, args) {
  return (tool === "docker" && args[0] === "login") ||
    (tool === "terraform" && (args.includes("apply") || args.includes("destroy")) && !args.includes("-auto-approve"));
}

function dispatch(dir, tool, args, { cwd, stdin = "" }) {
  const record = {};
  const r = withWorld(dir, (world) => {
    record.identity = world.config.identity;
    const ctx = { cwd, stdin };
    switch (tool) {
      case "aws": return runAws(world, args);
      case "terraform": return runTerraform(world, args, ctx);
      case "docker": return runDocker(world, args, ctx);
      case "skopeo": return runSkopeo(world, args, ctx);
      default: return { stderr: `fake: unknown tool ${tool}\n`, exit: 99 };
    }
  });
  fs.appendFileSync(path.join(dir, "calls.jsonl"),
    JSON.stringify({ tool, args, identity: record.identity, action: r.action, exit: r.exit || 0 }) + "\n");
  return { stdout: r.stdout || "", stderr: r.stderr || "", exit: r.exit || 0 };
}

// isWorld(dir): whether FAKE_DIR holds a world (otherwise the fakes answer from rules).
function isWorld(dir) {
  return fs.existsSync(path.join(dir, "world.json"));
}

module.exports = { dispatch, needsStdin, isWorld };
