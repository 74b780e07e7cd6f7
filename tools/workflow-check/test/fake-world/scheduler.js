"use strict";
// What the FinOps scheduler Lambda (functions/scheduler) does to the world at
// its stop and start times, step for step as its runner.py does (stop:
// remember each running service's desired count in SSM, suspend its
// Application Auto Scaling, set it to 0; stop RDS if available; stop the NAT
// instance. start: NAT, RDS waited until available, counts restored, scaling
// resumed). The scenario tests use it to make "the evening" and "the morning".

const { names } = require("./names");
const { settle, natInstances } = require("./aws");

const FLAGS = ["DynamicScalingInSuspended", "DynamicScalingOutSuspended", "ScheduledScalingSuspended"];

function services(world, n) {
  return Object.values(world.ecs.services).filter((s) => s.cluster === n.cluster && s.status === "ACTIVE");
}

function scheduledStop(world, environment) {
  const n = names(environment);
  for (const svc of services(world, n)) {
    const target = world.aas.targets[`service/${n.cluster}/${svc.serviceName}`];
    if (svc.desiredCount > 0) {
      world.ssm.parameters[`${n.schedulerPrefix}/${svc.serviceName}`] = {
        value: String(svc.desiredCount), type: "String", version: 1,
        description: `Desired count of ECS service ${svc.serviceName} before the scheduled stop`,
      };
    }
    if (target) for (const f of FLAGS) target.SuspendedState[f] = true;
    svc.desiredCount = 0;
    svc.runningCount = 0;
    svc.changedAt = world.t;
  }
  const db = world.rds.instances[n.dbInstance];
  if (db && db.status === "available") db.status = "stopped";
  for (const [, i] of natInstances(world, environment)) if (i.state === "running") i.state = "stopped";
  settle(world);
}

function scheduledStart(world, environment) {
  const n = names(environment);
  for (const [, i] of natInstances(world, environment)) if (i.state === "stopped") i.state = "running";
  const db = world.rds.instances[n.dbInstance];
  if (db && db.status === "stopped") db.status = "available";
  for (const svc of services(world, n)) {
    const remembered = Number(world.ssm.parameters[`${n.schedulerPrefix}/${svc.serviceName}`]?.value || 0);
    if (svc.desiredCount === 0 && remembered > 0) {
      svc.desiredCount = remembered;
      svc.changedAt = world.t - 30;
    }
    const target = world.aas.targets[`service/${n.cluster}/${svc.serviceName}`];
    if (target) for (const f of FLAGS) target.SuspendedState[f] = false;
  }
  settle(world);
}

// What an environment looks like, for end-state assertions.
function snapshot(world, environment) {
  const n = names(environment);
  const db = world.rds.instances[n.dbInstance];
  return {
    services: Object.fromEntries(services(world, n).map((s) => [s.serviceName, {
      desired: s.desiredCount,
      running: s.runningCount,
      taskDefinition: s.taskDefinition.split("/").pop(),
      serving: s.serving.split("/").pop(),
      scalingSuspended: Object.values(world.aas.targets[`service/${n.cluster}/${s.serviceName}`]?.SuspendedState || {}).every(Boolean),
    }])),
    database: db ? db.status : null,
    nat: natInstances(world, environment).map(([, i]) => i.state),
    remembered: Object.fromEntries(Object.entries(world.ssm.parameters)
      .filter(([k]) => k.startsWith(`${n.schedulerPrefix}/`)).map(([k, p]) => [k.split("/").pop(), Number(p.value)])),
  };
}

// Lets time pass until nothing is in transition (stopping -> stopped, ...).
function letTimePass(world, seconds = 900) {
  world.t += seconds;
  settle(world);
}

module.exports = { scheduledStop, scheduledStart, snapshot, letTimePass };
