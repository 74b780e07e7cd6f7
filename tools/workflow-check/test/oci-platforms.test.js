"use strict";
// scripts/ci/oci-platforms.sh: the build job scans every platform of the
// archive it deploys. Archives here are real OCI image layouts in tar files
// (blobs named by their sha256), built like buildx's type=oci output.
const { test } = require("node:test");
const assert = require("node:assert/strict");
const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawnSync } = require("node:child_process");
const { REPO } = require("./helpers");

const SCRIPT = path.join(REPO, "scripts/ci/oci-platforms.sh");
const INDEX = "application/vnd.oci.image.index.v1+json";
const MANIFEST = "application/vnd.oci.image.manifest.v1+json";

function sha(buf) {
  return "sha256:" + crypto.createHash("sha256").update(buf).digest("hex");
}

// An OCI layout in a new folder: one image per platform, an index over them,
// index.json naming the index. Returns { dir, digest, manifests }.
function layout(platforms, { attestation = false } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "oci-"));
  const blobs = path.join(dir, "blobs", "sha256");
  fs.mkdirSync(blobs, { recursive: true });
  const put = (content) => {
    const buf = Buffer.from(typeof content === "string" ? content : JSON.stringify(content));
    const digest = sha(buf);
    fs.writeFileSync(path.join(blobs, digest.slice(7)), buf);
    return { digest, size: buf.length };
  };
  const manifests = platforms.map((p) => {
    const [osName, arch, variant] = p.split("/");
    const layer = put(`layer of ${p}`);
    const config = put({ architecture: arch, os: osName, rootfs: { type: "layers", diff_ids: [layer.digest] } });
    const m = put({
      schemaVersion: 2, mediaType: MANIFEST,
      config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config },
      layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", ...layer }],
    });
    const platform = { os: osName, architecture: arch, ...(variant ? { variant } : {}) };
    return { mediaType: MANIFEST, ...m, platform };
  });
  const entries = [...manifests];
  if (attestation) {
    const att = put({ schemaVersion: 2, mediaType: MANIFEST, layers: [] });
    entries.push({ mediaType: MANIFEST, ...att, platform: { os: "unknown", architecture: "unknown" },
      annotations: { "vnd.docker.reference.type": "attestation-manifest", "vnd.docker.reference.digest": manifests[0].digest } });
  }
  const index = put({ schemaVersion: 2, mediaType: INDEX, manifests: entries });
  fs.writeFileSync(path.join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  fs.writeFileSync(path.join(dir, "index.json"), JSON.stringify({ schemaVersion: 2, mediaType: INDEX, manifests: [{ mediaType: INDEX, ...index }] }));
  return { dir, digest: index.digest, manifests };
}

function archive(lay) {
  const tarFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "oci-tar-")), "image.oci.tar");
  const r = spawnSync("tar", ["-cf", tarFile, "-C", lay.dir, "."], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return tarFile;
}

function run(...args) {
  return spawnSync("bash", [SCRIPT, ...args], { encoding: "utf8" });
}

test("split writes one layout per platform, each naming that platform's manifest", () => {
  const lay = layout(["linux/amd64", "linux/arm64"], { attestation: true });
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "oci-out-"));
  const r = run("split", archive(lay), lay.digest, out, "linux/amd64", "linux/arm64");
  assert.equal(r.status, 0, r.stderr);
  for (const m of lay.manifests) {
    const name = `${m.platform.os}-${m.platform.architecture}`;
    const idx = JSON.parse(fs.readFileSync(path.join(out, name, "index.json"), "utf8"));
    assert.equal(idx.manifests.length, 1);
    assert.equal(idx.manifests[0].digest, m.digest);
    assert.equal(idx.manifests[0].mediaType, MANIFEST);
    assert.deepEqual(idx.manifests[0].platform, m.platform);
    // The layout is complete: the manifest, its config and its layer are there.
    const manifest = JSON.parse(fs.readFileSync(path.join(out, name, "blobs/sha256", m.digest.slice(7)), "utf8"));
    for (const d of [manifest.config.digest, ...manifest.layers.map((l) => l.digest)]) {
      assert.ok(fs.existsSync(path.join(out, name, "blobs/sha256", d.slice(7))), `${name} lacks ${d}`);
    }
    assert.ok(fs.existsSync(path.join(out, name, "oci-layout")));
  }
  assert.ok(fs.statSync(path.join(out, "sbom")).isDirectory());
  assert.match(r.stdout, /linux\/arm64 sha256:[0-9a-f]{64} -> /);
});

test("list names the platforms and their manifests; arm64/v8 is arm64", () => {
  const lay = layout(["linux/amd64", "linux/arm64/v8"]);
  const r = run("list", archive(lay));
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split("\n"), [
    `linux/amd64 ${lay.manifests[0].digest}`,
    `linux/arm64 ${lay.manifests[1].digest}`,
  ]);
});

test("an archive that is not the built digest is refused", () => {
  const lay = layout(["linux/amd64", "linux/arm64"]);
  const other = "sha256:" + "0".repeat(64);
  const r = run("split", archive(lay), other, fs.mkdtempSync(path.join(os.tmpdir(), "o-")), "linux/amd64", "linux/arm64");
  assert.equal(r.status, 1);
  assert.match(r.stderr, /not the built digest/);
});

test("a built platform that is not scanned fails, and so does a scanned one that was not built", () => {
  const lay = layout(["linux/amd64", "linux/arm64"]);
  const tarFile = archive(lay);
  let r = run("split", tarFile, lay.digest, fs.mkdtempSync(path.join(os.tmpdir(), "o-")), "linux/amd64");
  assert.equal(r.status, 1);
  assert.match(r.stderr, /also holds linux\/arm64, which is not scanned/);
  r = run("split", tarFile, lay.digest, fs.mkdtempSync(path.join(os.tmpdir(), "o-")), "linux/amd64", "linux/arm64", "linux/s390x");
  assert.equal(r.status, 1);
  assert.match(r.stderr, /has no linux\/s390x image/);
});

test("a blob whose content does not match its digest is refused", () => {
  const lay = layout(["linux/amd64", "linux/arm64"]);
  const m = lay.manifests[1];
  fs.appendFileSync(path.join(lay.dir, "blobs/sha256", m.digest.slice(7)), " ");
  const r = run("split", archive(lay), lay.digest, fs.mkdtempSync(path.join(os.tmpdir(), "o-")), "linux/amd64", "linux/arm64");
  assert.equal(r.status, 1);
  assert.match(r.stderr, /has the content of/);
});

test("a single-platform image and a file that is not an archive are refused with a reason", () => {
  const lay = layout(["linux/amd64"]);
  const idx = JSON.parse(fs.readFileSync(path.join(lay.dir, "index.json"), "utf8"));
  idx.manifests = [{ ...lay.manifests[0] }];
  fs.writeFileSync(path.join(lay.dir, "index.json"), JSON.stringify(idx));
  let r = run("split", archive(lay), lay.manifests[0].digest, fs.mkdtempSync(path.join(os.tmpdir(), "o-")), "linux/amd64");
  assert.equal(r.status, 1);
  assert.match(r.stderr, /not a multi-platform index/);
  const junk = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "o-")), "junk.tar");
  fs.writeFileSync(junk, "not a tar");
  r = run("list", junk);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /not a tar archive/);
});
