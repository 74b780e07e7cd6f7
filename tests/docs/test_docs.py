"""The documentation check (check_docs.py) on the real pages, and the
checker itself on small pages made here, so each kind of finding is known to
fire."""

import os
import pathlib
import re
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

import check_docs as cd  # noqa: E402


def page(text, path="docs/example.md"):
    return cd.parse_page(path, text)


def messages(findings):
    return [f"{f.kind}: {f.message}" for f in findings]


# ---------------------------------------------------------------- the real pages


@pytest.fixture(scope="module")
def pages():
    return cd.doc_pages()


def test_every_docs_page_and_the_readme_are_checked(pages):
    paths = {p.path for p in pages}
    assert "README.md" in paths
    for name in ("architecture", "cost-optimization", "security", "disaster-recovery", "talking-points"):
        assert f"docs/{name}.md" in paths, f"docs/{name}.md is missing"


def test_links_and_anchors_resolve(pages):
    by_path = {p.path: p for p in pages}
    findings = [f for p in pages for f in cd.check_links(p, by_path)]
    assert not findings, "\n".join(map(str, findings))


def test_mermaid_blocks_parse(pages):
    findings, count = cd.check_mermaid(pages)
    assert count >= 4, "the architecture, disaster-recovery and README diagrams are Mermaid blocks"
    assert not findings, "\n".join(map(str, findings))


def test_commands_name_existing_scripts(pages):
    tops = cd.top_level_entries()
    findings = [f for p in pages for f in cd.check_commands(p, tops)]
    assert not findings, "\n".join(map(str, findings))


def test_security_checklist_names_existing_tests_and_rules(pages):
    security = next(p for p in pages if p.path == "docs/security.md")
    findings = cd.check_security(security)
    assert not findings, "\n".join(map(str, findings))


@pytest.fixture(scope="module")
def costmodel_outputs():
    return cd.costmodel_outputs()


def test_talking_points_figures_come_from_bench_results_or_the_cost_model(pages, costmodel_outputs):
    talking = next(p for p in pages if p.path == "docs/talking-points.md")
    with open(os.path.join(cd.ROOT, "bench", "RESULTS.md"), encoding="utf-8") as f:
        allowed = cd.number_set(f.read())
    for out in costmodel_outputs:
        allowed |= cd.number_set(out)
    findings = cd.check_numbers(talking, allowed, "bench/RESULTS.md and the cost model's output")
    assert not findings, "\n".join(map(str, findings))


def test_measured_figures_come_from_bench_results(pages):
    with open(os.path.join(cd.ROOT, "bench", "RESULTS.md"), encoding="utf-8") as f:
        allowed = cd.number_set(f.read())
    for path in cd.MEASURED_PAGES:
        measured = next(p for p in pages if p.path == path)
        findings = cd.check_measured(measured, allowed, "bench/RESULTS.md")
        assert not findings, "\n".join(map(str, findings))


def test_stale_measured_figures_are_found():
    allowed = cd.number_set("| start to `/ready` | **18.2 ms** | 89,657 req/s |")
    p = page("Ready 18.2 ms after start and 89,657 req/s; elsewhere ready in 24.3 ms, 11.1 MiB idle.\n"
             "A 20 s timeout and a 300 ms threshold are settings, not measurements.\n")
    found = [f.message for f in cd.check_measured(p, allowed, "bench/RESULTS.md")]
    assert found == ["measured figure 24.3 ms appears in none of bench/RESULTS.md",
                     "measured figure 11.1 MiB appears in none of bench/RESULTS.md"], found


def test_cost_optimization_figures_are_in_the_cost_model_output_or_its_tests(pages, costmodel_outputs):
    costs = next(p for p in pages if p.path == "docs/cost-optimization.md")
    findings = cd.check_cost_figures(costs, costmodel_outputs, cd.costmodel_test_text())
    assert not findings, "\n".join(map(str, findings))


def test_cost_figures_of_the_other_pages_are_in_the_cost_model_output_or_its_tests(pages, costmodel_outputs):
    assert "docs/observability.md" in cd.COST_FIGURE_PAGES and "README.md" in cd.COST_FIGURE_PAGES
    findings = []
    for path in cd.COST_FIGURE_PAGES:
        page = next(p for p in pages if p.path == path)
        findings += cd.check_cost_figures(page, costmodel_outputs, cd.costmodel_test_text())
    assert not findings, "\n".join(map(str, findings))


def test_cost_figures_of_the_costmodel_readme_are_in_its_output_or_its_tests(costmodel_outputs):
    # tools/costmodel/README.md quotes the model's own estimates and what-if tables:
    # a figure the model no longer produces fails here until the README follows.
    page = cd.load_page("tools/costmodel/README.md")
    findings = cd.check_cost_figures(page, costmodel_outputs, cd.costmodel_test_text())
    assert not findings, "\n".join(map(str, findings))


def test_cost_figures_of_the_terraform_readmes_and_tfvars_comments(costmodel_outputs):
    tf_pages = cd.terraform_cost_pages()
    paths = {p.path for p in tf_pages}
    assert "terraform/README.md" in paths and "terraform/envs/dev.tfvars" in paths
    findings = [f for p in tf_pages for f in cd.check_cost_figures(p, costmodel_outputs, cd.costmodel_test_text())]
    assert not findings, "\n".join(map(str, findings))


def test_a_stale_tfvars_comment_figure_is_found():
    p = cd.Page("terraform/envs/x.tfvars", "")
    p.prose = [(1, "# WAF off: it would add ~$8/month + $0.60 per million requests.")]
    found = [f.message for f in cd.check_cost_figures(p, ["WAF 0.60"], "")]
    assert found == ["$8 is neither in the cost model's output nor checked by a test in tools/costmodel/tests"], found


# ---------------------------------------------------------------- the checker


def test_slugs_follow_github():
    assert cd.github_slug("What `./scripts/test.sh` runs") == "what-scriptstestsh-runs"
    assert cd.github_slug("RTO / RPO targets") == "rto--rpo-targets"
    assert cd.github_slug("1. Architecture (100x)") == "1-architecture-100x"
    assert cd.github_slug("[Link](x.md) and *emphasis*") == "link-and-emphasis"
    p = page("# Top\n## Same\n## Same\n<a id=\"custom\"></a>\n")
    assert cd.anchors(p) == {"top", "same", "same-1", "custom"}


def test_broken_links_and_anchors_are_found():
    p = page("# Title\n[ok](../README.md) [self](#title) [bad](#nope)\n"
             "[missing](no-such-file.md) [anchor](../README.md#no-such-heading) "
             "![img](images/none.png) [web](https://example.com/x)\n"
             "`[in code](nowhere.md)`\n```\n[in a block](nowhere.md)\n```\n")
    found = messages(cd.check_links(p))
    assert len(found) == 4, found
    assert any("#nope" in m for m in found)
    assert any("no-such-file.md" in m for m in found)
    assert any("no-such-heading" in m for m in found)
    assert any("images/none.png" in m for m in found)


def test_missing_scripts_in_shell_blocks_are_found():
    p = page("```sh\n./scripts/test.sh --quick\n./scripts/no-such.sh\n"
             "build/release/tools/costmodel/costmodel what-if --tfvars tools/costmodel/fixtures/tfvars-dev.json\n"
             "cat tools/costmodel/fixtures/none.json  # a comment naming tools/nothing.sh\n"
             "./scripts/lib/common.sh\n```\n"
             "```text\n./scripts/not-a-command-block.sh\n```\n")
    found = messages(cd.check_commands(p, {"scripts", "tools"}))
    assert found == ["commands: scripts/no-such.sh does not exist",
                     "commands: tools/costmodel/fixtures/none.json does not exist",
                     "commands: ./scripts/lib/common.sh is run as a command but is not executable"], found


def test_mermaid_errors_are_found():
    p = page("```mermaid\nflowchart LR\n  a --> b\n```\n\n```mermaid\nflowchart LR\n  a -->\n```\n")
    findings, count = cd.check_mermaid([p])
    assert count == 2
    assert len(findings) == 1 and findings[0].line == 7, messages(findings)


def test_security_proofs_must_exist():
    p = page("| # | control | proof |\n|---|---|---|\n"
             "| 1 | encrypted | `tfcheck:RDS_ENCRYPTED` |\n"
             "| 2 | made up | `tfcheck:NO_SUCH_RULE` |\n"
             "| 3 | a test | `services/product-service/tests/functional/test_products_api.py::test_admin_writes_need_the_key` |\n"
             "| 4 | a missing test | `services/product-service/tests/functional/test_products_api.py::test_nothing` |\n"
             "| 5 | gtest | `services/common/tests/http_helpers_test.cpp::AdminAuth.MissingKeyIs401AndWrongKeyIs403` |\n"
             "| 6 | no proof | `plain code` |\n"
             "| 7 | workflow | `workflow-check:pinned-action` and `terraform/tests/environments.tftest.hcl::prod` |\n"
             "| 8 | node | `tools/tfcheck/test/terraform.test.js::values flow through module outputs into the task definitions` |\n",
             path="docs/security.md")
    found = messages(cd.check_security(p))
    assert len(found) == 3, found
    assert any("NO_SUCH_RULE" in m for m in found)
    assert any("test_nothing" in m for m in found)
    assert any("row 6 names no test or rule" in m for m in found)


def test_numbers_must_come_from_the_sources():
    allowed = cd.number_set("| x | **92,881 req/s** | 7.10 ms | $41.98 | +15.26 |")
    p = page("We serve 92,881 req/s with p99 7.10 ms for $41.98 (+15.26); 7.1 ms is not 7.10, and 93,000 is invented.\n"
             "A status in code, `409`, is a literal, not a figure; C++20 and 100x are words.\n"
             "```\n12345 in a code block is not prose\n```\n")
    found = [f.message for f in cd.check_numbers(p, allowed, "sources")]
    assert found == ["number 7.1 appears in none of sources", "number 93000 appears in none of sources"], found


def test_cost_figures_must_be_in_the_output_or_a_test():
    p = page("ALB: 730 h x $0.0225 = $16.425, shown as $16.43; a made-up $12.34.\n")
    found = [f.message for f in cd.check_cost_figures(p, ["ALB 16.43"], "usd(\"16.425\") // 730 x $0.0225")]
    assert found == ["$12.34 is neither in the cost model's output nor checked by a test in tools/costmodel/tests"], found


def test_lessons_learned_entries_name_existing_commits_and_sourced_figures(pages, costmodel_outputs):
    lessons = next(p for p in pages if p.path == "docs/lessons-learned.md")
    findings = cd.check_lessons(lessons, costmodel_outputs)
    assert not findings, "\n".join(map(str, findings))


def test_lessons_without_evidence_are_found():
    # f891b96 is the GCC 12 fix; its message says "GCC 12" and "free()".
    p = page("### Cited\n\nGCC 12 crashed (commit `f891b96`).\n\n"
             "### Cited, but not by this\n\nThe fix took 9973 minutes (commit `0000000`).\n\n"
             "### Not cited\n\nA story; see `tests/docs/test_docs.py::test_no_such_test`.\n",
             path="docs/lessons-learned.md")
    found = [f.message for f in cd.check_lessons(p, [])]
    assert "commit 0000000 does not exist in this repository" in found, found
    assert "entry 'Not cited' names no commit (commit `abc1234`)" in found, found
    assert "entry 'Cited, but not by this' names no commit (commit `abc1234`)" in found, found
    assert any("test_no_such_test" in m for m in found), found
    assert "number 9973 appears in none of the cited commits, bench/RESULTS.md and the cost model's output" in found, found
    assert not any("12" in m.split()[1] for m in found if m.startswith("number ")), found


def test_runbook_links_in_terraform_resolve():
    # Alarm descriptions send an operator to docs/runbook.md#<anchor>: each
    # anchor must be a heading or an <a id> of the runbook.
    runbook = cd.anchors(cd.load_page("docs/runbook.md"))
    root = pathlib.Path(__file__).resolve().parents[2]
    missing = sorted({f"{tf.relative_to(root)}: #{m.group(1)}"
                      for tf in (root / "terraform").rglob("*.tf")
                      for m in re.finditer(r"docs/runbook\.md#([A-Za-z0-9_-]+)", tf.read_text())
                      if m.group(1) not in runbook})
    assert not missing, "\n".join(missing)
