"""The local load balancer routes by path exactly as the ALB's listener
rules do, both built from config/routes.json; /internal/ never reaches a
service through it."""

import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))

from ecomtest import cluster as pg  # noqa: E402
from ecomtest import http  # noqa: E402

ROUTES = json.load(open(os.path.join(pg.SOURCE_DIR, "config", "routes.json")))


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
