#!/usr/bin/env node
// A stand-in for aws, terraform, docker and skopeo in the script tests; it
// records every call and never touches anything real. Two modes:
//
// World mode (FAKE_DIR/world.json exists): a stateful fake AWS account
// (../fake-world/): every call reads and changes the world as AWS would, and
// a command the fake does not model fails loudly (exit 99).
//
// Rules mode (otherwise): answers from FAKE_DIR/rules.json
// (../fake-world/rules.js says how; docker buildx build --metadata-file
// writes $FAKE_BUILD_DIGEST).
//
// This is one Node process per call. The tests start the same fakes as a
// server instead (../fake-world/server.js) and set FAKE_SERVER_PORT, and the
// wrappers send each call there (server-client.sh) without starting Node.
//
// Both modes append one {"tool","args"} line per call to FAKE_DIR/calls.jsonl
// (world mode adds the caller's identity, the IAM action and the exit code).
"use strict";
const fs = require("node:fs");

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

const { dispatch, needsStdin, isWorld } = require("../fake-world/dispatch");
const { answerFromRules } = require("../fake-world/rules");
const r = isWorld(dir)
  ? dispatch(dir, tool, args, { cwd: process.cwd(), stdin: needsStdin(tool, args) ? readStdin() : "" })
  : answerFromRules(dir, tool, args, { cwd: process.cwd(), buildDigest: process.env.FAKE_BUILD_DIGEST || undefined });
if (r.stdout) process.stdout.write(r.stdout);
if (r.stderr) process.stderr.write(r.stderr);
process.exit(r.exit);
