"use strict";
// The fake `docker` (login, buildx) and `skopeo` (copy) of the stateful world:
// a push lands in the world's ECR repository, refused like ECR refuses it
// (not logged in, no such repository, an immutable tag that exists).
// A build's digest is buildDigest(repository, tag), so tests can predict it;
// config.defects marks what an image built from a given tag does wrong in the
// fake shop (e.g. { service: "order-service", tag: T, defect: "checkout-500" }).

const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const { registry } = require("./aws");
const { isoTime } = require("./state");

function buildDigest(repository, tag) {
  return `sha256:${crypto.createHash("sha256").update(`${repository}:${tag}`).digest("hex")}`;
}

function push(world, ref, digest) {
  const reg = `${registry(world)}/`;
  if (!ref.startsWith(reg)) return { stderr: `ERROR: failed to push ${ref}: not this account's registry\n`, exit: 1 };
  if (!world.docker.logins.includes(registry(world))) {
    return { stderr: `ERROR: failed to push ${ref}: failed to authorize: failed to fetch oauth token: unexpected status: 401 Unauthorized (no basic auth credentials)\n`, exit: 1 };
  }
  const rest = ref.slice(reg.length);
  const colon = rest.lastIndexOf(":");
  const repoName = rest.slice(0, colon);
  const tag = rest.slice(colon + 1);
  const repo = world.ecr.repositories[repoName];
  if (!repo) return { stderr: `ERROR: failed to push ${ref}: name unknown: The repository with name '${repoName}' does not exist in the registry with id '${world.config.account}'\n`, exit: 1 };
  if (repo.images.some((i) => i.tags.includes(tag))) {
    return { stderr: `ERROR: failed to push ${ref}: tag invalid: The image tag '${tag}' already exists in the '${repoName}' repository and cannot be overwritten because the repository is immutable.\n`, exit: 1 };
  }
  const service = repoName.split("/").pop();
  const defect = (world.config.defects || []).find((d) => d.service === service && d.tag === tag)?.defect || null;
  const existing = repo.images.find((i) => i.digest === digest);
  if (existing) existing.tags.push(tag);
  else repo.images.push({ digest, tags: [tag], pushedAt: isoTime(world), defect });
  return { stdout: `${tag}: digest: ${digest}\n`, exit: 0, digest };
}

function runDocker(world, args, { cwd, stdin }) {
  if (args[0] === "buildx" && args[1] === "version") return { stdout: "github.com/docker/buildx v0.17.1 fake\n", exit: 0 };
  if (args[0] === "login") {
    const i = args.indexOf("--username");
    const server = args[args.length - 1];
    if (i < 0 || !args.includes("--password-stdin")) return { stderr: "fake docker: login without --username/--password-stdin is not modelled\n", exit: 99 };
    if ((stdin || "").trim() !== "fake-ecr-token" || !world.docker.tokenIssued) {
      return { stderr: `Error response from daemon: Get "https://${server}/v2/": denied: Your authorization token has expired. Reauthenticate and try again.\n`, exit: 1 };
    }
    if (!world.docker.logins.includes(server)) world.docker.logins.push(server);
    return { stdout: "Login Succeeded\n", exit: 0 };
  }
  if (args[0] === "buildx" && args[1] === "build") {
    const opt = (name) => {
      const j = args.indexOf(name);
      return j >= 0 ? args[j + 1] : undefined;
    };
    const file = opt("--file");
    const tag = opt("--tag");
    const metadata = opt("--metadata-file");
    if (!args.includes("--push")) return { stderr: "fake docker: buildx build without --push is not modelled\n", exit: 99 };
    if (!file || !fs.existsSync(path.resolve(cwd, file))) return { stderr: `ERROR: failed to solve: failed to read dockerfile: open ${file}: no such file or directory\n`, exit: 1 };
    const colon = tag.lastIndexOf(":");
    const digest = buildDigest(tag.slice(tag.indexOf("/") + 1, colon), tag.slice(colon + 1));
    const r = push(world, tag, digest);
    if (r.exit) return r;
    if (metadata) fs.writeFileSync(metadata, JSON.stringify({ "containerimage.digest": digest, "image.name": tag }));
    return { stdout: "", stderr: `#1 pushing ${tag} with digest ${digest} done\n`, exit: 0 };
  }
  return { stderr: `fake docker: 'docker ${args.join(" ")}' is not modelled by tools/workflow-check/test/fake-world/docker.js\n`, exit: 99 };
}

function runSkopeo(world, args) {
  if (args[0] !== "copy") return { stderr: `fake skopeo: 'skopeo ${args.join(" ")}' is not modelled\n`, exit: 99 };
  const src = args.find((a) => a.startsWith("oci-archive:"));
  const dest = args.find((a) => a.startsWith("docker://"));
  if (!src || !dest || !args.includes("--preserve-digests")) return { stderr: "fake skopeo: only copy --preserve-digests oci-archive:... docker://... is modelled\n", exit: 99 };
  const archive = src.slice("oci-archive:".length);
  if (!fs.existsSync(archive)) return { stderr: `FATA[0000] initializing source oci-archive:${archive}: open ${archive}: no such file or directory\n`, exit: 1 };
  // The archive's index digest: the build job writes it beside the archive.
  const digest = fs.readFileSync(archive.replace(/\.oci\.tar$/, ".digest"), "utf8").trim();
  const r = push(world, dest.slice("docker://".length), digest);
  return r.exit ? { stderr: `FATA[0001] ${r.stderr}`, exit: 1 } : { stdout: "Writing manifest list to image destination\n", exit: 0 };
}

module.exports = { runDocker, runSkopeo, buildDigest };
