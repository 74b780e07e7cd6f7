"""SQL reaches PostgreSQL only as prepared statements with bound
parameters: the services never call libpq, every statement they run is a
compile-time constant (`inline constexpr ecom::pg::Statement`) in one SQL
header per service, nothing builds SQL text from strings at run time, and
the shared pool's API takes nothing but such a statement and its
parameters. (The functional tests send quotes, comments and semicolons
through every text input: test_sql_metacharacters_are_data.)"""

import os
import re

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SERVICES = ("product-service", "order-service", "frontend")


def service_sources():
    for service in SERVICES:
        top = os.path.join(ROOT, "services", service, "src")
        for folder, _, files in os.walk(top):
            for name in sorted(files):
                if name.endswith((".cpp", ".hpp")):
                    path = os.path.join(folder, name)
                    with open(path) as f:
                        yield os.path.relpath(path, ROOT), f.read()


def test_services_never_call_libpq_directly():
    for path, text in service_sources():
        assert "libpq-fe.h" not in text, path
        assert not re.search(r"\bPQ[a-z]\w*\s*\(", text), path


def test_every_statement_is_a_compile_time_constant():
    declared = 0
    for path, text in service_sources():
        for line in text.splitlines():
            if "Statement" not in line or line.lstrip().startswith("//"):
                continue
            if re.match(r"\s*inline constexpr ecom::pg::Statement \w+\{", line):
                declared += 1
                assert path.endswith(("_sql.hpp", "statements.hpp")), (path, line)
                continue
            # Other mentions only pass such a constant around.
            assert re.search(r"const ecom::pg::Statement&|std::vector<ecom::pg::Statement>", line), (path, line)
    assert declared >= 20, declared


def test_no_sql_text_is_built_at_run_time():
    keyword = r"\b(SELECT|INSERT|UPDATE|DELETE|WITH|ORDER BY|WHERE|LIMIT)\b"
    for path, text in service_sources():
        for match in re.finditer(r'"([^"\\]|\\.)*"\s*\+|\+\s*"([^"\\]|\\.)*"', text):
            literal = match.group(0)
            assert not re.search(keyword, literal), (path, literal)
        assert "std::format(" not in text or not re.search(keyword + r'[^"]*\{\}', text), path


def test_the_pool_takes_only_statements_and_parameters():
    with open(os.path.join(ROOT, "services", "common", "include", "ecom", "pg", "database.hpp")) as f:
        header = f.read()
    calls = re.findall(r"awaitable<Result> (\w+)\(([^)]*)\)", header)
    assert {name for name, _ in calls} >= {"query", "run", "run_traced"}, calls
    for name, params in calls:
        assert "const Statement& statement" in params, (name, params)
        assert not re.search(r"(std::string|const char\*|std::string_view) sql", params), (name, params)
