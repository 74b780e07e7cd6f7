"use strict";
// lib/rules.js (the project's workflow rules) and lib/lint.js (actionlint
// with .github/actionlint.yaml applied) on small workflows in a scratch repo.
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawnSync } = require("node:child_process");
const { checkWorkflow, referencedScripts } = require("../lib/rules");
const { createWorkflowLinter } = require("../lib/lint");

const SHA = "11bd71901bbe5b1630ceea73d27597364c9af683";
const AWS_SHA = "b47578312673ae6fa5b5096b330d9fbac3d116df";

function scratchRepo(files = {}) {
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), "rules-"));
  const all = {
    "scripts/test.sh": "#!/bin/sh\n",
    "scripts/smoke-test.sh": "#!/bin/sh\n",
    "Makefile": "build:\n\ttrue\ntest: build\n\ttrue\n",
    ".github/workflows/reusable-aws.yml": `# r\non:\n  workflow_call:\npermissions:\n  contents: read\njobs:\n  d:\n    runs-on: ubuntu-24.04\n    permissions:\n      contents: read\n      id-token: write\n    steps:\n      - uses: aws-actions/configure-aws-credentials@${AWS_SHA} # v4.2.1\n        with:\n          role-to-assume: x\n          aws-region: us-east-1\n`,
    ".github/workflows/not-reusable.yml": "# n\non: push\npermissions:\n  contents: read\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: true\n",
    ...files,
  };
  for (const [f, text] of Object.entries(all)) {
    fs.mkdirSync(path.dirname(path.join(repo, f)), { recursive: true });
    fs.writeFileSync(path.join(repo, f), text);
  }
  return repo;
}

const GOOD = `# what and when
name: good
on: [push]
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@${SHA} # v4.2.2
      - run: ./scripts/test.sh
      - run: |
          make test
          bash scripts/smoke-test.sh "$URL"
  deploy:
    runs-on: ubuntu-24.04
    environment: dev
    concurrency:
      group: aws-dev
      cancel-in-progress: false
    permissions:
      contents: read
      id-token: write
    steps:
      - uses: aws-actions/configure-aws-credentials@${AWS_SHA} # v4.2.1
        with:
          role-to-assume: \${{ vars.ROLE }}
          aws-region: us-east-1
  call:
    permissions:
      contents: read
      id-token: write
    uses: ./.github/workflows/reusable-aws.yml
`;

function rules(text, repo = scratchRepo()) {
  return checkWorkflow("w.yml", text, { repo, configVariables: ["ROLE"] }).map((f) => `${f.rule}@${f.line}: ${f.message}`);
}

test("a workflow that follows every rule has no findings", () => {
  assert.deepEqual(rules(GOOD), []);
});

test("pinned-action: tags, branches, short SHAs and missing version comments are findings", () => {
  const text = GOOD.replace(`actions/checkout@${SHA} # v4.2.2`, "actions/checkout@v4")
    .replace(`configure-aws-credentials@${AWS_SHA} # v4.2.1`, `configure-aws-credentials@${AWS_SHA}`);
  const found = rules(text);
  assert.equal(found.length, 2, found.join("\n"));
  assert.match(found[0], /^pinned-action@10: actions\/checkout@v4: pinned to "v4", not a 40-hex commit SHA/);
  assert.match(found[1], /^pinned-action@25: .*needs a version comment/);
  assert.match(rules(GOOD.replace(`@${SHA}`, "@11bd719"))[0], /not a 40-hex commit SHA/);
  assert.match(rules(GOOD.replace(`actions/checkout@${SHA}`, "actions/checkout"))[0], /no @ref/);
});

test("permissions: top level must be exactly contents: read", () => {
  assert.match(rules(GOOD.replace("permissions:\n  contents: read\njobs", "permissions: write-all\njobs"))[0], /^permissions@4: top-level permissions must be exactly/);
  assert.match(rules(GOOD.replace("permissions:\n  contents: read\njobs", "permissions:\n  contents: read\n  id-token: write\njobs"))[0], /top-level permissions/);
  assert.match(rules(GOOD.replace("permissions:\n  contents: read\njobs", "jobs"))[0], /top-level permissions must be exactly "contents: read", got undefined/);
});

test("id-token: only jobs that assume a role (directly or through a reusable workflow) have it", () => {
  const missing = GOOD.replace("    permissions:\n      contents: read\n      id-token: write\n    steps:\n      - uses: aws-actions", "    steps:\n      - uses: aws-actions");
  assert.match(rules(missing)[0], /^id-token@15: job deploy assumes an AWS role .* lacks "id-token: write"/);
  const extra = GOOD.replace("  test:\n    runs-on: ubuntu-24.04\n", "  test:\n    runs-on: ubuntu-24.04\n    permissions:\n      id-token: write\n");
  assert.match(rules(extra).join("\n"), /id-token@7: job test has "id-token: write" but assumes no AWS role/);
  const callerMissing = GOOD.replace("  call:\n    permissions:\n      contents: read\n      id-token: write\n", "  call:\n");
  assert.match(rules(callerMissing)[0], /job call assumes an AWS role/);
  const callerExtra = GOOD.replace("reusable-aws.yml", "reusable-none.yml");
  const repo = scratchRepo({ ".github/workflows/reusable-none.yml": "# r\non: workflow_call\npermissions:\n  contents: read\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: true\n" });
  assert.match(rules(callerExtra, repo)[0], /job call has "id-token: write" but assumes no AWS role/);
});

test("no-aws-keys: stored keys are refused", () => {
  const text = GOOD.replace("          aws-region: us-east-1\n  call", "          aws-region: us-east-1\n          aws-access-key-id: ${{ secrets.AWS_ACCESS_KEY_ID }}\n  call");
  assert.match(rules(text).join("\n"), /no-aws-keys@29: long-lived AWS keys/);
});

test("script-exists: missing scripts and make targets are findings", () => {
  const text = GOOD.replace("./scripts/test.sh", "./scripts/tests.sh").replace("make test", "make check");
  const found = rules(text);
  assert.equal(found.length, 2, found.join("\n"));
  assert.match(found[0], /script-exists@11: job test, "step 2": scripts\/tests.sh does not exist/);
  assert.match(found[1], /make target "check" does not exist in \./);
  assert.deepEqual(referencedScripts('node tools/x/lib/a.js build; ./.ci/run\nbash scripts/b.sh "$1" # scripts/not-this.sh\n./scripts/$NAME.sh'),
    ["tools/x/lib/a.js", ".ci/run", "scripts/b.sh"]);
});

test("local-workflow: a missing or non-reusable workflow is a finding", () => {
  assert.match(rules(GOOD.replace("reusable-aws.yml", "gone.yml")).join("\n"), /local-workflow@\d+: .\/.github\/workflows\/gone.yml does not exist/);
  assert.match(rules(GOOD.replace("reusable-aws.yml", "not-reusable.yml")).join("\n"), /is not a reusable workflow/);
});

test("environment-concurrency: deploys and applies of an environment share aws-<env> and never cancel", () => {
  assert.match(rules(GOOD.replace("cancel-in-progress: false", "cancel-in-progress: true"))[0],
    /^environment-concurrency@15: job deploy: concurrency group aws-dev must set cancel-in-progress: false/);
  assert.match(rules(GOOD.replace("group: aws-dev", "group: deploy-dev"))[0],
    /^environment-concurrency@15: job deploy changes environment dev: its concurrency group must be aws-dev .* got deploy-dev/);
  assert.match(rules(GOOD.replace("    concurrency:\n      group: aws-dev\n      cancel-in-progress: false\n", ""))[0], /got none/);
  // A job in a reusable workflow names its environment by an input.
  const reusable = GOOD.replace("environment: dev", "environment:\n      name: ${{ inputs.environment }}").replace("group: aws-dev", "group: aws-${{ inputs.environment }}");
  assert.deepEqual(rules(reusable), []);
  // A job without an environment, or one that assumes no role, is free.
  assert.deepEqual(rules(GOOD.replace("group: deploy-dev", "group: x").replace("    environment: dev\n", "").replace("group: aws-dev", "group: anything")), []);
});

const DEPLOYER = "# d\non:\n  workflow_call:\n    inputs:\n      artifacts:\n        type: boolean\npermissions:\n  contents: read\njobs:\n  d:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: ./scripts/deploy.sh --env dev\n";
const TESTS = "# t\non:\n  workflow_call:\n  push:\n    paths-ignore:\n      - \"services/**\"\npermissions:\n  contents: read\njobs:\n  t:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: ./scripts/test.sh\n";
function pipeline(needs, { artifacts = "true", paths = ["services/**"] } = {}) {
  return `# p\non:\n  push:\n    paths:\n${paths.map((p) => `      - "${p}"`).join("\n")}\npermissions:\n  contents: read\njobs:\n  test:\n    uses: ./.github/workflows/tests.yml\n  build:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo build\n  deploy:\n    needs: ${needs}\n    uses: ./.github/workflows/deployer.yml\n    with:\n      artifacts: ${artifacts}\n`;
}

test("deploy-needs-tests: a new build ships only after the test command passed", () => {
  const files = { ".github/workflows/deployer.yml": DEPLOYER, ".github/workflows/tests.yml": TESTS, "scripts/deploy.sh": "#!/bin/sh\n" };
  const repo = scratchRepo(files);
  fs.writeFileSync(path.join(repo, ".github/workflows/pipe.yml"), pipeline("[test, build]"));
  assert.deepEqual(checkWorkflow(".github/workflows/pipe.yml", pipeline("[test, build]"), { repo }).map((f) => f.rule), []);
  const untested = checkWorkflow(".github/workflows/pipe.yml", pipeline("build"), { repo });
  assert.deepEqual(untested.map((f) => f.rule), ["deploy-needs-tests"]);
  assert.match(untested[0].message, /job deploy deploys a new build but needs no job that runs the test command/);
  // Through another job that needs the tests: fine. A rollback (no artifacts): fine.
  const chained = pipeline("[build]").replace("  build:\n    runs-on", "  build:\n    needs: test\n    runs-on");
  assert.deepEqual(checkWorkflow(".github/workflows/pipe.yml", chained, { repo }).map((f) => f.rule), []);
  assert.deepEqual(checkWorkflow(".github/workflows/pipe.yml", pipeline("build", { artifacts: "false" }), { repo }).map((f) => f.rule), []);
  // What the test workflow skips on push must be tested by a caller's push paths.
  assert.deepEqual(checkWorkflow(".github/workflows/tests.yml", TESTS, { repo }).map((f) => f.rule), []);
  fs.writeFileSync(path.join(repo, ".github/workflows/pipe.yml"), pipeline("[test, build]", { paths: ["config/**"] }));
  const gap = checkWorkflow(".github/workflows/tests.yml", TESTS, { repo });
  assert.equal(gap.length, 1);
  assert.match(gap[0].message, /paths-ignore "services\/\*\*": no workflow that calls .* covers it/);
});

const BUILD = (scanSteps) => `# b\non: push\npermissions:\n  contents: read\njobs:\n  build:\n    runs-on: ubuntu-24.04\n    steps:\n      - name: Build\n        uses: docker/build-push-action@263435318d21b8e681c14492fe198d362a7d2c83 # v6.18.0\n        with:\n          platforms: linux/amd64,linux/arm64\n          outputs: type=oci,dest=out/x.oci.tar\n${scanSteps}`;
const SPLIT = "      - run: scripts/ci/oci-platforms.sh split out/x.oci.tar \"$D\" out/layouts linux/amd64 linux/arm64\n";
const TRIVY = (p, extra = "") => `      - name: scan ${p}\n        uses: aquasecurity/trivy-action@57a97c7e7821a5776cebc9bb87c984fa69cba8f1 # v0.35.0\n        with:\n          input: out/layouts/${p}\n          severity: HIGH,CRITICAL\n          exit-code: "1"\n${extra}`;

test("image-scan-platforms: every platform of the deployed archive is scanned, never a rebuild", () => {
  const repo = scratchRepo({ "scripts/ci/oci-platforms.sh": "#!/bin/sh\n" });
  const check = (steps) => checkWorkflow("b.yml", BUILD(steps), { repo }).filter((f) => f.rule === "image-scan-platforms").map((f) => f.message);
  assert.deepEqual(check(SPLIT + TRIVY("linux-amd64") + TRIVY("linux-arm64")), []);
  assert.match(check(SPLIT + TRIVY("linux-amd64")).join("\n"), /no Trivy step fails on HIGH\/CRITICAL in the linux\/arm64 image/);
  assert.match(check(TRIVY("linux-amd64") + TRIVY("linux-arm64")).join("\n"), /never splits it per platform/);
  assert.match(check(SPLIT.replace(" linux/arm64\n", "\n") + TRIVY("linux-amd64") + TRIVY("linux-arm64")).join("\n"), /linux\/arm64 is built but oci-platforms.sh split does not name it/);
  const rebuild = "      - name: Load for scanning\n        uses: docker/build-push-action@263435318d21b8e681c14492fe198d362a7d2c83 # v6.18.0\n        with:\n          load: true\n";
  assert.match(check(SPLIT + rebuild + TRIVY("linux-amd64") + TRIVY("linux-arm64")).join("\n"), /rebuilds the image to scan it/);
  assert.match(check(SPLIT + TRIVY("linux-amd64") + TRIVY("linux-arm64", "          image-ref: scan/x:1\n")).join("\n"), /scans scan\/x:1, not the built archive/);
  assert.match(check(SPLIT + TRIVY("linux-amd64") + TRIVY("linux-arm64").replace('exit-code: "1"', 'exit-code: "0"')).join("\n"), /linux\/arm64 image/);
});

test("workspace-ignored: a cache or tool folder in the workspace must be git-ignored", () => {
  const repo = scratchRepo({ ".gitignore": "/build/\n/.npm-cache/\n" });
  spawnSync("git", ["init", "-q", repo]);
  const wf = (cachePath, env) => `# c\non: push\npermissions:\n  contents: read\njobs:\n  t:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo "${env}" >> "$GITHUB_ENV"\n      - uses: actions/cache@${SHA} # v4.2.3\n        with:\n          path: |\n            ${cachePath}\n            ~/.npm\n          key: k\n`;
  assert.deepEqual(rules(wf("build/ccache", "CCACHE_DIR=$GITHUB_WORKSPACE/.npm-cache"), repo), []);
  const found = rules(wf(".ccache", "CCACHE_DIR=$GITHUB_WORKSPACE/.ccache"), repo);
  assert.equal(found.length, 1);
  assert.match(found[0], /^workspace-ignored@\d+: \.ccache is in the workspace and not git-ignored/);
  assert.match(rules(wf("build", "X=${{ github.workspace }}/cache-dir"), repo).join("\n"), /cache-dir is in the workspace/);
});

test("container-shell: run steps in a container job need a named shell", () => {
  const wf = (extra) => `# c\non: push\npermissions:\n  contents: read\njobs:\n  t:\n    runs-on: ubuntu-24.04\n    container: debian:12\n${extra}    steps:\n      - run: set -o pipefail; true\n`;
  const found = rules(wf(""));
  assert.equal(found.length, 1);
  assert.match(found[0], /^container-shell@\d+: job t runs in a container, where run steps default to sh/);
  assert.deepEqual(rules(wf("    defaults:\n      run:\n        shell: bash\n")), []);
  assert.deepEqual(rules(wf("").replace("      - run: set -o pipefail; true\n", "      - run: set -o pipefail; true\n        shell: bash\n")), []);
});

test("header-comment and vars-declared", () => {
  assert.match(rules(GOOD.replace("# what and when\n", ""))[0], /^header-comment@1/);
  assert.match(rules(GOOD.replace("vars.ROLE", "vars.OTHER"))[0], /vars-declared@\d+: vars.OTHER is not listed/);
});

test("the YAML must parse", () => {
  assert.match(rules("# x\non: push\njobs:\n  a: [\n")[0], /^yaml@/);
});

test("lint: actionlint findings are kept, except the configured runner label and declared vars", async () => {
  const repo = scratchRepo({ ".github/actionlint.yaml": "self-hosted-runner:\n  labels: [ubuntu-24.04]\nconfig-variables: [ROLE]\n" });
  const lint = await createWorkflowLinter(repo);
  assert.deepEqual(lint(GOOD, "w.yml"), []);
  const bad = GOOD.replace("vars.ROLE", "vars.NOPE").replace("runs-on: ubuntu-24.04\n    steps:\n      - uses: actions", "runs-on: ubuntu-99.04\n    steps:\n      - uses: actions")
    .replace("- run: ./scripts/test.sh", "- run: echo ${{ github.nope }}");
  const kinds = lint(bad, "w.yml").map((r) => `${r.kind}@${r.line}`);
  assert.deepEqual(kinds.sort(), ["expression@11", "expression@27", "runner-label@8"].sort());
  const bare = await createWorkflowLinter(scratchRepo());
  assert.equal(bare(GOOD, "w.yml").filter((r) => r.kind === "runner-label").length, 2, "without the config the label is unknown");
});
