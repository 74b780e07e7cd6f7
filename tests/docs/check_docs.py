#!/usr/bin/python3
"""The documentation check (ctest label `docs`).

For README.md and every docs/**/*.md:
  links     relative links and images resolve to files of the repository;
            #anchors resolve to a heading (GitHub's slugs) or an explicit
            <a id/name> of the target page
  mermaid   every ```mermaid block parses with mermaid's own parser (Node,
            tools/devtools: mermaid + jsdom; `run.sh mermaid-parse`)
  commands  every repository path named in a shell code block (```sh, bash,
            shell, console) exists: ./scripts/..., tools/..., terraform/... ;
            a path run as a command (./scripts/x.sh) is executable
and for single pages:
  docs/security.md        every row of the checklist names a proof, and every
                          proof exists: `tfcheck:RULE_ID` (tools/tfcheck rule),
                          `workflow-check:rule` (tools/workflow-check rule),
                          `FILE::NAME` (a test NAME defined in FILE: pytest
                          function, GoogleTest Suite.Name, node test title,
                          terraform test run block, libFuzzer target
                          LLVMFuzzerTestOneInput); in table rows only
  docs/talking-points.md  every number appears in bench/RESULTS.md or in the
                          output of the cost model commands of COSTMODEL_RUNS
  docs/architecture.md, README.md  every measured figure (a decimal or a
                          thousands number in ms, MiB, req/s or orders/s)
                          appears in bench/RESULTS.md
  docs/cost-optimization.md, observability.md, architecture.md, ci-cd.md,
  security.md, README.md, terraform/**/README.md, the comments of terraform/envs/*.tfvars
                          every dollar amount appears in the cost model's
                          output or in its tests (tools/costmodel/tests), so
                          a figure the page shows is one a test checks
  docs/lessons-learned.md every ### entry names a commit of this repository
                          (`commit `abc1234``) that exists; every `FILE::NAME`
                          test it names exists; every number appears in the
                          messages of the commits the page cites, in
                          bench/RESULTS.md or in the cost model's output

Usage: check_docs.py [--only links,mermaid,commands,security,numbers,lessons]
Prints one line per finding and "N passed, M failed" (one check per page and
kind); exits 1 on any finding. ECOM_BUILD_DIR names the build folder with
tools/costmodel/costmodel (default build/release).
"""

import glob
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field

ROOT = os.environ.get("ECOM_SOURCE_DIR") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD_DIR = os.environ.get("ECOM_BUILD_DIR") or os.path.join(ROOT, "build", "release")

SHELL_LANGS = {"sh", "bash", "shell", "console", "shell-session"}

# The cost model runs whose output a figure of talking-points.md may come
# from (arguments relative to the repository root). Dev counts the account's
# CloudWatch free tier; prod is at list prices (--no-free-tier), as the docs say.
COSTMODEL_RUNS = [
    ["estimate", "--plan", "tools/costmodel/fixtures/plan-dev.json", "--tfvars", "tools/costmodel/fixtures/tfvars-dev.json",
     "--usage", "tools/costmodel/fixtures/usage-dev.json"],
    ["estimate", "--plan", "tools/costmodel/fixtures/plan-dev.json", "--tfvars", "tools/costmodel/fixtures/tfvars-dev.json",
     "--usage", "tools/costmodel/fixtures/usage-dev.json", "--schedule", "24x7"],
    ["estimate", "--plan", "tools/costmodel/fixtures/plan-dev.json", "--tfvars", "tools/costmodel/fixtures/tfvars-dev.json",
     "--usage", "tools/costmodel/fixtures/usage-dev.json", "--no-free-tier"],
    ["estimate", "--plan", "tools/costmodel/fixtures/plan-prod.json", "--tfvars", "tools/costmodel/fixtures/tfvars-prod.json",
     "--usage", "tools/costmodel/fixtures/usage-prod.json", "--no-free-tier"],
    ["what-if", "--tfvars", "tools/costmodel/fixtures/tfvars-dev.json", "--usage", "tools/costmodel/fixtures/usage-dev.json"],
    ["what-if", "--tfvars", "tools/costmodel/fixtures/tfvars-dev.json", "--usage", "tools/costmodel/fixtures/usage-dev.json",
     "--weekly-hours", "65"],
    ["what-if", "--tfvars", "tools/costmodel/fixtures/tfvars-prod.json", "--usage", "tools/costmodel/fixtures/usage-prod.json",
     "--no-free-tier"],
    ["per-million", "--results", "bench/RESULTS.md", "--request-rate", "100", "--tfvars", "tools/costmodel/fixtures/tfvars-dev.json"],
    ["per-million", "--results", "bench/RESULTS.md", "--request-rate", "100", "--tfvars", "tools/costmodel/fixtures/tfvars-prod.json"],
    ["per-million", "--results", "bench/RESULTS.md", "--request-rate", "5", "--tfvars", "tools/costmodel/fixtures/tfvars-prod.json"],
    ["per-million", "--results", "bench/RESULTS.md", "--request-rate", "500", "--tfvars", "tools/costmodel/fixtures/tfvars-prod.json"],
    ["per-million", "--results", "bench/RESULTS.md", "--request-rate", "10000", "--tfvars", "tools/costmodel/fixtures/tfvars-prod.json"],
]


# Pages whose dollar amounts (check_cost_figures) must be in the cost model's output
# or its tests. docs/runbook.md and docs/lessons-learned.md quote no cost figure of
# their own; docs/talking-points.md has its own, wider check.
COST_FIGURE_PAGES = ["docs/cost-optimization.md", "docs/observability.md", "docs/architecture.md",
                     "docs/ci-cd.md", "docs/security.md", "README.md"]

# Pages whose measured figures (check_measured) must be bench/RESULTS.md's.
MEASURED_PAGES = ["docs/architecture.md", "README.md"]


@dataclass
class Finding:
    page: str
    line: int
    kind: str
    message: str

    def __str__(self):
        return f"{self.page}:{self.line}: [{self.kind}] {self.message}"


# ---------------------------------------------------------------- markdown


@dataclass
class CodeBlock:
    lang: str
    start: int  # line number of the first line of the body (1-based)
    body: str


@dataclass
class Page:
    path: str  # relative to ROOT
    text: str
    prose: list = field(default_factory=list)  # (line number, text) outside code blocks
    blocks: list = field(default_factory=list)


FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([\w+-]*)")


def parse_page(path, text):
    page = Page(path, text)
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if m:
            fence, lang = m.group(2), m.group(3).lower()
            body, j = [], i + 1
            while j < len(lines) and not lines[j].strip().startswith(fence):
                body.append(lines[j])
                j += 1
            page.blocks.append(CodeBlock(lang, i + 2, "\n".join(body)))
            i = j + 1
            continue
        page.prose.append((i + 1, lines[i]))
        i += 1
    return page


def strip_inline_code(line):
    return re.sub(r"(`+)(.+?)\1", lambda m: " " * len(m.group(0)), line)


def github_slug(heading):
    """The anchor GitHub gives a heading: lower case, markup and punctuation
    dropped (hyphens and underscores kept), spaces to hyphens."""
    text = heading.strip().lower()
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)   # images
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)    # links keep their text
    text = re.sub(r"<[^>]+>", "", text)                     # html tags
    text = text.replace("`", "")
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(page):
    seen = {}
    out = set()
    for _, line in page.prose:
        m = re.match(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$", line)
        if m:
            slug = github_slug(m.group(2))
            n = seen.get(slug, 0)
            seen[slug] = n + 1
            out.add(slug if n == 0 else f"{slug}-{n}")
        for a in re.finditer(r"<a\s+(?:id|name)=\"([^\"]+)\"", line):
            out.add(a.group(1))
    return out


LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HTML_REF = re.compile(r"<(?:img|a)\s[^>]*?(?:src|href)=\"([^\"]+)\"")


def links_of(page):
    for number, line in page.prose:
        plain = strip_inline_code(line)
        for m in LINK.finditer(plain):
            yield number, m.group(1)
        for m in HTML_REF.finditer(plain):
            yield number, m.group(1)


# ---------------------------------------------------------------- checks


def load_page(rel):
    with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
        return parse_page(rel, f.read())


def check_links(page, pages_by_path=None):
    findings = []
    own = anchors(page)
    for number, target in links_of(page):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):  # http:, https:, mailto:
            continue
        path, _, fragment = target.partition("#")
        if not path:
            if fragment not in own:
                findings.append(Finding(page.path, number, "links", f"#{fragment}: no such heading in this page"))
            continue
        resolved = os.path.normpath(os.path.join(os.path.dirname(page.path), path))
        if resolved.startswith(".."):
            findings.append(Finding(page.path, number, "links", f"{target}: points outside the repository"))
            continue
        full = os.path.join(ROOT, resolved)
        if not os.path.exists(full):
            findings.append(Finding(page.path, number, "links", f"{target}: {resolved} does not exist"))
            continue
        if fragment and resolved.endswith(".md"):
            other = (pages_by_path or {}).get(resolved) or load_page(resolved)
            if fragment not in anchors(other):
                findings.append(Finding(page.path, number, "links", f"{target}: no heading #{fragment} in {resolved}"))
    return findings


def check_mermaid(pages):
    diagrams = []
    for page in pages:
        for block in page.blocks:
            if block.lang == "mermaid":
                diagrams.append({"id": f"{page.path}:{block.start}", "source": block.body})
    if not diagrams:
        return [], 0
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(diagrams, f)
        name = f.name
    try:
        result = subprocess.run(["bash", os.path.join(ROOT, "tools", "devtools", "run.sh"), "mermaid-parse", name],
                                capture_output=True, text=True, timeout=600)
    finally:
        os.unlink(name)
    findings = []
    parsed = 0
    for line in result.stdout.splitlines():
        status, _, rest = line.partition(" ")
        where, _, message = rest.partition(" ")
        page, _, number = where.rpartition(":")
        if status == "ok":
            parsed += 1
        elif status == "error":
            findings.append(Finding(page, int(number), "mermaid", f"does not parse: {message}"))
    if parsed + len(findings) != len(diagrams):
        findings.append(Finding("tools/devtools/mermaid-parse.mjs", 1, "mermaid",
                                f"the parser did not answer for every diagram (exit {result.returncode}): "
                                f"{result.stderr.strip()[-500:]}"))
    return findings, len(diagrams)


def top_level_entries():
    out = subprocess.run(["git", "-C", ROOT, "ls-files"], capture_output=True, text=True, check=True).stdout
    return {p.split("/", 1)[0] for p in out.splitlines() if "/" in p} - {"build", ".local"}


PATH_TOKEN = re.compile(r"(?<![\w/.$-])(\./)?((?:[\w.-]+/)+[\w.*-]+/?)")


def shell_commands(block):
    """The lines of a shell block that are commands (prompts and comments off)."""
    for offset, line in enumerate(block.body.split("\n")):
        text = re.sub(r"^\s*(\$|#\s*>|>)\s", "", line)
        text = re.sub(r"(^|\s)#.*$", "", text)  # a comment
        if text.strip():
            yield block.start + offset, text


def check_commands(page, tops=None):
    tops = tops if tops is not None else top_level_entries()
    findings = []
    for block in page.blocks:
        if block.lang not in SHELL_LANGS:
            continue
        for number, line in shell_commands(block):
            line = re.sub(r"'[^']*'|\"[^\"]*\"", lambda m: m.group(0) if "/" in m.group(0) and " " not in m.group(0) else "", line)
            for m in PATH_TOKEN.finditer(line):
                dotslash, path = m.group(1), m.group(2).strip("'\"")
                first = path.split("/", 1)[0]
                if first not in tops:
                    continue
                matches = glob.glob(os.path.join(ROOT, path.rstrip("/")))
                if not matches:
                    findings.append(Finding(page.path, number, "commands", f"{path} does not exist"))
                    continue
                run_as_command = dotslash and re.match(r"^\s*(?:[A-Z_]+=\S+\s+)*\./" + re.escape(path), line)
                if run_as_command and not os.access(matches[0], os.X_OK):
                    findings.append(Finding(page.path, number, "commands", f"./{path} is run as a command but is not executable"))
    return findings


# -- security.md: proofs


def tfcheck_rule_ids():
    with open(os.path.join(ROOT, "tools", "tfcheck", "lib", "rules", "index.js"), encoding="utf-8") as f:
        return set(re.findall(r"\bid:\s*'([A-Z0-9_]+)'", f.read()))


def workflow_rule_ids():
    with open(os.path.join(ROOT, "tools", "workflow-check", "lib", "rules.js"), encoding="utf-8") as f:
        return set(re.findall(r"finding\([^,]+,[^,]+,\s*\"([a-z-]+)\"", f.read()))


def defines_test(path, name):
    """Whether the file at path (relative to ROOT) defines a test called name."""
    full = os.path.join(ROOT, path)
    if not os.path.isfile(full):
        return False, f"{path} does not exist"
    with open(full, encoding="utf-8") as f:
        text = f.read()
    if path.endswith(".py"):
        ok = re.search(r"^\s*def\s+" + re.escape(name) + r"\s*\(", text, re.M)
    elif path.endswith(".cpp") and name == "LLVMFuzzerTestOneInput":
        ok = re.search(r"\bLLVMFuzzerTestOneInput\s*\(", text)
    elif path.endswith(".cpp"):
        suite, _, case = name.partition(".")
        ok = case and re.search(r"\bTEST(?:_F|_P)?\(\s*" + re.escape(suite) + r"\s*,\s*" + re.escape(case) + r"\s*\)", text)
    elif path.endswith(".hcl"):
        ok = re.search(r"^\s*run\s+\"" + re.escape(name) + "\"", text, re.M)
    elif re.search(r"\.(m?js|ts|tsx)$", path):
        ok = re.search(r"\b(?:test|it|describe)\(\s*(['\"`])" + re.escape(name) + r"\1", text)
    elif path.endswith(".sh"):
        ok = re.search(r"^\s*(?:function\s+)?" + re.escape(name) + r"\s*\(\)", text, re.M) or name in text
    else:
        return False, f"{path}: no known way to find tests in this kind of file"
    return bool(ok), f"{path} defines no test {name!r}"


PROOF = re.compile(r"`([^`]+)`")


def proof_problem(token, tf_rules, wf_rules):
    """None when the proof token resolves; a message otherwise; False when
    the token is not a proof at all (plain code in the text)."""
    if token.startswith("tfcheck:"):
        rule = token.split(":", 1)[1]
        return None if rule in tf_rules else f"{rule} is not a tools/tfcheck rule"
    if token.startswith("workflow-check:"):
        rule = token.split(":", 1)[1]
        return None if rule in wf_rules else f"{rule} is not a tools/workflow-check rule"
    if "::" in token:
        path, _, name = token.partition("::")
        ok, message = defines_test(path, name.strip("\"'"))
        return None if ok else message
    return False


def check_security(page):
    findings = []
    tf_rules, wf_rules = tfcheck_rule_ids(), workflow_rule_ids()
    rows = 0
    for number, line in page.prose:
        if not line.lstrip().startswith("|"):
            continue  # proofs are named in the tables; prose may show the forms
        proofs = []
        for m in PROOF.finditer(line):
            problem = proof_problem(m.group(1), tf_rules, wf_rules)
            if problem is False:
                continue
            proofs.append(m.group(1))
            if problem:
                findings.append(Finding(page.path, number, "security", problem))
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        is_checklist_row = len(cells) >= 3 and not set(line.strip()) <= set("|-: ") and cells[0] not in ("#", "area")
        if is_checklist_row and re.match(r"^\d+$", cells[0]):
            rows += 1
            if not proofs:
                findings.append(Finding(page.path, number, "security", f"checklist row {cells[0]} names no test or rule"))
    if rows == 0:
        findings.append(Finding(page.path, 1, "security", "no checklist rows (| N | control | ... | proof |) found"))
    return findings


# -- numbers


NUMBER = re.compile(r"(?<![\w.$/-])(?<!\w\+\+)\$?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\w])")


def numbers_in(text):
    """Numbers as written: 92,881 -> '92881'; $41.98 -> '41.98'; 7.10 -> '7.10'."""
    out = []
    for m in NUMBER.finditer(text):
        out.append((m.group(1).replace(",", "") + (m.group(2) or ""), m.start()))
    return out


def number_set(text):
    values = set()
    for value, _ in numbers_in(text):
        values.add(value)
    # Figures written inside words or after signs ("+15.26", "-14.69",
    # "0.25vCPU", "x730") count too.
    for m in re.finditer(r"\d[\d,]*(?:\.\d+)?", text):
        values.add(m.group(0).replace(",", ""))
    return values


def costmodel_outputs():
    binary = os.path.join(BUILD_DIR, "tools", "costmodel", "costmodel")
    if not os.access(binary, os.X_OK):
        raise RuntimeError(f"{binary} is not built: cmake --build {BUILD_DIR} --target costmodel")
    outputs = []
    for args in COSTMODEL_RUNS:
        r = subprocess.run([binary] + args, cwd=ROOT, capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise RuntimeError(f"costmodel {' '.join(args)} failed: {r.stderr.strip()}")
        outputs.append(r.stdout)
    return outputs


def check_numbers(page, allowed, sources, what="number"):
    findings = []
    for number, line in page.prose:
        if re.match(r"^\s*<!--", line):
            continue
        # Code spans hold names and literals (`HTTP_THREADS`, `409`), not figures.
        for value, _ in numbers_in(strip_inline_code(line)):
            if value not in allowed:
                findings.append(Finding(page.path, number, "numbers",
                                        f"{what} {value} appears in none of {sources}"))
    return findings


# A measured figure: a number with a unit of time, memory or throughput that a
# benchmark reports ("18.2 ms", "11.1 MiB", "89,657 req/s"). Settings written
# the same way ("20 s", "300 ms" thresholds) are whole numbers without these
# units' decimals or thousands, so only decimals and thousands are checked.
MEASURED = re.compile(r"(?<![\w.$/-])(\d{1,3}(?:,\d{3})+|\d+\.\d+)\s?(ms|MiB|req/s|orders/s)\b")


def check_measured(page, allowed, sources):
    findings = []
    for number, line in page.prose:
        for m in MEASURED.finditer(strip_inline_code(line)):
            value = m.group(1).replace(",", "")
            if value not in allowed:
                findings.append(Finding(page.path, number, "numbers",
                                        f"measured figure {m.group(1)} {m.group(2)} appears in none of {sources}"))
    return findings


def dollar_amounts(page):
    for number, line in page.prose:
        for m in re.finditer(r"\$(\d[\d,]*(?:\.\d+)?)", line):
            yield number, m.group(1).replace(",", "")


def costmodel_test_text():
    text = []
    for path in sorted(glob.glob(os.path.join(ROOT, "tools", "costmodel", "tests", "*.cpp"))):
        with open(path, encoding="utf-8") as f:
            text.append(f.read())
    return "\n".join(text)


def check_cost_figures(page, outputs, test_text):
    findings = []
    output_numbers = set()
    for out in outputs:
        output_numbers |= number_set(out)
    test_numbers = number_set(test_text)
    normalised = {equal_key(v) for v in output_numbers | test_numbers}
    for number, value in dollar_amounts(page):
        if equal_key(value) not in normalised:
            findings.append(Finding(page.path, number, "numbers",
                                    f"${value} is neither in the cost model's output nor checked by a test in tools/costmodel/tests"))
    return findings


def terraform_cost_pages():
    """terraform/**/README.md as pages, and the comments of terraform/envs/*.tfvars as
    the prose of a page each (the cost of every costly choice is written there)."""
    pages = []
    for path in sorted(glob.glob(os.path.join(ROOT, "terraform", "**", "README.md"), recursive=True)):
        pages.append(load_page(os.path.relpath(path, ROOT)))
    for path in sorted(glob.glob(os.path.join(ROOT, "terraform", "envs", "*.tfvars"))):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        page = Page(os.path.relpath(path, ROOT), text)
        page.prose = [(n, line) for n, line in enumerate(text.split("\n"), 1) if line.lstrip().startswith("#")]
        pages.append(page)
    return pages


def equal_key(value):
    if "." in value:
        value = value.rstrip("0").rstrip(".")
    return value or "0"


# -- lessons-learned.md: evidence


HASH = re.compile(r"`([0-9a-f]{7,40})`")


def commit_message(ref):
    """The full message of commit ref, or None when the repository has no such commit."""
    r = subprocess.run(["git", "-C", ROOT, "log", "-1", "--format=%B", f"{ref}^{{commit}}", "--"],
                       capture_output=True, text=True)
    return r.stdout if r.returncode == 0 else None


def check_lessons(page, outputs=None):
    """Every ### entry cites at least one existing commit; every FILE::NAME
    test exists; every number comes from the cited commits' messages,
    bench/RESULTS.md or the cost model's output (when outputs are given)."""
    findings = []
    entries = []  # [heading line, heading, commits cited]
    messages = {}
    for number, line in page.prose:
        m = re.match(r"^###\s+(.*)", line)
        if m:
            entries.append([number, m.group(1), []])
            continue
        for ref in re.finditer(r"commits?\s+((?:`[0-9a-f]{7,40}`(?:,\s*|\s+and\s+)?)+)", line):
            for h in HASH.finditer(ref.group(1)):
                sha = h.group(1)
                if sha not in messages:
                    messages[sha] = commit_message(sha)
                if messages[sha] is None:
                    findings.append(Finding(page.path, number, "lessons", f"commit {sha} does not exist in this repository"))
                elif entries:
                    entries[-1][2].append(sha)
        for m in PROOF.finditer(line):
            if "::" in m.group(1):
                path, _, name = m.group(1).partition("::")
                ok, message = defines_test(path, name)
                if not ok:
                    findings.append(Finding(page.path, number, "lessons", message))
    if not entries:
        findings.append(Finding(page.path, 1, "lessons", "no ### entries found"))
    for number, heading, commits in entries:
        if not commits:
            findings.append(Finding(page.path, number, "lessons", f"entry {heading!r} names no commit (commit `abc1234`)"))
    if outputs is not None:
        with open(os.path.join(ROOT, "bench", "RESULTS.md"), encoding="utf-8") as f:
            allowed = number_set(f.read())
        for out in outputs:
            allowed |= number_set(out)
        for message in messages.values():
            allowed |= number_set(message or "")
        findings += check_numbers(page, allowed, "the cited commits, bench/RESULTS.md and the cost model's output")
    return findings


# ---------------------------------------------------------------- main


def doc_pages():
    paths = ["README.md"] + sorted(os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, "docs", "**", "*.md"),
                                                                                  recursive=True))
    return [load_page(p) for p in paths]


def run(only=None):
    kinds = set(only or ["links", "mermaid", "commands", "security", "numbers", "lessons"])
    pages = doc_pages()
    by_path = {p.path: p for p in pages}
    results = []  # (name, findings)
    tops = top_level_entries()
    for page in pages:
        if "links" in kinds:
            results.append((f"links {page.path}", check_links(page, by_path)))
        if "commands" in kinds:
            results.append((f"commands {page.path}", check_commands(page, tops)))
    if "mermaid" in kinds:
        findings, count = check_mermaid(pages)
        results.append((f"mermaid ({count} diagrams)", findings))
    if "security" in kinds and "docs/security.md" in by_path:
        results.append(("security proofs docs/security.md", check_security(by_path["docs/security.md"])))
    outputs = costmodel_outputs() if kinds & {"numbers", "lessons"} else None
    if "lessons" in kinds and "docs/lessons-learned.md" in by_path:
        results.append(("evidence docs/lessons-learned.md", check_lessons(by_path["docs/lessons-learned.md"], outputs)))
    if "numbers" in kinds:
        if "docs/talking-points.md" in by_path:
            with open(os.path.join(ROOT, "bench", "RESULTS.md"), encoding="utf-8") as f:
                allowed = number_set(f.read())
            for out in outputs:
                allowed |= number_set(out)
            results.append(("numbers docs/talking-points.md",
                            check_numbers(by_path["docs/talking-points.md"], allowed,
                                          "bench/RESULTS.md and the cost model's output")))
        with open(os.path.join(ROOT, "bench", "RESULTS.md"), encoding="utf-8") as f:
            measured = number_set(f.read())
        for path in MEASURED_PAGES:
            if path in by_path:
                results.append((f"measured figures {path}", check_measured(by_path[path], measured, "bench/RESULTS.md")))
        test_text = costmodel_test_text()
        for path in COST_FIGURE_PAGES:
            if path in by_path:
                results.append((f"cost figures {path}", check_cost_figures(by_path[path], outputs, test_text)))
        for page in terraform_cost_pages():
            results.append((f"cost figures {page.path}", check_cost_figures(page, outputs, test_text)))
    return results


def main(argv):
    only = None
    if len(argv) > 1 and argv[1] == "--only":
        only = argv[2].split(",")
    results = run(only)
    failed = 0
    for name, findings in results:
        for f in findings:
            print(f)
        if findings:
            failed += 1
            print(f"FAIL {name} ({len(findings)} findings)")
        else:
            print(f"ok   {name}")
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
