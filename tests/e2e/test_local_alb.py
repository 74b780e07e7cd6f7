"""The local load balancer routes by path exactly as the ALB's listener
rules do, both built from config/routes.json; /internal/ never reaches a
service through it, whatever the encoding; slow and greedy clients are cut
off; ambiguous framing is refused; requests without a Host are answered."""

import json
import os
import re
import select
import socket
import subprocess
import time

from ecomtest import cluster as pg
from ecomtest import http

ROUTES = json.load(open(os.path.join(pg.SOURCE_DIR, "config", "routes.json")))
RENDER = os.path.join(pg.SOURCE_DIR, "scripts", "lib", "render_nginx.py")

# The edge's limits (scripts/lib/render_nginx.py).
HEADER_TIMEOUT_S = 10
REQUESTS_PER_CLIENT = 128


def alb_target(path):
    """Which service the ALB sends `path` to: rules by priority, then the default."""
    for rule in sorted(ROUTES["rules"], key=lambda r: r["priority"]):
        for pattern in rule["path_patterns"]:
            regex = "^" + re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".") + "$"
            if re.match(regex, path):
                return rule["service"]
    return ROUTES["default_service"]


def test_every_path_goes_where_the_alb_would_send_it(full_stack):
    client = http.Client(full_stack.base_url)
    paths = ["/api/products", "/api/products?limit=1", "/api/products/1", "/api/products/categories",
             "/api/productsXYZ", "/api/orders", "/api/orders/00000000-0000-4000-8000-000000000000",
             "/api/ordersX", "/api/storefront/home", "/", "/products/3", "/assets/none.js", "/health"]
    for path in paths:
        r = client.get(path, headers={"X-Request-Id": "route-check"})
        expected = alb_target(path.split("?")[0])
        # Each service answers with its own marks: the frontend's security
        # headers, product-service's catalog, order-service's order errors.
        if expected == "frontend":
            assert "content-security-policy" in r.headers, path
        else:
            assert "content-security-policy" not in r.headers, path
        assert r.status != 502, path
    client.close()


def test_internal_routes_are_not_reachable(full_stack):
    client = http.Client(full_stack.base_url)
    for path in ["/internal/reservations", "/internal/reservations/00000000-0000-4000-8000-000000000000"]:
        for method in ("GET", "POST", "DELETE"):
            r = client.request(method, path)
            assert r.status == 404, (method, path, r)
            assert r.error_code == "not_found"
    client.close()


def test_forwarded_headers_are_set_by_the_balancer(full_stack):
    # A client cannot make a service believe it was reached over HTTPS.
    client = http.Client(full_stack.base_url)
    r = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "strict-transport-security" not in r.headers
    client.close()


def test_nginx_config_is_generated_from_the_routing_table():
    render = os.path.join(pg.SOURCE_DIR, "scripts", "lib", "render_nginx.py")
    conf = subprocess.run(["/usr/bin/python3", render, "/tmp/x", "8080", "product-service=1", "order-service=2",
                           "frontend=3"], capture_output=True, text=True, check=True).stdout
    for rule in ROUTES["rules"]:
        for pattern in rule["path_patterns"]:
            block = re.search(r"location \^~ " + re.escape(pattern.rstrip("*")) + r" \{\s*proxy_pass http://(\w+);", conf)
            assert block, pattern
            assert block.group(1) == rule["service"].replace("-", "_")
    assert re.search(r"location / \{\s*proxy_pass http://frontend;", conf)
    for prefix in ROUTES["never_routed_prefixes"]:
        assert f"location ^~ {prefix} {{" in conf


def test_local_and_compose_edges_share_the_client_limits():
    """run.sh and docker-compose.yml render the same limits: header, body
    and send timeouts, a per-client connection limit answered with a JSON
    429, and a server name for requests without Host."""
    local = subprocess.run(["/usr/bin/python3", RENDER, "/tmp/x", "8080", "product-service=1", "order-service=2",
                            "frontend=3"], capture_output=True, text=True, check=True).stdout
    compose = subprocess.run(["/usr/bin/python3", RENDER, "--compose"], capture_output=True, text=True,
                             check=True).stdout
    for conf in (local, compose):
        for directive in (f"client_header_timeout {HEADER_TIMEOUT_S}s;", "client_body_timeout 10s;",
                          "send_timeout 10s;", "limit_conn_zone $binary_remote_addr zone=per_client:",
                          f"limit_conn per_client {REQUESTS_PER_CLIENT};", "limit_conn_status 429;",
                          "server_name localhost;"):
            assert directive in conf, directive
        assert re.search(r"location @too_many_connections \{[^}]*return 429 '\{\"error\"", conf)


def test_terraform_alb_rules_come_from_the_same_table():
    main_tf = open(os.path.join(pg.SOURCE_DIR, "terraform", "main.tf")).read()
    assert 'jsondecode(file("${path.module}/../config/routes.json"))' in main_tf
    alb_call = re.search(r"module \"alb\" \{[\s\S]*?\n\}", main_tf).group(0)
    for key in ("rules", "default_service", "services", "never_routed_prefixes"):
        assert re.search(key + r"\s*=\s*local\.routes\." + key, alb_call), key
    alb = open(os.path.join(pg.SOURCE_DIR, "terraform", "modules", "alb", "main.tf")).read()
    assert "for r in var.routes.rules" in alb and "r.path_patterns" in alb
    assert "var.routes.never_routed_prefixes" in alb
    assert "var.routes.default_service" in alb


def _internal_requests_served(proc):
    """How many requests a service answered on its /internal/ routes."""
    total = 0
    for line in proc.metrics().splitlines():
        if line.startswith("http_server_request_duration_seconds_count{") and 'route="/internal/' in line:
            total += int(float(line.rsplit(" ", 1)[1]))
    return total


INTERNAL_TRICKS = [
    "/internal/reservations",
    "/internal/reservations/00000000-0000-4000-8000-000000000000",
    "/internal/reservations/00000000-0000-4000-8000-000000000000/commit",
    "/internal/reservations?state=held",
    "//internal/reservations",
    "/./internal/reservations",
    "/x/../internal/reservations",
    "/api/products/../../internal/reservations",
    "/api/orders/../../internal/reservations",
    "/api/products/%2e%2e/%2e%2e/internal/reservations",
    "/api/products/..%2f..%2finternal/reservations",
    "/api/products%2f..%2f..%2finternal%2freservations",
    "/api/products/%2E%2E%2F%2E%2E%2Finternal%2Freservations",
    "/api/products/..;/..;/internal/reservations",
    "/api/products/..\\..\\internal\\reservations",
    "/%69nternal/reservations",
    "/%2569nternal/reservations",
    "/internal%2freservations",
    "/internal;/reservations",
    "/internal%00/reservations",
    "/internal/reservations%20",
    "/INTERNAL/reservations",
    "http://127.0.0.1/internal/reservations",
]


def test_internal_routes_are_not_reachable_under_any_encoding(full_stack):
    """Encoded, doubled, dotted and absolute forms of /internal/: none
    reaches a service's internal API (its route counters do not move), and
    no answer is the internal API's own 401."""
    services = (full_stack.products, full_stack.orders, full_stack.frontend)
    before = [_internal_requests_served(p) for p in services]
    for path in INTERNAL_TRICKS:
        for method, body in (("GET", b""), ("POST", b'{"order_id":"00000000-0000-4000-8000-000000000000","items":[]}')):
            request = (f"{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                       f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body
            raw = http.raw_exchange(full_stack.port, request)
            status = http.status_of(raw)
            assert status is not None, (method, path, raw[:200])
            assert status not in (201, 401, 403, 409), (method, path, raw[:300])
            assert b'"unauthorized"' not in raw and b'"reservation' not in raw, (method, path, raw[:300])
    assert [_internal_requests_served(p) for p in services] == before


def _responses(raw):
    return raw.count(b"HTTP/1.1 ") + raw.count(b"HTTP/1.0 ")


SMUGGLING = {
    "Content-Length and Transfer-Encoding":
        b"POST /api/products HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 6\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /api/products/1 HTTP/1.1\r\nHost: x\r\n\r\n",
    "Transfer-Encoding before Content-Length":
        b"POST /api/products HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
        b"Content-Length: 4\r\n\r\n5c\r\nGET /api/products/1 HTTP/1.1\r\nHost: x\r\n\r\n0\r\n\r\n",
    "an unknown transfer coding":
        b"POST /api/products HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: xchunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n",
    "chunked, identity":
        b"POST /api/products HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n",
    "a tab before chunked":
        b"POST /api/products HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4\r\n"
        b"Transfer-Encoding:\tchunked\r\n\r\n0\r\n\r\n",
    "two Transfer-Encoding lines":
        b"POST /api/products HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n",
    "two different Content-Lengths":
        b"POST /api/products HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
        b"Content-Length: 41\r\n\r\n{}GET /api/products/1 HTTP/1.1\r\nHost: x\r\n\r\n",
    "a Content-Length list":
        b"POST /api/products HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 2, 41\r\n\r\n{}GET /api/products/1 HTTP/1.1\r\nHost: x\r\n\r\n",
}


def test_smuggling_attempts_are_refused_at_the_edge(full_stack):
    """Ambiguous framing is refused by the edge with one error and the
    connection closed: whatever was appended is never answered, so no
    request can hide in another's body (the services refuse the same
    framings themselves: test_http_robustness.py)."""
    for name, request in SMUGGLING.items():
        raw = http.raw_exchange(full_stack.port, request)
        assert http.status_of(raw) in (400, 501), (name, raw[:300])
        assert _responses(raw) == 1, (name, raw)


def _trickling_closed_within(port, connections, interval, limit):
    """Opens `connections` that send a request line, then one header line
    every `interval` seconds; returns how long each stayed open (None: still
    open after `limit` seconds)."""
    socks = []
    for _ in range(connections):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(b"GET /api/products HTTP/1.1\r\nHost: localhost\r\n")
        socks.append(s)
    start = time.monotonic()
    closed = {}
    try:
        while len(closed) < len(socks) and time.monotonic() - start < limit:
            waiting = [s for s in socks if s not in closed]
            readable, _, _ = select.select(waiting, [], [], interval)
            for s in readable:
                try:
                    s.recv(4096)  # the edge gave up: a 408 or the end of the stream
                except OSError:
                    pass
                closed[s] = time.monotonic() - start
            for s in waiting:
                if s in closed:
                    continue
                try:
                    s.sendall(b"X-Trickle: 1\r\n")
                except OSError:
                    closed[s] = time.monotonic() - start
    finally:
        for s in socks:
            s.close()
    return [closed.get(s) for s in socks]


def test_slow_header_clients_are_cut_off_by_the_edge(full_stack):
    """Six connections trickling a header line every 2 s: the edge closes
    each once its header timeout passes, however steadily it trickles."""
    durations = _trickling_closed_within(full_stack.port, 6, 2.0, limit=HEADER_TIMEOUT_S + 8)
    assert all(d is not None for d in durations), f"still open after {HEADER_TIMEOUT_S + 8} s: {durations}"
    assert max(durations) <= HEADER_TIMEOUT_S + 3, durations
    assert http.Client(full_stack.base_url).get("/api/products?limit=1").status == 200


def test_one_client_holds_a_bounded_number_of_requests_at_the_edge(full_stack):
    """Requests whose bodies never come hold a connection each; past the
    per-client limit the edge answers 429 at once, with a JSON error, and
    serves the client again once they are gone."""
    head = (b"POST /api/products HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            b"Content-Length: 1000\r\n\r\n{")
    held = []
    try:
        for _ in range(REQUESTS_PER_CLIENT):
            s = socket.create_connection(("127.0.0.1", full_stack.port), timeout=5)
            s.sendall(head)
            held.append(s)
        time.sleep(0.5)  # every one of them read by the edge
        for s in held:
            readable, _, _ = select.select([s], [], [], 0)
            assert not readable, "a request within the limit was answered before its body came"
        raw = http.raw_exchange(full_stack.port, head, timeout=3, read_until_close=False)
        assert http.status_of(raw) == 429, raw[:300]
        assert b'"code":"too_many_connections"' in raw, raw[:300]
        assert b"application/json" in raw.split(b"\r\n\r\n")[0]
    finally:
        for s in held:
            s.close()
    deadline = time.monotonic() + 5
    while True:
        r = http.Client(full_stack.base_url).get("/api/products?limit=1")
        if r.status == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert r.status == 200, r


def test_idle_connections_do_not_slow_normal_requests(full_stack):
    """400 connections that never send a byte: normal requests through the
    edge stay fast (idle connections are not counted against the client's
    limit; the header timeout closes them)."""
    client = http.Client(full_stack.base_url)
    for _ in range(20):
        client.get("/api/products?limit=1")
    idle = []
    try:
        for _ in range(400):
            idle.append(socket.create_connection(("127.0.0.1", full_stack.port), timeout=5))
        latencies = []
        for _ in range(200):
            start = time.monotonic()
            r = client.get("/api/products?limit=1")
            latencies.append(time.monotonic() - start)
            assert r.status == 200, r
        latencies.sort()
        # A starved edge would take seconds; this bound leaves room for a busy machine.
        assert latencies[int(len(latencies) * 0.99) - 1] < 0.2, latencies[-5:]
    finally:
        for s in idle:
            s.close()
        client.close()


def test_a_request_without_host_is_answered(full_stack):
    """HTTP/1.0 allows a request without Host; the ALB answers it, so the
    edge names itself instead of forwarding an empty Host (a 400)."""
    for path, marker in (("/api/products?limit=1", b'"items"'), ("/", b'id="root"'),
                         ("/api/storefront/home", b'"categories"')):
        raw = http.raw_exchange(full_stack.port, f"GET {path} HTTP/1.0\r\n\r\n".encode())
        assert http.status_of(raw) == 200, (path, raw[:300])
        assert marker in raw, (path, raw[:300])


def test_no_cors_headers_are_granted_to_other_origins(full_stack):
    """No service reflects a foreign Origin or grants credentials: the API
    is same-origin only (the storefront is served from the same host)."""
    client = http.Client(full_stack.base_url)
    origin = {"Origin": "https://evil.example"}
    answers = [client.get(path, headers=origin) for path in ("/", "/api/products", "/api/storefront/home",
                                                               "/api/orders/00000000-0000-4000-8000-000000000000")]
    for path in ("/api/products", "/api/orders", "/"):
        answers.append(client.request("OPTIONS", path, headers={
            **origin, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type"}))
    for r in answers:
        granted = {k: v for k, v in r.headers.items() if k.startswith("access-control-")}
        assert granted == {}, (r, granted)
        assert "evil.example" not in json.dumps(r.headers)
    client.close()
