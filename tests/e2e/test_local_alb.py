"""The local load balancer routes by path exactly as the ALB's listener
rules do, both built from config/routes.json; /internal/ never reaches a
service through it; slow and greedy clients are cut off; requests without a
Host are answered."""

import json
import os
import re
import select
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))

from ecomtest import cluster as pg  # noqa: E402
from ecomtest import http  # noqa: E402

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


def test_a_request_without_host_is_answered(full_stack):
    """HTTP/1.0 allows a request without Host; the ALB answers it, so the
    edge names itself instead of forwarding an empty Host (a 400)."""
    for path, marker in (("/api/products?limit=1", b'"items"'), ("/", b'id="root"'),
                         ("/api/storefront/home", b'"categories"')):
        raw = http.raw_exchange(full_stack.port, f"GET {path} HTTP/1.0\r\n\r\n".encode())
        assert http.status_of(raw) == 200, (path, raw[:300])
        assert marker in raw, (path, raw[:300])
