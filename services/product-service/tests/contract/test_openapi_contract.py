"""The OpenAPI description (docs/api/product-service.yaml) against the
running service: every documented status code of every operation is
provoked, and each response's status, headers and body must match what
the document says. A status the document lists without a recipe here, or
a recipe for a status it does not list, fails the test: the two cannot
drift apart.

Every response is checked twice: here with Python's jsonschema, and
afterwards by Stoplight Prism's response validator (the check of
`prism proxy`), so the document means the same to the tools API users run.
The document's style (no keywords beside a `$ref`) and its examples are
checked too."""

import json
import os
import socket

import jsonschema
import pytest
import yaml

from ecomtest import cluster as pg
from ecomtest import http, openapi, service

SPEC_PATH = os.path.join(pg.SOURCE_DIR, "docs", "api", "product-service.yaml")
SPEC = yaml.safe_load(open(SPEC_PATH))
RESOLVER = jsonschema.RefResolver.from_schema(SPEC)
METHODS = ("get", "post", "put", "patch", "delete")

# Documented but never provoked on purpose: a 500 is a bug.
NOT_PROVOKED = {"500": "an internal error is a bug; the fault tests assert none happens"}

# Every response the recipes provoke, for the second validator (Prism).
EXCHANGES = openapi.Exchanges()


def resolve(node):
    while isinstance(node, dict) and "$ref" in node and len(node) == 1:
        node = RESOLVER.resolve(node["$ref"])[1]
    return node


def documented():
    out = []
    for path, ops in SPEC["paths"].items():
        for method, op in ops.items():
            if method in METHODS:
                for status in op["responses"]:
                    out.append((method.upper(), path, status))
    # The database outage comes last; the connection-cap case needs the database.
    return sorted(out, key=lambda t: (t[2] == "503" and t[1] != "/health", t))


class Ctx:
    """The service under test, on a private cluster it may stop."""

    def __init__(self):
        self.cluster = pg.PrivateCluster()
        self.db = self.cluster.create_shop()
        self.proc = service.product_service(self.db, DB_ACQUIRE_TIMEOUT_MS=300)
        self.client = http.Client(self.proc.base_url, admin_key=service.TEST_ADMIN_KEY)
        self.anon = http.Client(self.proc.base_url)
        self.product = self.create()
        self.database_down = False

    def create(self, **overrides):
        body = {"sku": "C-" + os.urandom(4).hex(), "name": "Contract mug", "category": "kitchen",
                "price_cents": 1000, "stock": 3}
        body.update(overrides)
        r = self.client.post("/api/products", body, admin=True)
        assert r.status == 201, r
        return r.json()

    def path_for(self, path):
        return path.replace("{id}", str(self.product["id"]))

    def stop_database(self):
        if not self.database_down:
            self.cluster.stop("fast")
            self.database_down = True

    def close(self):
        self.client.close()
        self.anon.close()
        self.proc.close()
        self.cluster.destroy()


@pytest.fixture(scope="module")
def ctx():
    c = Ctx()
    yield c
    c.close()


def raw(ctx, data):
    """A raw exchange, parsed into an http.Response."""
    answer = http.raw_exchange(ctx.proc.port, data)
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return http.Response(status, headers, body)


def request_line(method, path, extra=b"", target=None):
    return f"{method} {target or path} HTTP/1.1\r\n".encode() + extra


def generic(status):
    """Statuses any operation answers the same way, from the HTTP layer."""
    def run(ctx, method, path):
        p = ctx.path_for(path)
        json_ct = b"Content-Type: application/json\r\n"
        if status == "400":
            return raw(ctx, request_line(method, p, b"Content-Length: 0\r\n\r\n"))  # no Host
        if status == "413":
            return raw(ctx, request_line(method, p, b"Host: x\r\n" + json_ct + b"Content-Length: 70000\r\n\r\n"))
        if status == "414":
            return raw(ctx, request_line(method, p, b"Host: x\r\n\r\n", target=p + "?q=" + "a" * 4100))
        if status == "417":
            return raw(ctx, request_line(method, p, b"Host: x\r\n" + json_ct + b"Expect: later\r\nContent-Length: 2\r\n\r\n"))
        if status == "431":
            return raw(ctx, request_line(method, p, b"Host: x\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n"))
        if status == "501":
            return raw(ctx, request_line(method, p, b"Host: x\r\n" + json_ct + b"Transfer-Encoding: gzip\r\n\r\n"))
        raise AssertionError(status)
    return run


def overloaded(ctx, method, path):
    capped = service.product_service(ctx.db, HTTP_MAX_CONNECTIONS=1)
    try:
        with socket.create_connection(("127.0.0.1", capped.port)) as holder:
            holder.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            holder.recv(4096)
            answer = http.raw_exchange(capped.port, request_line(method, path, b"Host: x\r\n\r\n"))
    finally:
        capped.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = {l.split(":")[0].lower(): l.split(":", 1)[1].strip() for l in lines[1:]}
    return http.Response(int(lines[0].split(" ")[1]), headers, body)


def database_down(ctx, method, path):
    ctx.stop_database()
    p = ctx.path_for(path)
    if path == "/api/products/{id}" and method == "GET":
        p = "/api/products/987654"  # not cached
    body = None
    if method in ("POST", "PUT"):
        body = {"sku": "D-1", "name": "x", "category": "kitchen", "price_cents": 1, "stock": 1}
    elif method == "PATCH":
        body = {"stock": 1}
    pg.wait_until(lambda: ctx.anon.get("/ready").status == 503, 5, message="/ready 503")
    return ctx.client.request(method, p, body=body, admin=True)


def specific():
    full = {"name": "Replaced", "category": "kitchen", "price_cents": 500, "stock": 1}
    r = {}
    r[("GET", "/api/products", "200")] = lambda c: c.client.get("/api/products?limit=2")
    r[("GET", "/api/products/categories", "200")] = lambda c: c.client.get("/api/products/categories")
    r[("POST", "/api/products", "201")] = lambda c: c.client.post(
        "/api/products", {"sku": "N-" + os.urandom(4).hex(), "name": "New", "category": "kitchen",
                          "price_cents": 1, "stock": 1, "description": "d", "image_url": "/images/x.svg"}, admin=True)
    r[("POST", "/api/products", "401")] = lambda c: c.anon.post("/api/products", {})
    r[("POST", "/api/products", "403")] = lambda c: c.anon.post("/api/products", {}, headers={"Authorization": "Bearer nope-nope-nope-nope"})
    r[("POST", "/api/products", "409")] = lambda c: c.client.post(
        "/api/products", {"sku": c.product["sku"], "name": "Dup", "category": "kitchen", "price_cents": 1, "stock": 1}, admin=True)
    r[("POST", "/api/products", "415")] = lambda c: c.client.request(
        "POST", "/api/products", raw_body=b"x", admin=True, headers={"Content-Type": "text/plain"})
    r[("POST", "/api/products", "422")] = lambda c: c.client.post("/api/products", {"sku": "bad sku"}, admin=True)
    r[("GET", "/api/products/{id}", "200")] = lambda c: c.client.get(c.path_for("/api/products/{id}"))
    r[("GET", "/api/products/{id}", "304")] = lambda c: c.client.get(
        c.path_for("/api/products/{id}"), headers={"If-None-Match": c.client.get(c.path_for("/api/products/{id}")).headers["etag"]})
    r[("GET", "/api/products/{id}", "404")] = lambda c: c.client.get("/api/products/99999999")
    r[("GET", "/api/products", "400")] = lambda c: c.client.get("/api/products?limit=0")
    for method in ("PUT", "PATCH"):
        body = (lambda m: (lambda c: dict(full, sku=c.product["sku"]) if m == "PUT" else {"stock": 2}))(method)
        r[(method, "/api/products/{id}", "200")] = (lambda m, b: lambda c: c.client.request(
            m, c.path_for("/api/products/{id}"), body=b(c), admin=True))(method, body)
        r[(method, "/api/products/{id}", "401")] = (lambda m: lambda c: c.anon.request(m, c.path_for("/api/products/{id}"), body={}))(method)
        r[(method, "/api/products/{id}", "403")] = (lambda m: lambda c: c.anon.request(
            m, c.path_for("/api/products/{id}"), body={}, headers={"Authorization": "Bearer nope-nope-nope-nope"}))(method)
        r[(method, "/api/products/{id}", "404")] = (lambda m, b: lambda c: c.client.request(m, "/api/products/99999999", body=b(c), admin=True))(method, body)
        r[(method, "/api/products/{id}", "409")] = (lambda m: lambda c: c.client.request(
            m, c.path_for("/api/products/{id}"), body=dict(full, sku=c.create()["sku"]) if m == "PUT" else {"sku": c.create()["sku"]},
            admin=True))(method)
        r[(method, "/api/products/{id}", "412")] = (lambda m, b: lambda c: c.client.request(
            m, c.path_for("/api/products/{id}"), body=b(c), admin=True, headers={"If-Match": '"v999"'}))(method, body)
        r[(method, "/api/products/{id}", "415")] = (lambda m: lambda c: c.client.request(
            m, c.path_for("/api/products/{id}"), raw_body=b"x", admin=True, headers={"Content-Type": "text/plain"}))(method)
        r[(method, "/api/products/{id}", "422")] = (lambda m: lambda c: c.client.request(
            m, c.path_for("/api/products/{id}"), body={"stock": -1}, admin=True))(method)
        r[(method, "/api/products/{id}", "400")] = (lambda m: lambda c: c.client.request(
            m, c.path_for("/api/products/{id}"), raw_body=b"{", admin=True, headers={"Content-Type": "application/json"}))(method)
    r[("POST", "/api/products", "400")] = lambda c: c.client.request(
        "POST", "/api/products", raw_body=b"{", admin=True, headers={"Content-Type": "application/json"})
    r[("DELETE", "/api/products/{id}", "204")] = lambda c: c.client.delete(f"/api/products/{c.create()['id']}", admin=True)
    r[("DELETE", "/api/products/{id}", "401")] = lambda c: c.anon.delete(c.path_for("/api/products/{id}"))
    r[("DELETE", "/api/products/{id}", "403")] = lambda c: c.anon.delete(
        c.path_for("/api/products/{id}"), headers={"Authorization": "Bearer nope-nope-nope-nope"})
    r[("DELETE", "/api/products/{id}", "404")] = lambda c: c.client.delete("/api/products/99999999", admin=True)
    r[("DELETE", "/api/products/{id}", "412")] = lambda c: c.client.delete(
        c.path_for("/api/products/{id}"), admin=True, headers={"If-Match": '"v999"'})
    r[("DELETE", "/api/products/{id}", "400")] = lambda c: c.client.delete(
        c.path_for("/api/products/{id}"), admin=True, headers={"If-Match": "no-quotes"})
    r[("GET", "/api/products/{id}", "400")] = lambda c: c.client.get("/api/products/1?q=%zz") if False else \
        raw(c, b"GET /api/products/1 HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n")
    r[("GET", "/health", "200")] = lambda c: c.client.get("/health")
    r[("GET", "/ready", "200")] = lambda c: c.client.get("/ready")
    r[("GET", "/health", "400")] = lambda c: raw(c, b"GET /health HTTP/1.1\r\n\r\n")
    r[("GET", "/ready", "400")] = lambda c: raw(c, b"GET /ready HTTP/1.1\r\n\r\n")
    return r


SPECIFIC = specific()
GENERIC_STATUSES = {"400", "413", "414", "417", "431", "501"}


def recipe(method, path, status):
    if (method, path, status) in SPECIFIC:
        return lambda c: SPECIFIC[(method, path, status)](c)
    if status in GENERIC_STATUSES:
        return lambda c: generic(status)(c, method, path)
    if status == "503":
        if path in ("/health",):
            return lambda c: overloaded(c, method, path)
        return lambda c: database_down(c, method, path)
    return None


def test_every_recipe_is_documented():
    documented_set = set(documented())
    extra = [key for key in SPECIFIC if key not in documented_set]
    assert extra == [], f"recipes for statuses the document does not list: {extra}"


def check_response(method, path, status, response):
    op = SPEC["paths"][path][method.lower()]
    spec = resolve(op["responses"][status])
    assert str(response.status) == status, f"{method} {path}: expected {status}, got {response}"
    for name, header in (spec.get("headers") or {}).items():
        header = resolve(header)
        if header.get("required"):
            assert name.lower() in response.headers, f"{method} {path} {status}: missing header {name}"
    content = spec.get("content")
    if not content:
        assert response.body == b"", f"{method} {path} {status}: a body where none is documented"
        return
    media, media_spec = next(iter(content.items()))
    assert response.headers.get("content-type", "").startswith(media)
    schema = media_spec["schema"]
    jsonschema.Draft202012Validator(schema, resolver=RESOLVER).validate(response.json())


def catalog_traffic(client, anon):
    """Ordinary catalog reads and admin writes, as (what, expected status, response)."""
    sku = "P-" + os.urandom(4).hex()
    body = {"sku": sku, "name": "Proxy mug", "category": "kitchen", "price_cents": 1200, "stock": 5}
    created = client.post("/api/products", body, admin=True)
    path = f"/api/products/{created.json()['id']}"
    got = client.get(path)
    out = [("create", 201, created), ("get", 200, got),
           ("list", 200, client.get("/api/products?limit=3&category=kitchen")),
           ("search", 200, client.get("/api/products?q=mug")),
           ("categories", 200, client.get("/api/products/categories")),
           ("not modified", 304, client.get(path, headers={"If-None-Match": got.headers.get("etag", "")})),
           ("unknown id", 404, client.get("/api/products/99999999")),
           ("bad limit", 400, client.get("/api/products?limit=0")),
           ("invalid body", 422, client.post("/api/products", {"sku": "bad sku", "price": 1.5}, admin=True)),
           ("sku taken", 409, client.post("/api/products", body, admin=True)),
           ("no key", 401, anon.post("/api/products", body)),
           ("wrong key", 403, anon.post("/api/products", body, headers={"Authorization": "Bearer nope-nope-nope"})),
           ("patch", 200, client.patch(path, {"stock": 7}, admin=True)),
           ("stale If-Match", 412, client.put(path, dict(body, name="Renamed"), admin=True, headers={"If-Match": '"v1"'})),
           ("delete", 204, client.delete(path, admin=True)),
           ("health", 200, client.get("/health")),
           ("ready", 200, client.get("/ready"))]
    return out


def test_prism_proxy_in_front_of_the_service(ctx):
    """As the API's users check it: `prism proxy` in front of the running
    service, catalog traffic through it. Prism must report no violation of
    an answer; in front of the same service with the document written with
    keywords beside `$ref`, it reports them (the check can fail)."""
    for spec, clean in ((SPEC_PATH, True), (openapi.with_sibling_refs(SPEC), False)):
        with openapi.PrismProxy(spec, ctx.proc.base_url) as proxy:
            client = proxy.client(admin_key=service.TEST_ADMIN_KEY)
            anon = proxy.client()
            try:
                traffic = catalog_traffic(client, anon)
            finally:
                client.close()
                anon.close()
            assert [(what, r.status) for what, _, r in traffic] == [(what, want) for what, want, _ in traffic]
            found = {what: proxy.response_violations(r) for what, _, r in traffic}
            if clean:
                assert {k: v for k, v in found.items() if v} == {}, proxy.output()[-3000:]
            else:
                messages = [v["message"] for v in found["unknown id"]]
                assert any("found 'message'" in m for m in messages), found


@pytest.mark.parametrize("method,path,status", documented(), ids=lambda v: str(v))
def test_documented_response(ctx, method, path, status):
    if status in NOT_PROVOKED:
        pytest.skip(NOT_PROVOKED[status])
    make = recipe(method, path, status)
    assert make is not None, f"no recipe provokes {status} for {method} {path}: add one"
    response = make(ctx)
    EXCHANGES.record(method, path, response)
    check_response(method, path, status, response)


def test_document_style():
    assert openapi.style_problems(SPEC) == []


def test_examples_match_their_schemas():
    assert openapi.example_problems(SPEC) == []


def test_prism_finds_no_violation():
    """The second validator: every response the recipes provoked, through
    Prism's response validator, without a single violation."""
    provoked = {(e["method"], e["path"], str(e["status"])) for e in EXCHANGES.items}
    expected = {key for key in documented() if key[2] not in NOT_PROVOKED}
    assert provoked == expected, f"not recorded (run the whole module): {sorted(expected - provoked)}"
    checked, violations = openapi.prism_violations(SPEC_PATH, EXCHANGES)
    assert checked == len(EXCHANGES)
    assert violations == [], "\n".join(f"{v['exchange']}: {v['message']}" for v in violations)


def test_prism_rejects_refs_with_siblings():
    """The check can fail: the same responses against the document written
    with keywords beside `$ref` (valid JSON Schema 2020-12, which jsonschema
    still accepts) give Prism's violations."""
    assert len(EXCHANGES) > 0, "run the whole module"
    sibling_style = openapi.with_sibling_refs(SPEC)
    assert openapi.style_problems(sibling_style) != []
    resolver = jsonschema.RefResolver.from_schema(sibling_style)
    for e in EXCHANGES.items:
        response = sibling_style["paths"][e["path"]][e["method"].lower()]["responses"][str(e["status"])]
        while "$ref" in response:
            response = resolver.resolve(response["$ref"])[1]
        if response.get("content"):
            schema = next(iter(response["content"].values()))["schema"]
            jsonschema.Draft202012Validator(schema, resolver=resolver).validate(json.loads(e["body"]))
    _, violations = openapi.prism_violations(sibling_style, EXCHANGES)
    assert any("must NOT have additional properties; found 'message'" in v["message"] for v in violations), violations
