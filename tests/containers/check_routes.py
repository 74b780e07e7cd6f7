#!/usr/bin/python3
"""Through the ALB container: the storefront (with its security headers),
the BFF home endpoint, an SPA route, /internal/ not routed (404 as on
AWS), a request without Host answered, and a client trickling its header
cut off by the header timeout (the config of scripts/lib/render_nginx.py).
Usage: check_routes.py BASE_URL
With --prometheus PROMETHEUS_URL: every scrape target of the observability
profile is up."""

import json
import select
import socket
import sys
import time
import urllib.error
import urllib.request


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def prometheus(base, attempts=60):
    """Every scrape target up (scrapes every 5 s; allow a minute)."""
    health = {}
    for _ in range(attempts):
        status, _, body = get(f"{base}/api/v1/targets")
        if status == 200:
            targets = json.loads(body)["data"]["activeTargets"]
            health = {t["labels"]["instance"]: t["health"] for t in targets}
            if len(health) == 3 and set(health.values()) == {"up"}:
                print(f"targets up: {sorted(health)}")
                return 0
        time.sleep(1)
    print(f"Prometheus targets: {health}")
    return 1


def exchange(host, port, data, timeout=5):
    with socket.create_connection((host, port), timeout=timeout) as s:
        s.sendall(data)
        chunks = []
        while True:
            try:
                chunk = s.recv(65536)
            except (socket.timeout, ConnectionResetError):
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


def edge_limits(base):
    errors = []
    host, port = base.split("://", 1)[1].split(":")
    port = int(port)
    raw = exchange(host, port, b"GET /api/products?limit=1 HTTP/1.0\r\n\r\n")
    if not raw.startswith(b"HTTP/1.1 200"):
        errors.append(f"HTTP/1.0 without Host -> {raw[:60]!r}, not 200")
    # A header line every 2 s: closed by the 10 s header timeout, not kept.
    s = socket.create_connection((host, port), timeout=5)
    s.sendall(b"GET /api/products HTTP/1.1\r\nHost: localhost\r\n")
    start = time.monotonic()
    closed = None
    while time.monotonic() - start < 18:
        readable, _, _ = select.select([s], [], [], 2)
        if readable:
            closed = time.monotonic() - start
            break
        try:
            s.sendall(b"X-Trickle: 1\r\n")
        except OSError:
            closed = time.monotonic() - start
            break
    s.close()
    if closed is None or closed > 13:
        errors.append(f"a client trickling its header was still served after {time.monotonic() - start:.0f} s")
    return errors


def main(base):
    errors = []
    status, headers, body = get(f"{base}/")
    lower = {k.lower(): v for k, v in headers.items()}
    if status != 200 or b'id="root"' not in body:
        errors.append(f"GET / -> {status}, not the storefront page")
    if "content-security-policy" not in lower:
        errors.append("GET /: no Content-Security-Policy (not served by the frontend)")
    status, _, body = get(f"{base}/products/1")
    if status != 200:
        errors.append(f"GET /products/1 (SPA route) -> {status}")
    status, _, body = get(f"{base}/api/storefront/home")
    if status != 200:
        errors.append(f"GET /api/storefront/home -> {status}")
    else:
        json.loads(body)
    status, _, body = get(f"{base}/internal/reservations")
    if status != 404:
        errors.append(f"GET /internal/reservations -> {status}, not 404")
    errors += edge_limits(base)
    for e in errors:
        print(e)
    if not errors:
        print("routes ok")
    return 1 if errors else 0


if __name__ == "__main__":
    if sys.argv[1] == "--prometheus":
        sys.exit(prometheus(sys.argv[2]))
    sys.exit(main(sys.argv[1]))
