#!/usr/bin/python3
"""Through the ALB container: the storefront (with its security headers),
the BFF home endpoint, an SPA route, and /internal/ not routed (404 as on
AWS). Usage: check_routes.py BASE_URL
With --prometheus PROMETHEUS_URL: every scrape target of the observability
profile is up."""

import json
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
    for e in errors:
        print(e)
    if not errors:
        print("routes ok")
    return 1 if errors else 0


if __name__ == "__main__":
    if sys.argv[1] == "--prometheus":
        sys.exit(prometheus(sys.argv[2]))
    sys.exit(main(sys.argv[1]))
