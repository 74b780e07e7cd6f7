"use strict";
// The fake `terraform` of the stateful world: init against the S3 backend
// (the bucket must exist), apply that materialises one environment's
// resources in the world with the names of names.js (ECR repositories only
// with -target=module.ecr), output -raw/-json of the root outputs the scripts
// read, destroy. The tfvars are evaluated with tools/tfcheck (the same
// evaluation the offline checks use). Like the real one, apply asks for
// "yes" unless -auto-approve, leaves what exists alone (a second apply adds
// nothing) and never touches a service's task definition or desired count
// (aws_ecs_service ignores both). Failures it copies from AWS:
//   - a resource name another state already owns (RepositoryAlreadyExists,
//     the account's single GitHub OIDC provider: EntityAlreadyExists);
//   - Cost Explorer refuses to activate cost-allocation tags it has never
//     seen on a new account.

const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");
const { nextId, isoTime } = require("./state");
const { names, SERVICES, SECRET_KEYS, INJECTED_SECRETS } = require("./names");
const { registry, arn, taskDefinitionArn, serviceKey, settle } = require("./aws");

const VERSION = "1.12.2";
const GITHUB_OIDC_URL = "token.actions.githubusercontent.com";
const TFCHECK = path.resolve(__dirname, "../../../tfcheck/bin/tfcheck.js");

class TfError extends Error {
  constructor(message, exit = 1) {
    super(`\nError: ${message}\n`);
    this.exit = exit;
  }
}

function parse(args) {
  const o = { chdir: null, cmd: null, rest: [] };
  let i = 0;
  while (i < args.length && args[i].startsWith("-chdir=")) o.chdir = args[i++].slice(7);
  o.cmd = args[i++];
  o.rest = args.slice(i);
  return o;
}

// Flags like -var-file=F, -var K=V / -var=K=V, -target=A, -auto-approve.
function flags(rest) {
  const f = { varFiles: [], vars: {}, targets: [], autoApprove: false, input: true, backendConfig: {}, reconfigure: false, positional: [], raw: false, json: false };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const kv = (s) => {
      const eq = s.indexOf("=");
      if (eq < 0) throw new TfError(`Invalid -var option "${s}": the given -var option must be a variable name, an equals sign, and a value`);
      f.vars[s.slice(0, eq)] = s.slice(eq + 1);
    };
    if (a.startsWith("-var-file=")) f.varFiles.push(a.slice(10));
    else if (a === "-var") kv(rest[++i]);
    else if (a.startsWith("-var=")) kv(a.slice(5));
    else if (a.startsWith("-target=")) f.targets.push(a.slice(8));
    else if (a === "-auto-approve") f.autoApprove = true;
    else if (a === "-input=false") f.input = false;
    else if (a === "-reconfigure") f.reconfigure = true;
    else if (a.startsWith("-backend-config=")) {
      const s = a.slice(16);
      const eq = s.indexOf("=");
      f.backendConfig[s.slice(0, eq)] = s.slice(eq + 1);
    } else if (a === "-raw") f.raw = true;
    else if (a === "-json") f.json = true;
    else if (a === "-no-color" || a === "-compact-warnings") continue;
    else if (a.startsWith("-")) throw new TfError(`fake terraform: flag ${a} is not modelled`, 99);
    else f.positional.push(a);
  }
  return f;
}

function tfvarsOf(world, dir, file) {
  const full = path.resolve(dir, file);
  if (!fs.existsSync(full)) throw new TfError(`Failed to read variables file\n\nGiven variables file ${file} does not exist.`);
  const cached = Object.values(world.config.tfvars).find((v) => v.__file === full);
  if (cached) return cached;
  const r = spawnSync(process.execPath, [TFCHECK, "tfvars-json", full, "--with-defaults"], { encoding: "utf8" });
  if (r.status !== 0) throw new TfError(`fake terraform: tools/tfcheck could not evaluate ${file}: ${r.stderr}`);
  const values = JSON.parse(r.stdout);
  values.__file = full;
  world.config.tfvars[values.environment] = values;
  return values;
}

function backendState(world) {
  const b = world.terraform.backend;
  if (!b) throw new TfError('Backend initialization required, please run "terraform init"\n\nReason: Initial configuration of the requested backend "s3"');
  const bucket = world.s3.buckets[b.bucket];
  if (!bucket) throw new TfError(`Failed to get existing workspaces: S3 bucket "${b.bucket}" does not exist.`);
  return { bucket, key: b.key };
}

function init(world, dir, f) {
  const cfg = f.backendConfig;
  const previous = world.terraform.backend;
  const wanted = { bucket: cfg.bucket || previous?.bucket, key: cfg.key || previous?.key, region: cfg.region || previous?.region };
  if (!wanted.bucket || !wanted.key) throw new TfError('"bucket": required field is not set');
  if (previous && !f.reconfigure && (previous.bucket !== wanted.bucket || previous.key !== wanted.key)) {
    throw new TfError('Backend configuration changed\n\nA change in the backend configuration has been detected, which may require migrating existing state.\nIf you wish to attempt automatic migration of the state, use "terraform init -migrate-state".\nIf you wish to store the current configuration with no changes to the state, use "terraform init -reconfigure".');
  }
  const bucket = world.s3.buckets[wanted.bucket];
  if (!bucket || bucket.owner !== world.config.account) {
    throw new TfError(`Failed to get existing workspaces: S3 bucket "${wanted.bucket}" does not exist.\n\nThe referenced S3 bucket must have been previously created.`);
  }
  world.terraform.backend = wanted;
  return { stdout: "\nInitializing the backend...\n\nSuccessfully configured the backend \"s3\"!\n\nTerraform has been successfully initialized!\n" };
}

// ---- materialising an environment ---------------------------------------------------------

function apply(world, dir, f, stdin) {
  const { bucket, key } = backendState(world);
  if (!f.varFiles.length) throw new TfError("fake terraform: apply without -var-file is not modelled (the scripts always pass envs/<env>.tfvars)", 99);
  const values = { ...tfvarsOf(world, dir, f.varFiles[f.varFiles.length - 1]), ...f.vars };
  const env = values.environment;
  const state = bucket.objects[key] || { environment: env, serial: 0, resources: [], outputs: {} };
  if (state.environment !== env) {
    throw new TfError(`fake terraform: the state ${key} holds environment ${state.environment}, but the variables are ${env}'s: this apply would replace one environment with the other`, 98);
  }
  if (values.state_bucket && values.state_bucket !== world.terraform.backend.bucket) {
    throw new TfError(`fake terraform: -var state_bucket=${values.state_bucket} is not the backend's bucket ${world.terraform.backend.bucket}`, 98);
  }
  if (!f.autoApprove) {
    const answer = (stdin || "").split("\n")[0].trim();
    if (answer !== "yes") return { stdout: "\nDo you want to perform these actions?\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: \nApply cancelled.\n", exit: 1 };
  }
  const only = f.targets.length ? f.targets : null;
  if (only && only.some((t) => t !== "module.ecr")) throw new TfError(`fake terraform: -target=${only.join(",")} is not modelled (only module.ecr)`, 99);
  const owner = `${world.terraform.backend.bucket}/${key}`;
  const n = names(env, values.project);
  let added = 0;
  const created = (kind, id) => {
    state.resources.push({ kind, id });
    added += 1;
  };
  const has = (kind, id) => state.resources.some((r) => r.kind === kind && r.id === id);

  // ECR (module.ecr)
  for (const s of SERVICES) {
    const repo = n.repository(s);
    if (has("ecr", repo)) continue;
    if (world.ecr.repositories[repo]) {
      throw new TfError(`creating ECR Repository (${repo}): operation error ECR: CreateRepository, RepositoryAlreadyExistsException: The repository with name '${repo}' already exists in the registry with id '${world.config.account}'`);
    }
    world.ecr.repositories[repo] = { arn: arn(world, "ecr", `repository/${repo}`), images: [], owner };
    created("ecr", repo);
  }
  if (only) {
    bucket.objects[key] = { ...state, serial: state.serial + (added ? 1 : 0) };
    return { stdout: `\nApply complete! Resources: ${added} added, 0 changed, 0 destroyed.\n\nWarning: Resource targeting is in effect\n` };
  }

  // The account-wide resources: the GitHub OIDC provider and the cost-allocation tags.
  const providerArn = `arn:aws:iam::${world.config.account}:oidc-provider/${GITHUB_OIDC_URL}`;
  if (values.create_github_oidc_provider !== false) {
    if (!has("oidc", providerArn)) {
      if (world.iam.oidcProviders[providerArn]) {
        throw new TfError(`creating IAM OIDC Provider: operation error IAM: CreateOpenIDConnectProvider, EntityAlreadyExists: Provider with url https://${GITHUB_OIDC_URL} already exists.`);
      }
      world.iam.oidcProviders[providerArn] = { owner };
      created("oidc", providerArn);
    }
  } else if (!world.iam.oidcProviders[values.existing_github_oidc_provider_arn || providerArn]) {
    throw new TfError(`reading IAM OIDC Provider (${values.existing_github_oidc_provider_arn || providerArn}): NoSuchEntity: OpenIDConnect Provider not found`);
  }
  if (values.activate_cost_allocation_tags === true && !world.config.costTagsSeen) {
    throw new TfError("updating Cost Allocation Tag (Environment): operation error Cost Explorer: UpdateCostAllocationTagsStatus, ValidationException: Failed to update Cost Allocation Tag: Tag keys not found: Environment, Project, Service (a tag key can be activated only after AWS has seen it on a resource in the billing data, up to 24 hours after it is first used)");
  }

  // Network
  if (!world.ec2.vpcs[env]) {
    const azs = values.availability_zone_count || 2;
    world.ec2.vpcs[env] = {
      vpcId: nextId(world, "vpc-"),
      publicSubnets: Array.from({ length: azs }, () => nextId(world, "subnet-")),
      appSubnets: Array.from({ length: azs }, () => nextId(world, "subnet-")),
      taskSecurityGroup: nextId(world, "sg-"),
      albSecurityGroup: nextId(world, "sg-"),
      owner,
    };
    created("vpc", env);
    if (values.nat_strategy === "instance") {
      const id = nextId(world, "i-");
      world.ec2.instances[id] = { state: "running", tags: { Name: n.natInstanceTag, Environment: env }, transition: null, owner };
      created("nat-instance", id);
    }
  }
  const vpc = world.ec2.vpcs[env];

  // Secrets: created with a first random value (Terraform seeds them at apply).
  const secretArn = (name) => arn(world, "secretsmanager", `secret:${name}-${crypto.createHash("sha256").update(name).digest("hex").slice(0, 6)}`);
  const secretNames = [];
  for (const [s, keys] of Object.entries(SECRET_KEYS)) for (const k of keys) secretNames.push(n.secret(s, k));
  const masterSecret = `rds!db-${crypto.createHash("sha256").update(owner).digest("hex").slice(0, 12)}`;
  for (const name of [...secretNames, masterSecret]) {
    if (has("secret", name)) continue;
    if (world.secrets.byName[name]) throw new TfError(`creating Secrets Manager Secret (${name}): ResourceExistsException: The operation failed because the secret ${name} already exists.`);
    const value = name === masterSecret ? JSON.stringify({ username: "postgres", password: crypto.randomBytes(16).toString("hex") }) : crypto.randomBytes(24).toString("hex");
    const versionId = crypto.randomUUID();
    // aws-seed-secret.sh labels the first value AWSPREVIOUS too (the task definitions name that stage).
    const stages = name === masterSecret ? ["AWSCURRENT"] : ["AWSCURRENT", "AWSPREVIOUS"];
    world.secrets.byName[name] = { arn: secretArn(name), value, versionId, createdAt: isoTime(world), owner,
      versions: [{ id: versionId, value, stages, createdAt: isoTime(world) }] };
    created("secret", name);
  }

  // Database
  if (!has("rds", n.dbInstance)) {
    if (world.rds.instances[n.dbInstance]) throw new TfError(`creating RDS DB Instance (${n.dbInstance}): DBInstanceAlreadyExists: DB instance already exists`);
    world.rds.instances[n.dbInstance] = { status: "available", initialised: false, instanceClass: values.db_instance_class, multiAz: values.db_multi_az, transition: null, owner };
    created("rds", n.dbInstance);
  }

  // IAM roles
  for (const role of [n.deployRole, n.planRole, n.applyRole, n.rotateRole]) {
    if (has("role", role)) continue;
    if (world.iam.roles[role]) throw new TfError(`creating IAM Role (${role}): EntityAlreadyExists: Role with name ${role} already exists.`);
    world.iam.roles[role] = { arn: `arn:aws:iam::${world.config.account}:role/${role}`, owner };
    created("role", role);
  }

  // ECS: cluster, task definition templates, services, scaling targets
  if (!has("cluster", n.cluster)) {
    if (world.ecs.clusters[n.cluster]) throw new TfError(`creating ECS Cluster (${n.cluster}): already exists`);
    world.ecs.clusters[n.cluster] = { environment: env, arn: arn(world, "ecs", `cluster/${n.cluster}`), owner };
    created("cluster", n.cluster);
  }
  const imageTag = values.image_tag || "bootstrap";
  const registerTemplate = (family, body) => {
    const revisions = (world.ecs.taskDefinitions[family] ||= []);
    const latest = [...revisions].reverse().find((r) => r.status === "ACTIVE" && r.template);
    if (latest && JSON.stringify(latest.body) === JSON.stringify(body)) return latest;
    const revision = revisions.length ? revisions[revisions.length - 1].revision + 1 : 1;
    const td = { revision, status: "ACTIVE", body, registeredAt: isoTime(world), registeredBy: "terraform", template: true };
    revisions.push(td);
    added += latest ? 0 : 1;
    return td;
  };
  const executionRole = (s) => `arn:aws:iam::${world.config.account}:role/${n.name}-${s}-execution`;
  for (const s of SERVICES) {
    const secrets = Object.entries(INJECTED_SECRETS[s] || {}).map(([k, [owner, key, stage]]) => ({
      name: k, valueFrom: world.secrets.byName[n.secret(owner, key)].arn + (stage ? `::${stage}:` : ""),
    }));
    const body = {
      family: n.family(s),
      taskRoleArn: `arn:aws:iam::${world.config.account}:role/${n.name}-${s}-task`,
      executionRoleArn: executionRole(s),
      networkMode: "awsvpc",
      requiresCompatibilities: ["FARGATE"],
      cpu: String(values.services?.[s]?.cpu ?? 256),
      memory: String(values.services?.[s]?.memory ?? 512),
      runtimePlatform: { cpuArchitecture: values.cpu_architecture || "ARM64", operatingSystemFamily: "LINUX" },
      containerDefinitions: [{
        name: s,
        image: `${registry(world)}/${n.repository(s)}:${imageTag}`,
        essential: true,
        readonlyRootFilesystem: true,
        portMappings: [{ name: "http", containerPort: 8080, protocol: "tcp" }],
        secrets,
      }],
    };
    const td = registerTemplate(n.family(s), body);
    const k = serviceKey(n.cluster, s);
    if (!world.ecs.services[k] || world.ecs.services[k].status !== "ACTIVE") {
      world.ecs.services[k] = {
        cluster: n.cluster,
        serviceName: s,
        status: "ACTIVE",
        desiredCount: values.services?.[s]?.desired_count ?? 1,
        runningCount: 0,
        changedAt: world.t,
        taskDefinition: taskDefinitionArn(world, n.family(s), td.revision),
        serving: taskDefinitionArn(world, n.family(s), td.revision),
        bakeMinutes: values.blue_green_bake_minutes ?? 1,
        subnets: vpc.appSubnets,
        securityGroups: [vpc.taskSecurityGroup],
        events: [],
        owner,
      };
      created("service", k);
      const resourceId = `service/${n.cluster}/${s}`;
      world.aas.targets[resourceId] = {
        ServiceNamespace: "ecs",
        ResourceId: resourceId,
        ScalableDimension: "ecs:service:DesiredCount",
        MinCapacity: values.services?.[s]?.min_count ?? 1,
        MaxCapacity: values.services?.[s]?.max_count ?? 2,
        SuspendedState: { DynamicScalingInSuspended: false, DynamicScalingOutSuspended: false, ScheduledScalingSuspended: false },
        ScalableTargetARN: arn(world, "application-autoscaling", `scalable-target/${nextId(world, "0e", 30)}`),
      };
      created("scalable-target", resourceId);
    }
  }
  registerTemplate(n.dbInitFamily, {
    family: n.dbInitFamily,
    executionRoleArn: executionRole("db-init"),
    networkMode: "awsvpc",
    requiresCompatibilities: ["FARGATE"],
    cpu: "256",
    memory: "512",
    containerDefinitions: [{
      name: "db-init",
      image: "public.ecr.aws/docker/library/postgres:16",
      essential: true,
      secrets: [
        { name: "CATALOG_PASSWORD", valueFrom: world.secrets.byName[n.secret("product-service", "PGPASSWORD")].arn },
        { name: "ORDERS_PASSWORD", valueFrom: world.secrets.byName[n.secret("order-service", "PGPASSWORD")].arn },
        { name: "PGPASSWORD", valueFrom: `${world.secrets.byName[masterSecret].arn}:password::` },
        { name: "PGUSER", valueFrom: `${world.secrets.byName[masterSecret].arn}:username::` },
      ],
    }],
  });

  state.outputs = {
    url: world.config.urls[env] || `http://${n.name}-alb-1234567890.${world.config.region}.elb.amazonaws.com`,
    ecs_cluster_name: n.cluster,
    db_init_run_task_command: `aws ecs run-task --cluster ${n.cluster} --task-definition ${n.dbInitFamily} --launch-type FARGATE ` +
      `--network-configuration 'awsvpcConfiguration={subnets=[${vpc.appSubnets.join(",")}],securityGroups=[${vpc.taskSecurityGroup}],assignPublicIp=DISABLED}'`,
    github_deploy_role_arn: world.iam.roles[n.deployRole].arn,
    github_plan_role_arn: world.iam.roles[n.planRole].arn,
    github_apply_role_arn: world.iam.roles[n.applyRole].arn,
    github_rotate_role_arn: world.iam.roles[n.rotateRole].arn,
    ecr_repository_names: Object.fromEntries(SERVICES.map((s) => [s, n.repository(s)])),
    admin_api_key_secret_arn: world.secrets.byName[n.adminKeySecret].arn,
    vpc_id: vpc.vpcId,
    public_subnet_ids: vpc.publicSubnets,
    app_subnet_ids: vpc.appSubnets,
    task_security_group_id: vpc.taskSecurityGroup,
    alb_security_group_id: vpc.albSecurityGroup,
  };
  bucket.objects[key] = { ...state, serial: state.serial + (added ? 1 : 0) };
  settle(world);
  return { stdout: `\nApply complete! Resources: ${added} added, 0 changed, 0 destroyed.\n` };
}

function output(world, f) {
  const { bucket, key } = backendState(world);
  const outputs = bucket.objects[key]?.outputs || {};
  const name = f.positional[0];
  if (!name) {
    if (f.json) return { stdout: JSON.stringify(Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, { sensitive: false, type: typeof v === "string" ? "string" : "dynamic", value: v }])), null, 2) + "\n" };
    throw new TfError("fake terraform: output without -raw/-json is not modelled", 99);
  }
  if (!(name in outputs)) throw new TfError(`Output "${name}" not found\n\nThe output variable requested could not be found in the state file. If you recently added this to your configuration, be sure to run \`terraform apply\`, since the state won't be updated with new output variables until that command is run.`);
  const v = outputs[name];
  if (f.raw) {
    if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") {
      throw new TfError(`Unsupported value for raw output\n\nThe -raw option only supports strings, numbers, and boolean values, but output value "${name}" is ${Array.isArray(v) ? "tuple" : "object"}.`);
    }
    return { stdout: String(v) };
  }
  if (f.json) return { stdout: JSON.stringify(v) + "\n" };
  throw new TfError("fake terraform: output without -raw/-json is not modelled", 99);
}

function destroy(world, dir, f, stdin) {
  const { bucket, key } = backendState(world);
  const state = bucket.objects[key];
  if (!f.autoApprove && (stdin || "").split("\n")[0].trim() !== "yes") return { stdout: "\nDestroy cancelled.\n", exit: 1 };
  if (!state) return { stdout: "\nNo changes. No objects need to be destroyed.\n\nDestroy complete! Resources: 0 destroyed.\n" };
  const owner = `${world.terraform.backend.bucket}/${key}`;
  const env = state.environment;
  const db = world.rds.instances[names(env).dbInstance];
  if (db && db.owner === owner && world.config.tfvars[env]?.db_deletion_protection) {
    throw new TfError(`deleting RDS DB Instance (${names(env).dbInstance}): InvalidParameterCombination: Cannot delete protected DB Instance, please disable deletion protection and try again.`);
  }
  const drop = (map) => {
    for (const [k, v] of Object.entries(map)) if (v && v.owner === owner) delete map[k];
  };
  for (const map of [world.ecr.repositories, world.ecs.clusters, world.ecs.services, world.rds.instances, world.ec2.instances,
    world.ec2.vpcs, world.secrets.byName, world.iam.roles, world.iam.oidcProviders]) drop(map);
  const n = names(env);
  for (const s of SERVICES) {
    delete world.aas.targets[`service/${n.cluster}/${s}`];
    for (const td of world.ecs.taskDefinitions[n.family(s)] || []) td.status = "INACTIVE";
  }
  const count = state.resources.length;
  delete bucket.objects[key];
  return { stdout: `\nDestroy complete! Resources: ${count} destroyed.\n` };
}

// state list: the addresses of the state's resources (those the scripts look for).
function stateList(world, f) {
  if (f.positional[0] !== "list") throw new TfError(`fake terraform: state ${f.positional[0]} is not modelled`, 99);
  const { bucket, key } = backendState(world);
  const state = bucket.objects[key];
  const address = { oidc: () => "module.github_oidc.aws_iam_openid_connect_provider.github[0]", ecr: (id) => `module.ecr.aws_ecr_repository.this["${id}"]`,
    rds: () => "module.rds.aws_db_instance.this", cluster: () => "module.ecs.aws_ecs_cluster.this", service: (id) => `module.ecs.aws_ecs_service.this["${id.split("/")[1]}"]` };
  const lines = (state?.resources || []).filter((r) => address[r.kind]).map((r) => address[r.kind](r.id));
  return { stdout: lines.length ? `${lines.join("\n")}\n` : "" };
}

// runTerraform(world, args, { cwd, stdin }): { stdout, stderr, exit }.
function runTerraform(world, args, { cwd, stdin }) {
  const o = parse(args);
  const dir = path.resolve(cwd, o.chdir || ".");
  try {
    if (o.cmd === "version") {
      const f = flags(o.rest);
      return { stdout: f.json ? JSON.stringify({ terraform_version: VERSION, platform: "linux_amd64", provider_selections: {}, terraform_outdated: false }, null, 2) + "\n" : `Terraform v${VERSION}\non linux_amd64\n`, exit: 0 };
    }
    if (!fs.existsSync(path.join(dir, "main.tf"))) throw new TfError(`No configuration files\n\nthe directory ${dir} has no main.tf`);
    const f = flags(o.rest);
    let r;
    switch (o.cmd) {
      case "init": r = init(world, dir, f); break;
      case "apply": r = apply(world, dir, f, stdin); break;
      case "output": r = output(world, f); break;
      case "destroy": r = destroy(world, dir, f, stdin); break;
      case "state": r = stateList(world, f); break;
      default:
        throw new TfError(`fake terraform: '${args.join(" ")}' is not modelled by tools/workflow-check/test/fake-world/terraform.js`, 99);
    }
    return { stdout: r.stdout, stderr: "", exit: r.exit || 0 };
  } catch (e) {
    if (e instanceof TfError) return { stdout: "", stderr: e.message, exit: e.exit };
    throw e;
  }
}

module.exports = { runTerraform, VERSION, GITHUB_OIDC_URL };
