"use strict";
// The fake `aws` of the stateful world: the commands the project's scripts
// use, each answering from and changing the world (state.js) the way the AWS
// API does, per the AWS documentation:
//   - ECS service deployments (blue/green) move through the documented
//     statuses PENDING -> IN_PROGRESS -> SUCCESSFUL (or ROLLBACK_REQUESTED ->
//     ROLLBACK_IN_PROGRESS -> ROLLBACK_SUCCESSFUL) and lifecycle stages
//     PRE_SCALE_UP, SCALE_UP, POST_SCALE_UP, TEST_TRAFFIC_SHIFT,
//     POST_TEST_TRAFFIC_SHIFT, PRODUCTION_TRAFFIC_SHIFT,
//     POST_PRODUCTION_TRAFFIC_SHIFT, BAKE_TIME, CLEAN_UP (API_ServiceDeployment);
//     a deployment moves config.stagesPerPoll stages per
//     describe-service-deployments call (never past BAKE_TIME unobserved) and
//     one per 15 s poll of a waiter; StopServiceDeployment ROLLBACK is accepted in
//     PENDING, IN_PROGRESS, STOP_REQUESTED, ROLLBACK_REQUESTED and
//     ROLLBACK_IN_PROGRESS (stop-service-deployment.html), refused otherwise;
//     tasks that cannot start (image missing, NAT instance stopped, secrets
//     unreadable, database down) trip the circuit breaker in SCALE_UP.
//   - RDS: available -> stopping -> stopped -> starting -> available; start
//     and stop in any other state fail with InvalidDBInstanceState.
//   - EC2: running -> stopping -> stopped -> pending -> running; starting a
//     stopping instance fails with IncorrectInstanceState.
//   - waiters poll like the CLI's (services-stable: 40 x 15 s; tasks-stopped:
//     100 x 6 s; db-instance-available: 60 x 30 s) and exit 255 with
//     "Waiter ... failed: Max attempts exceeded" when the state never comes.
// A command the fake does not model fails loudly (exit 99), so a script that
// starts calling something new is noticed rather than answered with "{}".

const crypto = require("node:crypto");
const fs = require("node:fs");
const { parseArgs, UsageError } = require("./cli");
const { CALL_SECONDS, nextId, isoTime } = require("./state");
const { names, DATABASE_SERVICES } = require("./names");

class AwsError extends Error {
  constructor(code, operation, message, exit = 254) {
    super(`\nAn error occurred (${code}) when calling the ${operation} operation: ${message}`);
    this.exit = exit;
    this.code = code;
  }
}

class WaiterError extends Error {
  constructor(waiter, why = "Max attempts exceeded") {
    super(`\nWaiter ${waiter} failed: ${why}`);
    this.exit = 255;
  }
}

const STAGES = [
  "PRE_SCALE_UP", "SCALE_UP", "POST_SCALE_UP", "TEST_TRAFFIC_SHIFT", "POST_TEST_TRAFFIC_SHIFT",
  "PRODUCTION_TRAFFIC_SHIFT", "POST_PRODUCTION_TRAFFIC_SHIFT", "BAKE_TIME", "CLEAN_UP",
];
const DEPLOYMENT_ONGOING = ["PENDING", "IN_PROGRESS", "STOP_REQUESTED", "ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS"];

// ---- helpers over the world ---------------------------------------------------------

function registry(world) {
  return `${world.config.account}.dkr.ecr.${world.config.region}.amazonaws.com`;
}

function arn(world, service, resource) {
  return `arn:aws:${service}:${world.config.region}:${world.config.account}:${resource}`;
}

function environmentOfCluster(world, cluster) {
  return world.ecs.clusters[cluster]?.environment;
}

function serviceKey(cluster, service) {
  return `${cluster}/${service}`;
}

function clusterName(value) {
  return String(value).replace(/^arn:aws:ecs:[^:]*:\d+:cluster\//, "");
}

function serviceName(value) {
  return String(value).replace(/^arn:aws:ecs:[^:]*:\d+:service\/[^/]+\//, "");
}

function taskDefinitionArn(world, family, revision) {
  return arn(world, "ecs", `task-definition/${family}:${revision}`);
}

// A task definition by family, family:revision or ARN: { family, revision, body, status }.
function findTaskDefinition(world, ref) {
  const short = String(ref).replace(/^arn:aws:ecs:[^:]*:\d+:task-definition\//, "");
  const [family, rev] = short.split(":");
  const revisions = world.ecs.taskDefinitions[family] || [];
  if (rev === undefined) return [...revisions].reverse().find((r) => r.status === "ACTIVE");
  return revisions.find((r) => r.revision === Number(rev));
}

function renderTaskDefinition(world, td) {
  return {
    taskDefinitionArn: taskDefinitionArn(world, td.body.family, td.revision),
    ...td.body,
    revision: td.revision,
    status: td.status,
    requiresAttributes: [{ name: "com.amazonaws.ecs.capability.logging-driver.awslogs" }, { name: "ecs.capability.secrets.asm.environment-variables" }],
    compatibilities: ["EC2", "FARGATE"],
    registeredAt: td.registeredAt,
    registeredBy: td.registeredBy,
  };
}

// The image a reference names: { repository, image } or a reason it is absent.
function resolveImage(world, ref) {
  const reg = `${registry(world)}/`;
  // Public images (ECR Public) are always there; they are pulled through the NAT too.
  if (ref.startsWith("public.ecr.aws/")) return { repository: ref, image: { digest: null, tags: [], defect: null } };
  if (!ref.startsWith(reg)) return { missing: `${ref}: not an image of this account's registry` };
  const rest = ref.slice(reg.length);
  const at = rest.indexOf("@");
  const [repoName, selector] = at >= 0 ? [rest.slice(0, at), rest.slice(at + 1)] : rest.split(":");
  const repo = world.ecr.repositories[repoName];
  if (!repo) return { missing: `${ref}: repository ${repoName} does not exist` };
  const image = at >= 0 ? repo.images.find((i) => i.digest === selector) : repo.images.find((i) => i.tags.includes(selector));
  if (!image) return { missing: `${ref}: not found` };
  return { repository: repoName, image };
}

function natInstances(world, environment) {
  const tag = names(environment).natInstanceTag;
  return Object.entries(world.ec2.instances).filter(([, i]) => i.tags.Name === tag && i.state !== "terminated");
}

function dbInstanceOf(world, environment) {
  return world.rds.instances[names(environment).dbInstance];
}

// Why the tasks of a task definition cannot run now in this environment (null: they can).
function taskBlocker(world, environment, td, container) {
  const nats = natInstances(world, environment);
  if (nats.length && !nats.some(([, i]) => i.state === "running")) {
    return `CannotPullContainerError: ${container}: dial tcp: i/o timeout (the NAT instance ${nats.map(([id, i]) => `${id} is ${i.state}`).join(", ")})`;
  }
  for (const c of td.body.containerDefinitions || []) {
    const img = resolveImage(world, c.image);
    if (img.missing) return `CannotPullContainerError: pull image manifest has been retried 5 time(s): ${img.missing}`;
    for (const s of c.secrets || []) {
      // valueFrom: a secret's ARN, optionally with ":json-key:version-stage:version-id" after it.
      const secret = Object.values(world.secrets.byName).find((x) => s.valueFrom === x.arn || s.valueFrom.startsWith(`${x.arn}:`));
      if (!secret || secret.value === undefined) {
        return `ResourceInitializationError: unable to pull secrets or registry auth: ${s.valueFrom} has no value`;
      }
      const stage = stageOf(secret, s.valueFrom);
      if (stage && !versionWith(secret, stage)) {
        return `ResourceInitializationError: unable to pull secrets or registry auth: ${s.valueFrom}: Secrets Manager can't find the specified secret value for staging label: ${stage}`;
      }
    }
  }
  return null;
}

function databaseProblem(world, environment, service) {
  const db = dbInstanceOf(world, environment);
  if (!db) return "no database instance";
  if (db.status !== "available") return `the database is ${db.status}`;
  if (!db.initialised) return "the database has no service roles and schemas yet (db-init has not run)";
  // The role's password is the PGPASSWORD value db-init last applied (ALTER
  // ROLE); a service started with another one cannot log in.
  const secret = service && world.secrets.byName[names(environment).secret(service, "PGPASSWORD")];
  const applied = db.passwordVersions?.[service];
  if (secret && applied && applied !== secret.versionId) {
    return `FATAL: password authentication failed for the role of ${service} (PGPASSWORD changed since db-init ran)`;
  }
  return null;
}

// The version stage a valueFrom names ("ARN:json-key:version-stage:version-id"), null: AWSCURRENT.
function stageOf(secret, valueFrom) {
  if (valueFrom === secret.arn) return null;
  return valueFrom.slice(secret.arn.length + 1).split(":")[1] || null;
}

// The secret versions a task of this task definition starts with:
// name => VersionId (AWSCURRENT), "name@STAGE" => VersionId for another stage.
function secretVersionsOf(world, td) {
  const used = {};
  for (const c of td?.body.containerDefinitions || []) {
    for (const s of c.secrets || []) {
      const found = Object.entries(world.secrets.byName).find(([, x]) => s.valueFrom === x.arn || s.valueFrom.startsWith(`${x.arn}:`));
      if (!found) continue;
      const stage = stageOf(found[1], s.valueFrom);
      used[stage ? `${found[0]}@${stage}` : found[0]] = stage ? versionWith(found[1], stage)?.id : found[1].versionId;
    }
  }
  return used;
}

// Why a service's tasks fail (to start, or their health checks); null: they run.
function serviceBlocker(world, svc) {
  const environment = environmentOfCluster(world, svc.cluster);
  const td = findTaskDefinition(world, svc.taskDefinition);
  if (!td) return `task definition ${svc.taskDefinition} does not exist`;
  const blocker = taskBlocker(world, environment, td, svc.serviceName);
  if (blocker) return blocker;
  if (DATABASE_SERVICES.includes(svc.serviceName)) {
    const problem = databaseProblem(world, environment, svc.serviceName);
    if (problem) return `Task failed ELB health checks in (target-group ${svc.serviceName}): ${problem}`;
  }
  return null;
}

function defectOf(world, imageRef) {
  const img = resolveImage(world, imageRef);
  return img.image?.defect || null;
}

// ---- time ------------------------------------------------------------------------------

// settle(world): applies every timer due on the world's clock.
function settle(world) {
  for (const db of Object.values(world.rds.instances)) {
    if (db.transition && db.transition.at <= world.t) {
      db.status = db.transition.to;
      db.transition = null;
    }
  }
  for (const i of Object.values(world.ec2.instances)) {
    if (i.transition && i.transition.at <= world.t) {
      i.state = i.transition.to;
      i.transition = null;
    }
  }
  for (const snap of Object.values(world.rds.snapshots)) {
    if (snap.status === "creating" && snap.readyAt <= world.t) snap.status = "available";
  }
  for (const task of Object.values(world.ecs.tasks)) {
    if (task.lastStatus !== "STOPPED" && task.stopAt <= world.t) finishTask(world, task);
  }
  for (const svc of Object.values(world.ecs.services)) {
    if (svc.status !== "ACTIVE") continue;
    const target = world.aas.targets[`service/${svc.cluster}/${svc.serviceName}`];
    if (target && !target.SuspendedState.DynamicScalingOutSuspended && svc.desiredCount < target.MinCapacity) {
      // Application Auto Scaling brings the count back to the target's minimum.
      svc.belowMinSince ??= world.t;
      if (world.t - svc.belowMinSince >= 60) {
        svc.desiredCount = target.MinCapacity;
        svc.changedAt = world.t;
        svc.belowMinSince = null;
        svc.events.push(`application auto scaling set the desired count to ${target.MinCapacity} (its minimum)`);
      }
    } else {
      svc.belowMinSince = null;
    }
    const blocker = svc.desiredCount > 0 ? serviceBlocker(world, svc) : null;
    if (blocker) {
      if (svc.runningCount !== 0 || svc.lastBlocker !== blocker) svc.events.push(`unable to run tasks: ${blocker}`);
      svc.runningCount = 0;
      svc.lastBlocker = blocker;
    } else if (svc.runningCount !== svc.desiredCount && world.t - svc.changedAt >= 30) {
      svc.runningCount = svc.desiredCount;
      svc.lastBlocker = null;
    }
  }
}

function tick(world, seconds = CALL_SECONDS) {
  world.t += seconds;
  settle(world);
}

// ---- ECS service deployments --------------------------------------------------------------

function startDeployment(world, svc, target) {
  for (const d of Object.values(world.ecs.deployments)) {
    if (d.cluster === svc.cluster && d.service === svc.serviceName && DEPLOYMENT_ONGOING.includes(d.status)) {
      d.status = "STOPPED";
      d.statusReason = "superseded by a newer deployment";
      d.finishedAt = isoTime(world);
    }
  }
  const id = nextId(world, "", 22);
  const d = {
    arn: arn(world, "ecs", `service-deployment/${svc.cluster}/${svc.serviceName}/${id}`),
    cluster: svc.cluster,
    service: svc.serviceName,
    status: "PENDING",
    lifecycleStage: null,
    source: svc.serving,
    target,
    createdAt: isoTime(world),
    startedAt: null,
    finishedAt: null,
    bakeLeft: world.config.bakePolls,
    rollback: null,
    statusReason: null,
  };
  world.ecs.deployments[d.arn] = d;
  svc.taskDefinition = target;
  return d;
}

function rollBack(world, d, reason) {
  d.status = "ROLLBACK_IN_PROGRESS";
  d.rollback = { reason, startedAt: isoTime(world), serviceRevisionArn: d.source };
  d.statusReason = reason;
}

// One step of an ongoing deployment.
function stepDeployment(world, d) {
  const svc = world.ecs.services[serviceKey(d.cluster, d.service)];
  switch (d.status) {
    case "PENDING":
      d.status = "IN_PROGRESS";
      d.lifecycleStage = STAGES[0];
      d.startedAt = isoTime(world);
      return;
    case "IN_PROGRESS": {
      if (d.lifecycleStage === "BAKE_TIME" && d.bakeLeft > 0) {
        d.bakeLeft -= 1;
        const td = findTaskDefinition(world, d.target);
        const defect = td && defectOf(world, td.body.containerDefinitions.find((c) => c.name === d.service)?.image || "");
        if (defect === "5xx") rollBack(world, d, `CloudWatch alarm ${names(environmentOfCluster(world, d.cluster)).name}-${d.service}-5xx is in ALARM`);
        return;
      }
      const next = STAGES[STAGES.indexOf(d.lifecycleStage) + 1];
      if (!next) {
        d.status = "SUCCESSFUL";
        d.finishedAt = isoTime(world);
        return;
      }
      d.lifecycleStage = next;
      if (next === "SCALE_UP" && svc.desiredCount > 0) {
        const environment = environmentOfCluster(world, d.cluster);
        const td = findTaskDefinition(world, d.target);
        const blocker = taskBlocker(world, environment, td, d.service) ||
          (DATABASE_SERVICES.includes(d.service) ? databaseProblem(world, environment, d.service) : null);
        if (blocker) rollBack(world, d, `deployment circuit breaker: tasks failed to start: ${blocker}`);
        d.secretVersions = secretVersionsOf(world, td);
      }
      if (next === "PRODUCTION_TRAFFIC_SHIFT") {
        svc.serving = d.target;
        if (d.secretVersions) svc.secretVersions = d.secretVersions;
      }
      return;
    }
    case "ROLLBACK_REQUESTED":
      d.status = "ROLLBACK_IN_PROGRESS";
      return;
    case "ROLLBACK_IN_PROGRESS":
      d.status = "ROLLBACK_SUCCESSFUL";
      d.finishedAt = isoTime(world);
      svc.serving = d.source;
      svc.taskDefinition = d.source;
      return;
    case "STOP_REQUESTED":
      d.status = "STOPPED";
      d.finishedAt = isoTime(world);
      return;
    default:
  }
}

function ongoingDeployment(world, svc) {
  return Object.values(world.ecs.deployments).find(
    (d) => d.cluster === svc.cluster && d.service === svc.serviceName && DEPLOYMENT_ONGOING.includes(d.status));
}

function renderDeployment(world, d, full) {
  const base = {
    serviceDeploymentArn: d.arn,
    serviceArn: arn(world, "ecs", `service/${d.cluster}/${d.service}`),
    clusterArn: arn(world, "ecs", `cluster/${d.cluster}`),
    createdAt: d.createdAt,
    ...(d.startedAt ? { startedAt: d.startedAt } : {}),
    ...(d.finishedAt ? { finishedAt: d.finishedAt } : {}),
    targetServiceRevisionArn: d.target,
    status: d.status,
    ...(d.statusReason ? { statusReason: d.statusReason } : {}),
  };
  if (!full) return base;
  return {
    ...base,
    sourceServiceRevisions: d.source ? [{ arn: d.source }] : [],
    targetServiceRevision: { arn: d.target },
    ...(d.lifecycleStage ? { lifecycleStage: d.lifecycleStage } : {}),
    ...(d.rollback ? { rollback: d.rollback } : {}),
    deploymentCircuitBreaker: { status: "MONITORING", failureCount: 0, threshold: 3 },
  };
}

function renderService(world, svc) {
  const d = ongoingDeployment(world, svc);
  const deployments = [{ id: `ecs-svc/${svc.serviceName}`, status: "PRIMARY", taskDefinition: svc.taskDefinition, desiredCount: svc.desiredCount, runningCount: svc.runningCount, pendingCount: 0 }];
  if (d && d.source && d.source !== svc.taskDefinition) {
    deployments.push({ id: `ecs-svc/${svc.serviceName}-active`, status: "ACTIVE", taskDefinition: d.source, desiredCount: svc.desiredCount, runningCount: svc.runningCount, pendingCount: 0 });
  }
  return {
    serviceArn: arn(world, "ecs", `service/${svc.cluster}/${svc.serviceName}`),
    serviceName: svc.serviceName,
    clusterArn: arn(world, "ecs", `cluster/${svc.cluster}`),
    status: svc.status,
    desiredCount: svc.desiredCount,
    runningCount: svc.runningCount,
    pendingCount: svc.desiredCount > svc.runningCount && !svc.lastBlocker ? svc.desiredCount - svc.runningCount : 0,
    launchType: "FARGATE",
    taskDefinition: svc.taskDefinition,
    deploymentConfiguration: { strategy: "BLUE_GREEN", bakeTimeInMinutes: svc.bakeMinutes, deploymentCircuitBreaker: { enable: true, rollback: true } },
    deploymentController: { type: "ECS" },
    deployments,
    networkConfiguration: { awsvpcConfiguration: { subnets: svc.subnets, securityGroups: svc.securityGroups, assignPublicIp: "DISABLED" } },
    events: svc.events.slice(-5).reverse().map((message, i) => ({ id: `e${i}`, message: `(service ${svc.serviceName}) ${message}` })),
  };
}

// ---- ECS tasks -----------------------------------------------------------------------------

function finishTask(world, task) {
  const td = findTaskDefinition(world, task.taskDefinitionArn);
  const container = td.body.containerDefinitions[0].name;
  task.lastStatus = "STOPPED";
  task.stoppedAt = isoTime(world);
  const blocker = taskBlocker(world, task.environment, td, container);
  if (blocker) {
    task.stoppedReason = blocker;
    task.stopCode = "TaskFailedToStart";
    task.containers = [{ name: container, lastStatus: "STOPPED", reason: blocker }];
    return;
  }
  task.stopCode = "EssentialContainerExited";
  task.stoppedReason = "Essential container in task exited";
  if (container === "db-init") {
    const db = dbInstanceOf(world, task.environment);
    if (!db || db.status !== "available") {
      task.containers = [{ name: container, lastStatus: "STOPPED", exitCode: 2, reason: `psql: error: connection to server failed (the database is ${db ? db.status : "missing"})` }];
      return;
    }
    db.initialised = true;
    db.passwordVersions = Object.fromEntries(DATABASE_SERVICES.map((s) => [s, world.secrets.byName[names(task.environment).secret(s, "PGPASSWORD")]?.versionId]));
  }
  task.containers = [{ name: container, lastStatus: "STOPPED", exitCode: 0 }];
}

// ---- the commands -----------------------------------------------------------------------------

const handlers = {};
function command(name, action, spec, required, run) {
  handlers[name] = { action, spec, required, run };
}

const out = (value) => ({ stdout: JSON.stringify(value, null, 4) + "\n" });

// STS
command("sts get-caller-identity", "sts:GetCallerIdentity", {}, [], (world) => {
  const id = world.config.identities[world.config.identity];
  return out({ UserId: id.userId, Account: world.config.account, Arn: id.arn });
});

// S3 (the state bucket)
function bucket(world, name, op) {
  const b = world.s3.buckets[name];
  if (!b) throw new AwsError("NoSuchBucket", op, "The specified bucket does not exist");
  if (b.owner !== world.config.account) throw new AwsError("AccessDenied", op, "Access Denied");
  return b;
}
command("s3api head-bucket", "s3:ListBucket", { bucket: "string", "expected-bucket-owner": "string" }, ["bucket"], (world, o) => {
  const b = world.s3.buckets[o.bucket];
  if (!b) throw new AwsError("404", "HeadBucket", "Not Found");
  if (b.owner !== world.config.account || (o["expected-bucket-owner"] && o["expected-bucket-owner"] !== b.owner)) {
    throw new AwsError("403", "HeadBucket", "Forbidden");
  }
  return out({ BucketRegion: b.region, AccessPointAlias: false });
});
command("s3api create-bucket", "s3:CreateBucket", { bucket: "string", "create-bucket-configuration": "struct", acl: "string", "object-ownership": "string" }, ["bucket"], (world, o) => {
  const region = o.region || world.config.region;
  const constraint = o["create-bucket-configuration"]?.LocationConstraint;
  if (region === "us-east-1" && constraint) throw new AwsError("InvalidLocationConstraint", "CreateBucket", "The specified location-constraint is not valid");
  if (region !== "us-east-1" && constraint !== region) {
    throw new AwsError("IllegalLocationConstraintException", "CreateBucket", `The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.`);
  }
  const existing = world.s3.buckets[o.bucket];
  if (existing) {
    if (existing.owner === world.config.account) throw new AwsError("BucketAlreadyOwnedByYou", "CreateBucket", "Your previous request to create the named bucket succeeded and you already own it.");
    throw new AwsError("BucketAlreadyExists", "CreateBucket", "The requested bucket name is not available.");
  }
  // Since 2023 a new bucket has SSE-S3 encryption and Block Public Access on by default.
  world.s3.buckets[o.bucket] = {
    owner: world.config.account, region, versioning: null, encryption: null, policy: null, objects: {},
    publicAccessBlock: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
  };
  return out({ Location: region === "us-east-1" ? `/${o.bucket}` : `http://${o.bucket}.s3.amazonaws.com/` });
});
command("s3api put-bucket-versioning", "s3:PutBucketVersioning", { bucket: "string", "versioning-configuration": "struct", "expected-bucket-owner": "string" }, ["bucket", "versioning-configuration"], (world, o) => {
  bucket(world, o.bucket, "PutBucketVersioning").versioning = o["versioning-configuration"].Status;
  return { stdout: "" };
});
command("s3api get-bucket-versioning", "s3:GetBucketVersioning", { bucket: "string", "expected-bucket-owner": "string" }, ["bucket"], (world, o) => {
  const b = bucket(world, o.bucket, "GetBucketVersioning");
  return out(b.versioning ? { Status: b.versioning } : {});
});
command("s3api put-bucket-encryption", "s3:PutEncryptionConfiguration", { bucket: "string", "server-side-encryption-configuration": "struct", "expected-bucket-owner": "string" }, ["bucket", "server-side-encryption-configuration"], (world, o) => {
  bucket(world, o.bucket, "PutBucketEncryption").encryption = o["server-side-encryption-configuration"];
  return { stdout: "" };
});
command("s3api get-bucket-encryption", "s3:GetEncryptionConfiguration", { bucket: "string", "expected-bucket-owner": "string" }, ["bucket"], (world, o) => {
  const b = bucket(world, o.bucket, "GetBucketEncryption");
  // Since January 2023 every bucket has SSE-S3 by default.
  return out({ ServerSideEncryptionConfiguration: b.encryption || { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" }, BucketKeyEnabled: false }] } });
});
command("s3api put-public-access-block", "s3:PutBucketPublicAccessBlock", { bucket: "string", "public-access-block-configuration": "struct", "expected-bucket-owner": "string" }, ["bucket", "public-access-block-configuration"], (world, o) => {
  const c = o["public-access-block-configuration"];
  const flags = {};
  for (const k of ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"]) flags[k] = String(c[k]) === "true";
  bucket(world, o.bucket, "PutPublicAccessBlock").publicAccessBlock = flags;
  return { stdout: "" };
});
command("s3api get-public-access-block", "s3:GetBucketPublicAccessBlock", { bucket: "string", "expected-bucket-owner": "string" }, ["bucket"], (world, o) => {
  const b = bucket(world, o.bucket, "GetPublicAccessBlock");
  if (!b.publicAccessBlock) throw new AwsError("NoSuchPublicAccessBlockConfiguration", "GetPublicAccessBlock", "The public access block configuration was not found");
  return out({ PublicAccessBlockConfiguration: b.publicAccessBlock });
});
command("s3api put-bucket-policy", "s3:PutBucketPolicy", { bucket: "string", policy: "string", "expected-bucket-owner": "string" }, ["bucket", "policy"], (world, o) => {
  const b = bucket(world, o.bucket, "PutBucketPolicy");
  let policy;
  try {
    policy = JSON.parse(o.policy);
  } catch {
    throw new AwsError("MalformedPolicy", "PutBucketPolicy", "Policies must be valid JSON and the first byte must be '{'");
  }
  for (const s of policy.Statement || []) {
    for (const r of [].concat(s.Resource || [])) {
      if (!r.startsWith(`arn:aws:s3:::${o.bucket}`)) throw new AwsError("MalformedPolicy", "PutBucketPolicy", "Policy has invalid resource");
    }
  }
  if (b.publicAccessBlock?.BlockPublicPolicy && (policy.Statement || []).some((s) => s.Effect === "Allow" && (s.Principal === "*" || s.Principal?.AWS === "*"))) {
    throw new AwsError("AccessDenied", "PutBucketPolicy", "Access Denied (public policies are blocked by BlockPublicPolicy)");
  }
  b.policy = policy;
  return { stdout: "" };
});
command("s3api get-bucket-policy", "s3:GetBucketPolicy", { bucket: "string", "expected-bucket-owner": "string" }, ["bucket"], (world, o) => {
  const b = bucket(world, o.bucket, "GetBucketPolicy");
  if (!b.policy) throw new AwsError("NoSuchBucketPolicy", "GetBucketPolicy", "The bucket policy does not exist");
  return out({ Policy: JSON.stringify(b.policy) });
});

// ECR
function repository(world, name, op) {
  const r = world.ecr.repositories[name];
  if (!r) throw new AwsError("RepositoryNotFoundException", op, `The repository with name '${name}' does not exist in the registry with id '${world.config.account}'`);
  return r;
}
command("ecr get-login-password", "ecr:GetAuthorizationToken", {}, [], (world) => {
  world.docker.tokenIssued = true;
  return { stdout: "fake-ecr-token\n" };
});
command("ecr describe-repositories", "ecr:DescribeRepositories", { "repository-names": "list" }, [], (world, o) => {
  const wanted = o["repository-names"] || Object.keys(world.ecr.repositories);
  const repos = wanted.map((n) => ({ n, r: repository(world, n, "DescribeRepositories") }));
  return out({ repositories: repos.map(({ n, r }) => ({ repositoryName: n, repositoryArn: r.arn, repositoryUri: `${registry(world)}/${n}`, imageTagMutability: "IMMUTABLE" })) });
});
command("ecr describe-images", "ecr:DescribeImages", { "repository-name": "string", "image-ids": "structs" }, ["repository-name"], (world, o) => {
  const repo = repository(world, o["repository-name"], "DescribeImages");
  let images = repo.images;
  if (o["image-ids"]) {
    images = o["image-ids"].map((id) => {
      const found = repo.images.find((i) => (id.imageDigest && i.digest === id.imageDigest) || (id.imageTag && i.tags.includes(id.imageTag)));
      if (!found) {
        const what = id.imageDigest ? `imageDigest=${id.imageDigest}` : `imageTag=${id.imageTag}`;
        throw new AwsError("ImageNotFoundException", "DescribeImages", `The image with imageId {${what}} does not exist within the repository with name '${o["repository-name"]}' in the registry with id '${world.config.account}'`);
      }
      return found;
    });
  }
  return out({ imageDetails: images.map((i) => ({ registryId: world.config.account, repositoryName: o["repository-name"], imageDigest: i.digest, imageTags: i.tags, imagePushedAt: i.pushedAt, imageManifestMediaType: "application/vnd.oci.image.index.v1+json" })) });
});

// ECS
function cluster(world, name, op) {
  const c = world.ecs.clusters[clusterName(name)];
  if (!c) throw new AwsError("ClusterNotFoundException", op, "Cluster not found.");
  return c;
}
function service(world, clusterArg, name, op) {
  const c = clusterName(clusterArg);
  cluster(world, c, op);
  const svc = world.ecs.services[serviceKey(c, serviceName(name))];
  if (!svc || svc.status !== "ACTIVE") throw new AwsError("ServiceNotFoundException", op, "Service not found.");
  return svc;
}
command("ecs list-services", "ecs:ListServices", { cluster: "string", "max-results": "int" }, ["cluster"], (world, o) => {
  const c = clusterName(o.cluster);
  cluster(world, c, "ListServices");
  const arns = Object.values(world.ecs.services).filter((s) => s.cluster === c && s.status === "ACTIVE")
    .map((s) => arn(world, "ecs", `service/${c}/${s.serviceName}`));
  return out({ serviceArns: arns });
});
command("ecs describe-services", "ecs:DescribeServices", { cluster: "string", services: "list", include: "list" }, ["services"], (world, o) => {
  const c = clusterName(o.cluster || "default");
  if (o.services.length > 10) throw new AwsError("InvalidParameterException", "DescribeServices", "services can have at most 10 items.");
  if (!world.ecs.clusters[c]) return out({ services: [], failures: o.services.map((s) => ({ arn: s, reason: "MISSING" })) });
  const services = [];
  const failures = [];
  for (const s of o.services) {
    const svc = world.ecs.services[serviceKey(c, serviceName(s))];
    if (svc) services.push(renderService(world, svc));
    else failures.push({ arn: arn(world, "ecs", `service/${c}/${serviceName(s)}`), reason: "MISSING" });
  }
  return out({ services, failures });
});
command("ecs update-service", "ecs:UpdateService", { cluster: "string", service: "string", "desired-count": "int", "task-definition": "string", "force-new-deployment": "flag" }, ["service"], (world, o) => {
  const svc = service(world, o.cluster || "default", o.service, "UpdateService");
  if (o["desired-count"] !== undefined) {
    if (o["desired-count"] < 0) throw new AwsError("InvalidParameterException", "UpdateService", "desiredCount must be >= 0");
    if (svc.desiredCount !== o["desired-count"]) {
      svc.desiredCount = o["desired-count"];
      svc.changedAt = world.t;
      if (svc.desiredCount < svc.runningCount) svc.runningCount = svc.desiredCount;
    }
  }
  if (o["task-definition"] !== undefined) {
    const td = findTaskDefinition(world, o["task-definition"]);
    if (!td || td.status !== "ACTIVE") throw new AwsError("ClientException", "UpdateService", "TaskDefinition not found.");
    const target = taskDefinitionArn(world, td.body.family, td.revision);
    if (target !== svc.taskDefinition || o["force-new-deployment"]) startDeployment(world, svc, target);
  } else if (o["force-new-deployment"]) {
    startDeployment(world, svc, svc.taskDefinition);
  }
  return out({ service: renderService(world, svc) });
});
const REGISTER_KEYS = ["family", "taskRoleArn", "executionRoleArn", "networkMode", "containerDefinitions", "volumes",
  "placementConstraints", "requiresCompatibilities", "cpu", "memory", "tags", "pidMode", "ipcMode", "proxyConfiguration",
  "inferenceAccelerators", "ephemeralStorage", "runtimePlatform", "enableFaultInjection"];
command("ecs register-task-definition", "ecs:RegisterTaskDefinition", { "cli-input-json": "json" }, ["cli-input-json"], (world, o) => {
  const input = o["cli-input-json"];
  const unknown = Object.keys(input).filter((k) => !REGISTER_KEYS.includes(k));
  if (unknown.length) {
    throw new UsageError(`\nParameter validation failed:\n${unknown.map((k) => `Unknown parameter in input: "${k}", must be one of: ${REGISTER_KEYS.join(", ")}`).join("\n")}`);
  }
  if (!input.family || !Array.isArray(input.containerDefinitions)) {
    throw new UsageError("\nParameter validation failed:\nMissing required parameter in input: \"family\" or \"containerDefinitions\"");
  }
  const revisions = (world.ecs.taskDefinitions[input.family] ||= []);
  const revision = revisions.length ? revisions[revisions.length - 1].revision + 1 : 1;
  const id = world.config.identities[world.config.identity];
  const td = { revision, status: "ACTIVE", body: input, registeredAt: isoTime(world), registeredBy: id.arn };
  revisions.push(td);
  return out({ taskDefinition: renderTaskDefinition(world, td) });
});
command("ecs describe-task-definition", "ecs:DescribeTaskDefinition", { "task-definition": "string", include: "list" }, ["task-definition"], (world, o) => {
  const td = findTaskDefinition(world, o["task-definition"]);
  if (!td) throw new AwsError("ClientException", "DescribeTaskDefinition", "Unable to describe task definition.");
  return out({ taskDefinition: renderTaskDefinition(world, td) });
});
command("ecs list-service-deployments", "ecs:ListServiceDeployments", { cluster: "string", service: "string", status: "list", "created-at": "struct", "max-results": "int" }, ["service"], (world, o) => {
  const svc = service(world, o.cluster || "default", o.service, "ListServiceDeployments");
  const after = o["created-at"]?.after ? Date.parse(o["created-at"].after) : -Infinity;
  const before = o["created-at"]?.before ? Date.parse(o["created-at"].before) : Infinity;
  const list = Object.values(world.ecs.deployments)
    .filter((d) => d.cluster === svc.cluster && d.service === svc.serviceName)
    .filter((d) => !o.status || o.status.includes(d.status))
    .filter((d) => Date.parse(d.createdAt) >= after && Date.parse(d.createdAt) <= before)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return out({ serviceDeployments: list.map((d) => renderDeployment(world, d, false)) });
});
command("ecs describe-service-deployments", "ecs:DescribeServiceDeployments", { "service-deployment-arns": "list" }, ["service-deployment-arns"], (world, o) => {
  const found = [];
  const failures = [];
  for (const a of o["service-deployment-arns"]) {
    const d = world.ecs.deployments[a];
    if (!d) {
      failures.push({ arn: a, reason: "MISSING" });
      continue;
    }
    // ECS moves on between two polls: several stages, but never past the bake time unobserved.
    for (let i = 0; i < (world.config.stagesPerPoll || 1); i++) {
      const wasBaking = d.lifecycleStage === "BAKE_TIME";
      stepDeployment(world, d);
      if (d.status !== "IN_PROGRESS" || d.lifecycleStage === "BAKE_TIME" || wasBaking) break;
    }
    found.push(renderDeployment(world, d, true));
  }
  return out({ serviceDeployments: found, failures });
});
command("ecs stop-service-deployment", "ecs:StopServiceDeployment", { "service-deployment-arn": "string", "stop-type": "string" }, ["service-deployment-arn"], (world, o) => {
  const d = world.ecs.deployments[o["service-deployment-arn"]];
  if (!d) throw new AwsError("ServiceDeploymentNotFoundException", "StopServiceDeployment", "The service deployment does not exist.");
  const type = o["stop-type"] || "ROLLBACK";
  if (!["ROLLBACK", "ABORT"].includes(type)) throw new UsageError(`argument --stop-type: Invalid choice: '${type}'`);
  if (!DEPLOYMENT_ONGOING.includes(d.status)) {
    throw new AwsError("ConflictException", "StopServiceDeployment", `The service deployment is ${d.status} and cannot be stopped.`);
  }
  if (d.status === "PENDING" || d.status === "IN_PROGRESS") {
    d.status = type === "ROLLBACK" ? "ROLLBACK_REQUESTED" : "STOP_REQUESTED";
    if (type === "ROLLBACK") d.rollback = { reason: "rollback requested by StopServiceDeployment", startedAt: isoTime(world), serviceRevisionArn: d.source };
  }
  return out({ serviceDeploymentArn: d.arn });
});
command("ecs run-task", "ecs:RunTask", { cluster: "string", "task-definition": "string", "launch-type": "string", "network-configuration": "struct", "started-by": "string", count: "int", "capacity-provider-strategy": "structs" }, ["task-definition"], (world, o) => {
  const c = cluster(world, o.cluster || "default", "RunTask");
  const td = findTaskDefinition(world, o["task-definition"]);
  if (!td) throw new AwsError("ClientException", "RunTask", "TaskDefinition not found.");
  const net = o["network-configuration"]?.awsvpcConfiguration;
  if (!net || !Array.isArray(net.subnets) || !net.subnets.length) {
    throw new AwsError("InvalidParameterException", "RunTask", "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  }
  const vpc = world.ec2.vpcs[c.environment];
  for (const s of net.subnets) {
    if (!vpc || ![...vpc.appSubnets, ...vpc.publicSubnets].includes(s)) throw new AwsError("InvalidParameterException", "RunTask", `Error retrieving subnet information for [${s}]: The subnet ID '${s}' does not exist`);
  }
  const id = nextId(world, "", 32);
  const task = {
    taskArn: arn(world, "ecs", `task/${clusterName(o.cluster)}/${id}`),
    cluster: clusterName(o.cluster),
    environment: c.environment,
    taskDefinitionArn: taskDefinitionArn(world, td.body.family, td.revision),
    lastStatus: "PROVISIONING",
    startedBy: o["started-by"],
    stopAt: world.t + 60,
  };
  world.ecs.tasks[task.taskArn] = task;
  return out({ tasks: [{ taskArn: task.taskArn, clusterArn: arn(world, "ecs", `cluster/${task.cluster}`), taskDefinitionArn: task.taskDefinitionArn, lastStatus: task.lastStatus, desiredStatus: "RUNNING", launchType: o["launch-type"] }], failures: [] });
});
function renderTask(world, t) {
  return {
    taskArn: t.taskArn, clusterArn: arn(world, "ecs", `cluster/${t.cluster}`), taskDefinitionArn: t.taskDefinitionArn,
    lastStatus: t.lastStatus, desiredStatus: t.lastStatus === "STOPPED" ? "STOPPED" : "RUNNING",
    ...(t.stoppedReason ? { stoppedReason: t.stoppedReason, stopCode: t.stopCode, stoppedAt: t.stoppedAt } : {}),
    containers: t.containers || [],
  };
}
command("ecs describe-tasks", "ecs:DescribeTasks", { cluster: "string", tasks: "list" }, ["tasks"], (world, o) => {
  const tasks = [];
  const failures = [];
  for (const a of o.tasks) {
    const t = world.ecs.tasks[a];
    if (t) tasks.push(renderTask(world, t));
    else failures.push({ arn: a, reason: "MISSING" });
  }
  return out({ tasks, failures });
});

// ECS waiters
function poll(world, { delay, attempts, name }, check) {
  for (let i = 0; i < attempts; i++) {
    const r = check();
    if (r === true) return { stdout: "" };
    if (typeof r === "string") throw new WaiterError(name, `Waiter encountered a terminal failure state: ${r}`);
    tick(world, delay);
  }
  throw new WaiterError(name);
}
command("ecs wait services-stable", "ecs:DescribeServices", { cluster: "string", services: "list" }, ["services"], (world, o) => {
  const c = clusterName(o.cluster || "default");
  return poll(world, { delay: 15, attempts: 40, name: "ServicesStable" }, () => {
    const list = o.services.map((s) => world.ecs.services[serviceKey(c, serviceName(s))]);
    if (list.some((s) => !s)) return "MISSING";
    if (list.some((s) => s.status !== "ACTIVE")) return `For expression "services[].status" we matched expected path: "${list.find((s) => s.status !== "ACTIVE").status}"`;
    for (const s of list) {
      const d = ongoingDeployment(world, s);
      if (d) stepDeployment(world, d);
    }
    return list.every((s) => !ongoingDeployment(world, s) && s.runningCount === s.desiredCount);
  });
});
command("ecs wait tasks-stopped", "ecs:DescribeTasks", { cluster: "string", tasks: "list" }, ["tasks"], (world, o) =>
  poll(world, { delay: 6, attempts: 100, name: "TasksStopped" }, () => {
    const list = o.tasks.map((a) => world.ecs.tasks[a]);
    if (list.some((t) => !t)) return "MISSING";
    return list.every((t) => t.lastStatus === "STOPPED");
  }));

// RDS
function dbInstance(world, id, op) {
  const db = world.rds.instances[id];
  if (!db) throw new AwsError("DBInstanceNotFound", op, `DBInstance ${id} not found.`);
  return db;
}
command("rds describe-db-instances", "rds:DescribeDBInstances", { "db-instance-identifier": "string" }, [], (world, o) => {
  const ids = o["db-instance-identifier"] ? [o["db-instance-identifier"]] : Object.keys(world.rds.instances);
  const list = ids.map((id) => ({ id, db: dbInstance(world, id, "DescribeDBInstances") }));
  return out({ DBInstances: list.map(({ id, db }) => ({ DBInstanceIdentifier: id, DBInstanceStatus: db.status, Engine: "postgres", DBInstanceClass: db.instanceClass, MultiAZ: db.multiAz })) });
});
command("rds start-db-instance", "rds:StartDBInstance", { "db-instance-identifier": "string" }, ["db-instance-identifier"], (world, o) => {
  const db = dbInstance(world, o["db-instance-identifier"], "StartDBInstance");
  if (db.status !== "stopped") throw new AwsError("InvalidDBInstanceState", "StartDBInstance", `Instance ${o["db-instance-identifier"]} is not stopped, cannot be started.`);
  db.status = "starting";
  db.transition = { to: "available", at: world.t + 300 };
  return out({ DBInstance: { DBInstanceIdentifier: o["db-instance-identifier"], DBInstanceStatus: db.status } });
});
command("rds stop-db-instance", "rds:StopDBInstance", { "db-instance-identifier": "string", "db-snapshot-identifier": "string" }, ["db-instance-identifier"], (world, o) => {
  const db = dbInstance(world, o["db-instance-identifier"], "StopDBInstance");
  if (db.status !== "available") throw new AwsError("InvalidDBInstanceState", "StopDBInstance", `Instance ${o["db-instance-identifier"]} is not in available state.`);
  db.status = "stopping";
  db.transition = { to: "stopped", at: world.t + 120 };
  return out({ DBInstance: { DBInstanceIdentifier: o["db-instance-identifier"], DBInstanceStatus: db.status } });
});
command("rds wait db-instance-available", "rds:DescribeDBInstances", { "db-instance-identifier": "string" }, ["db-instance-identifier"], (world, o) => {
  dbInstance(world, o["db-instance-identifier"], "DescribeDBInstances");
  return poll(world, { delay: 30, attempts: 60, name: "DBInstanceAvailable" }, () => {
    const db = world.rds.instances[o["db-instance-identifier"]];
    if (["deleted", "deleting", "failed", "incompatible-restore", "incompatible-parameters"].includes(db.status)) return `For expression "DBInstances[].DBInstanceStatus" we matched expected path: "${db.status}"`;
    return db.status === "available";
  });
});
command("rds create-db-snapshot", "rds:CreateDBSnapshot", { "db-instance-identifier": "string", "db-snapshot-identifier": "string", tags: "structs" }, ["db-instance-identifier", "db-snapshot-identifier"], (world, o) => {
  const db = dbInstance(world, o["db-instance-identifier"], "CreateDBSnapshot");
  if (db.status !== "available") throw new AwsError("InvalidDBInstanceState", "CreateDBSnapshot", `Cannot create a snapshot because the database instance ${o["db-instance-identifier"]} is not currently in the available state.`);
  if (world.rds.snapshots[o["db-snapshot-identifier"]]) throw new AwsError("DBSnapshotAlreadyExists", "CreateDBSnapshot", "Cannot create the snapshot because a snapshot with the identifier already exists.");
  world.rds.snapshots[o["db-snapshot-identifier"]] = { instance: o["db-instance-identifier"], status: "creating", readyAt: world.t + 120 };
  return out({ DBSnapshot: { DBSnapshotIdentifier: o["db-snapshot-identifier"], Status: "creating" } });
});
command("rds wait db-snapshot-available", "rds:DescribeDBSnapshots", { "db-snapshot-identifier": "string" }, ["db-snapshot-identifier"], (world, o) =>
  poll(world, { delay: 30, attempts: 60, name: "DBSnapshotAvailable" }, () => {
    const s = world.rds.snapshots[o["db-snapshot-identifier"]];
    if (!s) return "DBSnapshotNotFound";
    return s.status === "available";
  }));

// EC2 (the NAT instance)
function filterInstances(world, filters) {
  return Object.entries(world.ec2.instances).filter(([id, i]) => filters.every((f) => {
    const values = [].concat(f.Values);
    if (f.Name === "instance-state-name") return values.includes(i.state);
    if (f.Name.startsWith("tag:")) return values.includes(i.tags[f.Name.slice(4)]);
    if (f.Name === "instance-id") return values.includes(id);
    throw new UsageError(`fake aws: filter ${f.Name} is not modelled`);
  }));
}
command("ec2 describe-instances", "ec2:DescribeInstances", { filters: "structs", "instance-ids": "list" }, [], (world, o) => {
  let list = filterInstances(world, o.filters || []);
  if (o["instance-ids"]) list = list.filter(([id]) => o["instance-ids"].includes(id));
  return out({ Reservations: list.length ? [{ Instances: list.map(([id, i]) => ({ InstanceId: id, State: { Name: i.state }, Tags: Object.entries(i.tags).map(([Key, Value]) => ({ Key, Value })) })) }] : [] });
});
function instances(world, ids, op) {
  return ids.map((id) => {
    const i = world.ec2.instances[id];
    if (!i) throw new AwsError("InvalidInstanceID.NotFound", op, `The instance ID '${id}' does not exist`);
    return [id, i];
  });
}
command("ec2 start-instances", "ec2:StartInstances", { "instance-ids": "list" }, ["instance-ids"], (world, o) => {
  const list = instances(world, o["instance-ids"], "StartInstances");
  const bad = list.find(([, i]) => !["stopped", "running", "pending"].includes(i.state));
  if (bad) throw new AwsError("IncorrectInstanceState", "StartInstances", `The instance '${bad[0]}' is not in a state from which it can be started.`);
  const changes = list.map(([id, i]) => {
    const previous = i.state;
    if (i.state === "stopped") {
      i.state = "pending";
      i.transition = { to: "running", at: world.t + 20 };
    }
    return { InstanceId: id, PreviousState: { Name: previous }, CurrentState: { Name: i.state } };
  });
  return out({ StartingInstances: changes });
});
command("ec2 stop-instances", "ec2:StopInstances", { "instance-ids": "list" }, ["instance-ids"], (world, o) => {
  const list = instances(world, o["instance-ids"], "StopInstances");
  const bad = list.find(([, i]) => !["running", "pending", "stopping", "stopped"].includes(i.state));
  if (bad) throw new AwsError("IncorrectInstanceState", "StopInstances", `The instance '${bad[0]}' is not in a state from which it can be stopped.`);
  const changes = list.map(([id, i]) => {
    const previous = i.state;
    if (i.state === "running" || i.state === "pending") {
      i.state = "stopping";
      i.transition = { to: "stopped", at: world.t + 30 };
    }
    return { InstanceId: id, PreviousState: { Name: previous }, CurrentState: { Name: i.state } };
  });
  return out({ StoppingInstances: changes });
});

command("ec2 wait instance-stopped", "ec2:DescribeInstances", { "instance-ids": "list" }, ["instance-ids"], (world, o) => {
  instances(world, o["instance-ids"], "DescribeInstances");
  return poll(world, { delay: 15, attempts: 40, name: "InstanceStopped" }, () => {
    const list = o["instance-ids"].map((id) => world.ec2.instances[id]);
    if (list.some((i) => ["pending", "terminated", "shutting-down"].includes(i.state))) return `For expression "Reservations[].Instances[].State.Name" we matched expected path: "${list.find((i) => ["pending", "terminated", "shutting-down"].includes(i.state)).state}"`;
    return list.every((i) => i.state === "stopped");
  });
});

// SSM Parameter Store
command("ssm put-parameter", "ssm:PutParameter", { name: "string", value: "string", type: "string", overwrite: "flag", "no-overwrite": "flag", description: "string" }, ["name", "value"], (world, o) => {
  const existing = world.ssm.parameters[o.name];
  if (existing && !o.overwrite) throw new AwsError("ParameterAlreadyExists", "PutParameter", "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.");
  if (!existing && !o.type) throw new AwsError("ValidationException", "PutParameter", "A parameter type is required when you create a parameter.");
  const version = existing ? existing.version + 1 : 1;
  world.ssm.parameters[o.name] = { value: o.value, type: o.type || existing.type, version, description: o.description ?? existing?.description };
  return out({ Version: version, Tier: "Standard" });
});
command("ssm get-parameters-by-path", "ssm:GetParametersByPath", { path: "string", recursive: "flag", "with-decryption": "flag" }, ["path"], (world, o) => {
  const prefix = o.path.replace(/\/$/, "") + "/";
  const list = Object.entries(world.ssm.parameters)
    .filter(([n]) => n.startsWith(prefix) && (o.recursive || !n.slice(prefix.length).includes("/")))
    .map(([Name, p]) => ({ Name, Type: p.type, Value: p.value, Version: p.version }));
  return out({ Parameters: list });
});
command("ssm get-parameter", "ssm:GetParameter", { name: "string", "with-decryption": "flag" }, ["name"], (world, o) => {
  const p = world.ssm.parameters[o.name];
  if (!p) throw new AwsError("ParameterNotFound", "GetParameter", "");
  return out({ Parameter: { Name: o.name, Type: p.type, Value: p.value, Version: p.version } });
});

// Application Auto Scaling
command("application-autoscaling describe-scalable-targets", "application-autoscaling:DescribeScalableTargets", { "service-namespace": "string", "resource-ids": "list", "scalable-dimension": "string" }, ["service-namespace"], (world, o) => {
  const list = Object.values(world.aas.targets)
    .filter((t) => t.ServiceNamespace === o["service-namespace"])
    .filter((t) => !o["resource-ids"] || o["resource-ids"].includes(t.ResourceId));
  return out({ ScalableTargets: list });
});
command("application-autoscaling register-scalable-target", "application-autoscaling:RegisterScalableTarget", { "service-namespace": "string", "scalable-dimension": "string", "resource-id": "string", "suspended-state": "struct", "min-capacity": "int", "max-capacity": "int" }, ["service-namespace", "scalable-dimension", "resource-id"], (world, o) => {
  const t = world.aas.targets[o["resource-id"]];
  if (!t) {
    if (o["min-capacity"] === undefined || o["max-capacity"] === undefined) {
      throw new AwsError("ValidationException", "RegisterScalableTarget", "Minimum and maximum capacity are required when you register a new scalable target");
    }
    throw new UsageError("fake aws: registering a new scalable target is not modelled (Terraform creates them)");
  }
  for (const [k, v] of Object.entries(o["suspended-state"] || {})) {
    if (!(k in t.SuspendedState)) throw new UsageError(`Parameter validation failed: Unknown parameter in SuspendedState: "${k}"`);
    t.SuspendedState[k] = String(v) === "true";
  }
  if (o["min-capacity"] !== undefined) t.MinCapacity = o["min-capacity"];
  if (o["max-capacity"] !== undefined) t.MaxCapacity = o["max-capacity"];
  return out({ ScalableTargetARN: t.ScalableTargetARN });
});

// Secrets Manager. A secret keeps its versions, each with its staging labels
// (AWSCURRENT, AWSPREVIOUS, AWSPENDING, ...); s.value and s.versionId always
// mirror the AWSCURRENT version, which is what the rest of the world reads.
// A secret made by the fake Terraform starts with one version, AWSCURRENT.
function findSecret(world, id) {
  return Object.entries(world.secrets.byName).find(([n, s]) => n === id || s.arn === id);
}
function secretOrThrow(world, id, operation) {
  const found = findSecret(world, id);
  if (!found) throw new AwsError("ResourceNotFoundException", operation, "Secrets Manager can't find the specified secret.");
  return found;
}
function versionsOf(s) {
  return s.versions || (s.value === undefined ? [] : [{ id: s.versionId, value: s.value, stages: ["AWSCURRENT"], createdAt: s.createdAt }]);
}
// Before a change: the versions kept on the secret (a read changes nothing).
function ownVersions(s) {
  s.versions ||= versionsOf(s);
  return s.versions;
}
function versionWith(s, stage) {
  return versionsOf(s).find((v) => v.stages.includes(stage));
}
function syncCurrent(s) {
  const current = versionWith(s, "AWSCURRENT");
  s.value = current?.value;
  s.versionId = current?.id;
}
// Moves a label to a version (AWSCURRENT takes AWSPREVIOUS along to the
// version it leaves, as Secrets Manager does).
function moveStage(s, stage, to) {
  const from = versionWith(s, stage);
  if (from) from.stages = from.stages.filter((x) => x !== stage);
  if (to) to.stages.push(stage);
  if (stage === "AWSCURRENT" && from && from !== to) {
    const previous = versionWith(s, "AWSPREVIOUS");
    if (previous) previous.stages = previous.stages.filter((x) => x !== "AWSPREVIOUS");
    from.stages.push("AWSPREVIOUS");
  }
  syncCurrent(s);
}
function secretString(raw) {
  if (raw.startsWith("file://")) {
    const file = raw.slice("file://".length);
    if (!fs.existsSync(file)) throw new UsageError(`Error parsing parameter '--secret-string': Unable to load paramfile ${raw}: [Errno 2] No such file or directory: '${file}'`);
    return fs.readFileSync(file, "utf8");
  }
  return raw;
}
command("secretsmanager get-secret-value", "secretsmanager:GetSecretValue", { "secret-id": "string", "version-stage": "string", "version-id": "string" }, ["secret-id"], (world, o) => {
  const [name, s] = secretOrThrow(world, o["secret-id"], "GetSecretValue");
  const stage = o["version-stage"] || (o["version-id"] ? null : "AWSCURRENT");
  const v = o["version-id"] ? versionsOf(s).find((x) => x.id === o["version-id"]) : versionWith(s, stage);
  if (!v || (stage && !v.stages.includes(stage))) {
    throw new AwsError("ResourceNotFoundException", "GetSecretValue", `Secrets Manager can't find the specified secret value for ${o["version-id"] ? `VersionId: ${o["version-id"]}` : `staging label: ${stage}`}`);
  }
  return out({ ARN: s.arn, Name: name, VersionId: v.id, SecretString: v.value, VersionStages: v.stages, CreatedDate: v.createdAt });
});
command("secretsmanager describe-secret", "secretsmanager:DescribeSecret", { "secret-id": "string" }, ["secret-id"], (world, o) => {
  const [name, s] = secretOrThrow(world, o["secret-id"], "DescribeSecret");
  const stages = Object.fromEntries(versionsOf(s).filter((v) => v.stages.length).map((v) => [v.id, [...v.stages]]));
  return out({ ARN: s.arn, Name: name, CreatedDate: s.createdAt, VersionIdsToStages: stages });
});
command("secretsmanager list-secret-version-ids", "secretsmanager:ListSecretVersionIds", { "secret-id": "string", "include-deprecated": "flag" }, ["secret-id"], (world, o) => {
  const [name, s] = secretOrThrow(world, o["secret-id"], "ListSecretVersionIds");
  const list = versionsOf(s).filter((v) => o["include-deprecated"] || v.stages.length)
    .map((v) => ({ VersionId: v.id, VersionStages: [...v.stages], CreatedDate: v.createdAt }));
  return out({ Versions: list, ARN: s.arn, Name: name });
});
command("secretsmanager get-random-password", "secretsmanager:GetRandomPassword", { "password-length": "int", "exclude-punctuation": "flag", "require-each-included-type": "flag" }, [], (world, o) => {
  const length = o["password-length"] ?? 32;
  if (length < 1 || length > 4096) throw new AwsError("InvalidParameterException", "GetRandomPassword", "PasswordLength must be between 1 and 4096");
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789" + (o["exclude-punctuation"] ? "" : "!#$%&*+-.:;<=>?@^_~");
  let value = "";
  for (const b of crypto.randomBytes(length)) value += alphabet[b % alphabet.length];
  return out({ RandomPassword: value });
});
command("secretsmanager put-secret-value", "secretsmanager:PutSecretValue", { "secret-id": "string", "client-request-token": "string", "secret-string": "string", "version-stages": "list" }, ["secret-id"], (world, o) => {
  const [name, s] = secretOrThrow(world, o["secret-id"], "PutSecretValue");
  ownVersions(s);
  if (o["secret-string"] === undefined) throw new AwsError("InvalidRequestException", "PutSecretValue", "You must provide either SecretString or SecretBinary.");
  const value = secretString(o["secret-string"]);
  const token = o["client-request-token"] || crypto.randomUUID();
  const stages = o["version-stages"] || ["AWSCURRENT"];
  const existing = versionsOf(s).find((v) => v.id === token);
  if (existing) {
    if (existing.value !== value) throw new AwsError("ResourceExistsException", "PutSecretValue", `You can't modify an existing version, you can only create a new version. VersionId: ${token}`);
    return out({ ARN: s.arn, Name: name, VersionId: token, VersionStages: existing.stages });
  }
  const v = { id: token, value, stages: [], createdAt: isoTime(world) };
  versionsOf(s).push(v);
  for (const stage of stages) moveStage(s, stage, v);
  return out({ ARN: s.arn, Name: name, VersionId: token, VersionStages: [...v.stages] });
});
command("secretsmanager update-secret-version-stage", "secretsmanager:UpdateSecretVersionStage", { "secret-id": "string", "version-stage": "string", "move-to-version-id": "string", "remove-from-version-id": "string" }, ["secret-id", "version-stage"], (world, o) => {
  const [name, s] = secretOrThrow(world, o["secret-id"], "UpdateSecretVersionStage");
  ownVersions(s);
  const stage = o["version-stage"];
  const holder = versionWith(s, stage);
  const to = o["move-to-version-id"] ? versionsOf(s).find((v) => v.id === o["move-to-version-id"]) : null;
  if (o["move-to-version-id"] && !to) throw new AwsError("ResourceNotFoundException", "UpdateSecretVersionStage", `Secrets Manager can't find the specified secret version: ${o["move-to-version-id"]}`);
  if (o["remove-from-version-id"] && (!holder || holder.id !== o["remove-from-version-id"])) {
    throw new AwsError("InvalidParameterException", "UpdateSecretVersionStage", `The staging label ${stage} is not attached to version ${o["remove-from-version-id"]}`);
  }
  if (to && holder && holder !== to && !o["remove-from-version-id"]) {
    throw new AwsError("InvalidParameterException", "UpdateSecretVersionStage",
      `The parameter RemoveFromVersionId can't be empty. Staging label ${stage} is currently attached to version ${holder.id}, so you must explicitly reference that version in RemoveFromVersionId.`);
  }
  if (!to && stage === "AWSCURRENT") throw new AwsError("InvalidParameterException", "UpdateSecretVersionStage", "You can't remove the staging label AWSCURRENT from a secret without moving it to another version.");
  if (to && to === holder) return out({ ARN: s.arn, Name: name });
  moveStage(s, stage, to);
  return out({ ARN: s.arn, Name: name });
});

// IAM (read-only: the GitHub OIDC provider an account holds once)
command("iam list-open-id-connect-providers", "iam:ListOpenIDConnectProviders", {}, [], (world) =>
  out({ OpenIDConnectProviderList: Object.keys(world.iam.oidcProviders).map((a) => ({ Arn: a })) }));

// ---- dispatch ----------------------------------------------------------------------------------

// config.triggers: [{ on: "ecs register-task-definition", nth: 1, run: "scheduledStart", environment: "dev" }]:
// something else happens in the account (the scheduler's start, its stop) just
// before the nth call of that command, as it would at that time of day.
function runTriggers(world, name) {
  world.callCounts ||= {};
  world.callCounts[name] = (world.callCounts[name] || 0) + 1;
  for (const t of world.config.triggers || []) {
    if (t.on === name && t.nth === world.callCounts[name]) {
      const scheduler = require("./scheduler");
      scheduler[t.run](world, t.environment);
    }
  }
}

// runAws(world, args): { stdout, stderr, exit } for one `aws` call.
function runAws(world, args) {
  const isWait = args[1] === "wait";
  const name = isWait ? args.slice(0, 3).join(" ") : args.slice(0, 2).join(" ");
  const rest = args.slice(isWait ? 3 : 2);
  const handler = handlers[name];
  if (!handler) {
    return { stdout: "", stderr: `fake aws: '${args.join(" ")}' is not modelled by tools/workflow-check/test/fake-world/aws.js: model it (from the AWS documentation) or do not call it\n`, exit: 99 };
  }
  try {
    const o = parseArgs(rest, handler.spec, handler.required);
    if (o.query) throw new UsageError("fake aws: --query is not modelled: read the JSON with jq instead");
    if (o.output && !["json"].includes(o.output) && !(name === "ecr get-login-password")) {
      throw new UsageError(`fake aws: --output ${o.output} is not modelled: use --output json and jq`);
    }
    if (o.region && o.region !== world.config.region) {
      // Another region of the same account: an empty one.
      throw new AwsError("UnrecognizedClientException", name, `fake aws: the world models region ${world.config.region} only (got --region ${o.region})`);
    }
    const allowed = world.config.permissions?.[world.config.identity];
    if (allowed && !allowed.includes(handler.action)) {
      const id = world.config.identities[world.config.identity];
      throw new AwsError("AccessDeniedException", name, `User: ${id.arn} is not authorized to perform: ${handler.action}`);
    }
    tick(world);
    runTriggers(world, name);
    const r = handler.run(world, o);
    return { stdout: r.stdout || "", stderr: r.stderr || "", exit: 0, action: handler.action };
  } catch (e) {
    if (e instanceof AwsError || e instanceof WaiterError) return { stdout: "", stderr: `${e.message}\n`, exit: e.exit, action: handler.action };
    if (e instanceof UsageError) return { stdout: "", stderr: e.message.startsWith("\n") ? `${e.message}\n` : `\nusage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\naws: error: ${e.message}\n`, exit: e.exit };
    throw e;
  }
}

module.exports = {
  runAws, settle, tick, handlers, registry, arn, findTaskDefinition, resolveImage, serviceBlocker, databaseProblem,
  defectOf, natInstances, STAGES, AwsError, taskDefinitionArn, serviceKey,
};
