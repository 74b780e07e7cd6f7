"""What the contract tests check about an OpenAPI document beyond the
responses themselves, and the second, independent validator they run.

* style_problems: the document is written in the form every mainstream tool
  reads the same way. A `$ref` has no sibling keywords but annotations
  (Prism, code generators and older validators merge or drop siblings of a
  `$ref`, and then reject the service's real answers), and no `allOf` joins
  a closed object (`additionalProperties: false`) with a branch that names
  properties of its own (the closed branch would reject them).
* example_problems: every example of every response is valid against the
  response's schema.
* Exchanges / prism_violations: the responses a test provoked, recorded and
  then checked by Stoplight Prism's response validator, the check that
  `prism proxy` applies to every answer it forwards
  (tools/devtools/run.sh prism-validate).
* PrismProxy: `prism proxy SPEC UPSTREAM` itself, in front of a running
  service, as an API user runs it; it reports what it finds wrong with an
  answer in the `sl-violations` header.
"""

import copy
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import jsonschema

from . import cluster, http, ports

DEVTOOLS = os.path.join(cluster.SOURCE_DIR, "tools", "devtools", "run.sh")

# Keywords that describe and never constrain: harmless beside a `$ref`.
ANNOTATIONS = {"description", "summary", "title", "examples", "example", "deprecated", "readOnly", "writeOnly",
               "$comment"}


def _walk(node, where=""):
    """Every mapping of the document with its JSON pointer."""
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from _walk(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{where}/{index}")


def _resolve(spec, node):
    while isinstance(node, dict) and "$ref" in node:
        target = spec
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def style_problems(spec):
    problems = []
    for where, node in _walk(spec):
        if "$ref" in node:
            siblings = sorted(set(node) - {"$ref"} - ANNOTATIONS)
            if siblings:
                problems.append(f"{where}: $ref with sibling keywords {siblings}; use a schema of its own or allOf")
        branches = node.get("allOf")
        if isinstance(branches, list):
            resolved = [_resolve(spec, b) for b in branches]
            for closed in resolved:
                if not isinstance(closed, dict) or closed.get("additionalProperties") is not False:
                    continue
                allowed = set(closed.get("properties") or {})
                for other in resolved:
                    if other is closed or not isinstance(other, dict):
                        continue
                    named = set(other.get("properties") or {}) | set(other.get("required") or [])
                    if named - allowed:
                        problems.append(f"{where}/allOf: a closed branch rejects {sorted(named - allowed)}, "
                                        "which another branch names")
    return problems


def responses(spec):
    """(method, path, status, response) for every documented response, references resolved."""
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            if isinstance(op, dict) and "responses" in op:
                for status, response in op["responses"].items():
                    yield method.upper(), path, status, _resolve(spec, response)


def example_problems(spec):
    resolver = jsonschema.RefResolver.from_schema(spec)
    problems = []
    for method, path, status, response in responses(spec):
        for media, content in (response.get("content") or {}).items():
            validator = jsonschema.Draft202012Validator(content["schema"], resolver=resolver)
            for name, example in (content.get("examples") or {}).items():
                for error in validator.iter_errors(_resolve(spec, example)["value"]):
                    problems.append(f"{method} {path} {status} example {name}: {error.message}")
    return problems


class Exchanges:
    """The responses a test provoked, as the second validator reads them."""

    def __init__(self):
        self.items = []

    def record(self, method, path, response):
        self.items.append({
            "method": method,
            "path": path,
            "status": response.status,
            "headers": dict(response.headers),
            "body": response.body.decode("utf-8", errors="replace"),
        })

    def __len__(self):
        return len(self.items)


def prism_violations(spec, exchanges):
    """Runs Prism's response validator over the recorded exchanges against
    `spec` (a path, or a document as a dict). Returns (checked, violations)."""
    with tempfile.TemporaryDirectory(prefix="ecom-prism-") as tmp:
        if isinstance(spec, dict):
            spec_path = os.path.join(tmp, "openapi.json")
            with open(spec_path, "w") as f:
                json.dump(spec, f)
        else:
            spec_path = spec
        exchanges_path = os.path.join(tmp, "exchanges.json")
        with open(exchanges_path, "w") as f:
            json.dump(exchanges.items, f)
        run = subprocess.run(["bash", DEVTOOLS, "prism-validate", spec_path, exchanges_path],
                             capture_output=True, text=True, timeout=600)
    if run.returncode not in (0, 1):
        raise RuntimeError(f"prism-validate failed ({run.returncode}): {run.stderr.strip()}")
    report = json.loads(run.stdout)
    return report["checked"], report["violations"]


def with_sibling_refs(spec):
    """The document rewritten in the style Prism misreads: each allOf of a
    `$ref` and a narrowing becomes the `$ref` with the narrowing beside it,
    and each object property that refers to a shared schema gets its
    narrowing (here: the one of the closed schema it is a copy of) beside
    the `$ref`. Used to show that the second validator catches that style."""
    doc = copy.deepcopy(spec)
    schemas = doc["components"]["schemas"]
    for _, node in list(_walk(doc)):
        branches = node.get("allOf")
        if isinstance(branches, list) and len(branches) == 2 and "$ref" in branches[0]:
            narrowing = branches[1]
            del node["allOf"]
            node["$ref"] = branches[0]["$ref"]
            node.update(narrowing)
    # A closed error object written as its shared counterpart plus a narrowing.
    for name, schema in schemas.items():
        error = (schema.get("properties") or {}).get("error")
        if name.endswith("Error") and isinstance(error, dict) and "properties" in error:
            code = error["properties"].get("code")
            schema["properties"]["error"] = {"$ref": "#/components/schemas/SharedErrorBody",
                                             "properties": {"code": code}}
    schemas["SharedErrorBody"] = {
        "type": "object", "additionalProperties": False, "required": ["code", "message"],
        "properties": {"code": {"$ref": "#/components/schemas/ErrorCode"},
                       "message": {"$ref": "#/components/schemas/ErrorMessage"},
                       "details": {"$ref": "#/components/schemas/ErrorDetails"}}}
    if "Shortages" in schemas:
        schemas["SharedErrorBody"]["properties"]["shortages"] = {"$ref": "#/components/schemas/Shortages"}
    if "IllegalTransitionError" in schemas:
        schemas["SharedErrorBody"]["properties"]["current_status"] = {"$ref": "#/components/schemas/OrderStatus"}
    return doc


class PrismProxy:
    """`prism proxy` (Stoplight Prism's CLI) between a client and `upstream`,
    checking every answer against `spec` (a path, or a document as a dict)."""

    def __init__(self, spec, upstream, timeout=120):
        self.tmp = tempfile.mkdtemp(prefix="ecom-prism-proxy-")
        if isinstance(spec, dict):
            path = os.path.join(self.tmp, "openapi.json")
            with open(path, "w") as f:
                json.dump(spec, f)
            spec = path
        self.port = ports.free_port()
        self.log_path = os.path.join(self.tmp, "prism.log")
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            ["bash", DEVTOOLS, "prism", "proxy", spec, upstream, "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.close()
                    raise RuntimeError(f"prism proxy did not start: {self.output()[-2000:]}")
                time.sleep(0.1)
        self.base_url = f"http://127.0.0.1:{self.port}"

    def client(self, **kw):
        return http.Client(self.base_url, **kw)

    def output(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    @staticmethod
    def response_violations(response):
        """What Prism found wrong with the service's answer (not with the request)."""
        found = json.loads(response.headers.get("sl-violations", "[]"))
        return [v for v in found if (v.get("location") or [""])[0] == "response"]

    def close(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
