"use strict";
// scripts/lib/aws-seed-secret.sh (run by Terraform for each new secret):
// the first value comes from Secrets Manager's generator, is written once,
// never over an existing value, and never appears in an argument or output.
// A small fake `aws` keeps the secret's versions in a folder.
const { test } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawnSync } = require("node:child_process");
const { REPO } = require("./helpers");

const SCRIPT = path.join(REPO, "scripts/lib/aws-seed-secret.sh");
const ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:ecommerce-dev/shared/INTERNAL_API_KEY-AbCdEf";
const GENERATED = "Gen3ratedValueWith40LettersAndDigits0123";

// The fake records each call's arguments, answers from STATE_DIR, and
// copies the file a put-secret-value names (the value it would store).
const FAKE_AWS = `#!/bin/sh
printf '%s\\n' "$*" >> "$STATE_DIR/calls"
case "$2" in
  list-secret-version-ids)
    [ -f "$STATE_DIR/fail-list" ] && { echo "AccessDeniedException" >&2; exit 254; }
    case "$*" in *VersionId*) echo "v0"; exit 0 ;; esac
    if [ -f "$STATE_DIR/value" ]; then
      if [ -f "$STATE_DIR/previous" ]; then printf 'AWSCURRENT\tAWSPREVIOUS\n'; else echo "AWSCURRENT"; fi
    else echo "None"; fi ;;
  update-secret-version-stage)
    for a in "$@"; do last="$a"; done
    echo "$last" > "$STATE_DIR/previous" ;;
  get-random-password) echo "${GENERATED}" ;;
  put-secret-value)
    for a in "$@"; do case "$a" in file://*) cp "\${a#file://}" "$STATE_DIR/value" ;; esac; done
    echo "v1" ;;
  *) echo "fake aws: unexpected $*" >&2; exit 99 ;;
esac
`;

function world({ value, previous = false, failList = false } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "seed-"));
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, "aws"), FAKE_AWS, { mode: 0o755 });
  if (value !== undefined) fs.writeFileSync(path.join(dir, "value"), value);
  if (failList) fs.writeFileSync(path.join(dir, "fail-list"), "");
  if (previous) fs.writeFileSync(path.join(dir, "previous"), "v0\n");
  return dir;
}

function run(dir, args = [ARN, "us-east-1"]) {
  const r = spawnSync("bash", [SCRIPT, ...args], {
    encoding: "utf8",
    env: { PATH: `${path.join(dir, "bin")}:${process.env.PATH}`, STATE_DIR: dir },
  });
  const callsFile = path.join(dir, "calls");
  return { ...r, calls: fs.existsSync(callsFile) ? fs.readFileSync(callsFile, "utf8").trim().split("\n") : [] };
}

test("a new secret gets one generated 40-character value, through a file, never in an argument or the output", () => {
  const dir = world();
  const r = run(dir);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(fs.readFileSync(path.join(dir, "value"), "utf8"), GENERATED, "stored without a trailing newline");
  assert.equal(r.calls.length, 4);
  assert.match(r.calls[0], /^secretsmanager list-secret-version-ids --region us-east-1 --secret-id arn:/);
  assert.match(r.calls[1], /^secretsmanager get-random-password --region us-east-1 --password-length 40 --exclude-punctuation --require-each-included-type/);
  assert.match(r.calls[2], /^secretsmanager put-secret-value --region us-east-1 --secret-id arn:\S+ --client-request-token seed-[0-9a-f]{40} --secret-string file:\/\//);
  assert.equal(r.calls[3], `secretsmanager update-secret-version-stage --region us-east-1 --secret-id ${ARN} --version-stage AWSPREVIOUS --move-to-version-id v1 --output text`,
    "the first value is AWSPREVIOUS too: the task definitions name that stage");
  for (const text of [r.stdout, r.stderr, ...r.calls]) assert.ok(!text.includes(GENERATED), "the value leaked");
  assert.match(r.stdout, /has its first value/);
});

test("a secret seeded before the AWSPREVIOUS label keeps its value and gets the label on its current version", () => {
  const dir = world({ value: "seeded-long-ago" });
  const r = run(dir);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.calls.length, 3);
  assert.match(r.calls[1], /^secretsmanager list-secret-version-ids .*--query Versions\[\?contains\(VersionStages, `AWSCURRENT`\)\]\.VersionId/);
  assert.match(r.calls[2], /^secretsmanager update-secret-version-stage .*--version-stage AWSPREVIOUS --move-to-version-id v0 /);
  assert.equal(fs.readFileSync(path.join(dir, "value"), "utf8"), "seeded-long-ago");
  assert.match(r.stdout, /left as it is, labelled AWSPREVIOUS too/);
});

test("a secret that has a value (seeded, or rotated since) is left alone", () => {
  const dir = world({ value: "rotated-by-an-operator", previous: true });
  const r = run(dir);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.calls.length, 1, "only the version listing");
  assert.equal(fs.readFileSync(path.join(dir, "value"), "utf8"), "rotated-by-an-operator");
  assert.match(r.stdout, /already has a value: left as it is/);
});

test("running it twice writes once", () => {
  const dir = world();
  assert.equal(run(dir).status, 0);
  const second = run(dir);
  assert.equal(second.status, 0);
  assert.equal(second.calls.filter((c) => c.includes("put-secret-value")).length, 1);
});

test("an AWS error stops it with a message, before anything is written", () => {
  const dir = world({ failList: true });
  const r = run(dir);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cannot list the versions of arn:/);
  assert.ok(!fs.existsSync(path.join(dir, "value")));
  assert.equal(run(dir, [ARN]).status, 2, "usage error without a region");
});
