"use strict";
// The fake AWS account: one JSON file (FAKE_DIR/world.json) that every fake
// tool call reads and writes under a lock, so state survives from one call to
// the next exactly as an account's does. A new world is what a new account
// has: nothing (no bucket, repository, cluster, database, parameter, secret).
//
// Time: the world has a clock (world.t, seconds). Each AWS call takes 5
// seconds of it; waiters (aws ... wait) move it on in their polling steps
// until their condition holds or their attempts run out. Asynchronous changes
// (an RDS instance starting, an EC2 instance stopping, ECS tasks starting) are
// timers on this clock, applied by settle().

const fs = require("node:fs");
const path = require("node:path");

const CALL_SECONDS = 5;

function emptyWorld(config = {}) {
  return {
    config: {
      account: "123456789012",
      region: "us-east-1",
      identity: "admin", // key of config.identities
      identities: {
        admin: { arn: "arn:aws:iam::123456789012:user/admin", userId: "AIDAADMIN" },
      },
      urls: {}, // environment -> the ALB URL the fake Terraform outputs (a fake shop)
      bakePolls: 1, // describe-service-deployments calls a deployment stays in BAKE_TIME
      stagesPerPoll: 2, // lifecycle stages a deployment moves per describe call (never past BAKE_TIME)
      defects: [], // [{ service, tag, defect }]: images built from that tag behave so in the fake shop
      tfvars: {}, // environment -> evaluated tfvars (tfcheck tfvars-json --with-defaults), a cache
      epoch: Date.now(), // the clock's zero: real time, so that timestamps compare with the scripts' date
      ...config,
    },
    t: 0,
    seq: 0,
    s3: { buckets: {} },
    terraform: { backend: null, lastApply: null },
    iam: { oidcProviders: {}, roles: {} },
    ecr: { repositories: {} },
    ecs: { clusters: {}, taskDefinitions: {}, services: {}, tasks: {}, deployments: {} },
    rds: { instances: {}, snapshots: {} },
    ec2: { instances: {}, vpcs: {} },
    ssm: { parameters: {} },
    aas: { targets: {} },
    secrets: { byName: {} },
    docker: { logins: [] },
  };
}

function worldFile(dir) {
  return path.join(dir, "world.json");
}

function sleepMs(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

// withWorld(dir, fn): runs fn(world) under the lock and saves the world
// afterwards (also when fn throws: a failed call may have changed the clock).
function withWorld(dir, fn) {
  const lock = path.join(dir, "world.lock");
  let fd;
  for (let i = 0; ; i++) {
    try {
      fd = fs.openSync(lock, "wx");
      break;
    } catch (e) {
      if (e.code !== "EEXIST" || i > 2000) throw e;
      sleepMs(5);
    }
  }
  try {
    const world = JSON.parse(fs.readFileSync(worldFile(dir), "utf8"));
    try {
      return fn(world);
    } finally {
      const tmp = `${worldFile(dir)}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(world));
      fs.renameSync(tmp, worldFile(dir));
    }
  } finally {
    fs.closeSync(fd);
    fs.unlinkSync(lock);
  }
}

function readWorld(dir) {
  return JSON.parse(fs.readFileSync(worldFile(dir), "utf8"));
}

function writeWorld(dir, world) {
  fs.writeFileSync(worldFile(dir), JSON.stringify(world));
}

function nextId(world, prefix, length = 17) {
  world.seq += 1;
  const hex = (world.seq * 2654435761 >>> 0).toString(16).padStart(8, "0");
  return `${prefix}${(hex + world.seq.toString(16).padStart(length, "0")).slice(0, length)}`;
}

// An ISO timestamp of the world's clock (real time at the world's creation + t).
function isoTime(world, offset = 0) {
  return new Date(world.config.epoch + (world.t + offset) * 1000).toISOString();
}

module.exports = { CALL_SECONDS, emptyWorld, withWorld, readWorld, writeWorld, worldFile, nextId, isoTime, sleepMs };
