'use strict';
// The exceptions this checker accepts and the findings Trivy is told to
// ignore are the same list, so the two cannot drift:
// - every exception a rule accepts (e.g. SG_NO_PUBLIC_INGRESS allowing the
//   load balancer on 80/443) that mirrors a Trivy check carries, directly
//   above its resource, an inline `#trivy:ignore:<AVD id>` and above that a
//   reason: `# Accepted (<AVD id>, <RULE>): why`;
// - every `#trivy:ignore:` in the configuration sits above a resource whose
//   exception a rule accepts for that Trivy ID (no ignore hides anything
//   else), and no ignore file at the repository root ignores checks for
//   every resource at once.
// Inline comments are Trivy's only per-resource ignore (a .trivyignore(.yaml)
// entry covers a whole file or the whole scan).

const fs = require('fs');
const path = require('path');
const { Finding } = require('../load');

const IGNORE_RE = /^\s*#\s*trivy:ignore:(AVD-AWS-\d{4})(\[[^\]]*\])?\s*$/;
const REASON_RE = /^\s*#\s*Accepted \((AVD-AWS-\d{4}), ([A-Z0-9_]+)\): (\S.*)$/;

// The comment lines directly above a 1-based line: the ignore lines first
// (nearest the resource), then the reason comment above them.
function commentsAbove(lines, line) {
  const ignores = [];
  let i = line - 2;
  while (i >= 0 && IGNORE_RE.test(lines[i])) ignores.push({ id: lines[i].match(IGNORE_RE)[1], line: i + 1 }), i--;
  const reasons = [];
  while (i >= 0 && /^\s*#/.test(lines[i])) {
    const m = lines[i].match(REASON_RE);
    if (m) reasons.push({ id: m[1], rule: m[2], text: m[3] });
    i--;
  }
  return { ignores, reasons };
}

function checkTrivyIgnores(project, accepted) {
  const findings = [];
  const fileLines = new Map();
  const linesOf = (abs) => {
    if (!fileLines.has(abs)) fileLines.set(abs, fs.readFileSync(abs, 'utf8').split('\n'));
    return fileLines.get(abs);
  };

  // 1. Each accepted exception is mirrored, with a reason.
  const covered = new Set(); // "abs:line:id" of the ignores that belong to an accepted exception
  const seen = new Set();
  for (const a of accepted) {
    if (!a.trivy) continue;
    const key = `${a.path}:${a.line}:${a.trivy}:${a.rule}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const { ignores, reasons } = commentsAbove(linesOf(a.path), a.line);
    const ignore = ignores.find((g) => g.id === a.trivy);
    if (!ignore) {
      findings.push(new Finding('TFC-TRIVY', a.file, a.line, `${a.address}: ${a.rule} accepts this (${a.why}), but Trivy would still fail it: put "#trivy:ignore:${a.trivy}" directly above the resource, under a "# Accepted (${a.trivy}, ${a.rule}): <reason>" comment`));
      continue;
    }
    covered.add(`${a.path}:${ignore.line}:${a.trivy}`);
    if (!reasons.some((r) => r.id === a.trivy && r.rule === a.rule)) {
      findings.push(new Finding('TFC-TRIVY', a.file, ignore.line, `${a.address}: the Trivy ignore of ${a.trivy} has no reason: write "# Accepted (${a.trivy}, ${a.rule}): <why>" above it`));
    }
  }

  // 2. No ignore without an accepted exception behind it.
  for (const dir of project.modules.keys()) {
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.tf')).sort()) {
      const abs = path.join(dir, f);
      linesOf(abs).forEach((text, i) => {
        const m = text.match(IGNORE_RE) || text.match(/trivy:ignore:([A-Za-z0-9_-]+)/);
        if (!m) return;
        if (!covered.has(`${abs}:${i + 1}:${m[1]}`)) {
          findings.push(new Finding('TFC-TRIVY', project.rel(abs), i + 1, `"${text.trim()}" ignores a Trivy check that no tfcheck rule accepts here: fix the resource, or accept the exception in the mirroring rule (tools/tfcheck/lib/rules) with its reason`));
        }
      });
    }
  }

  // 3. No blanket ignore file beside the configuration.
  const repo = path.dirname(project.rootDir);
  for (const name of ['.trivyignore', '.trivyignore.yaml']) {
    for (const where of [project.rootDir, repo]) {
      const abs = path.join(where, name);
      if (fs.existsSync(abs)) findings.push(new Finding('TFC-TRIVY', project.rel(abs), 1, `${name} ignores checks for a whole file or scan: accept each exception inline, on its resource (#trivy:ignore:<id> with a reason)`));
    }
  }
  return findings;
}

module.exports = { checkTrivyIgnores, commentsAbove };
