"""The frontend service: static files with their headers and variants,
the SPA fallback, path traversal attempts, security headers, and the
storefront home endpoint with product-service up and down."""

import gzip
import os
import shutil
import tempfile

import pytest

from ecomtest import checkout
from ecomtest import cluster as pg
from ecomtest import http, service

JS = b"console.log('storefront');" * 20
INDEX = b"<!doctype html><html><head><script type=module src=/assets/app-1a2b3c.js></script></head></html>"


@pytest.fixture(scope="module")
def site():
    root = tempfile.mkdtemp(prefix="site-")
    outside = tempfile.mkdtemp(prefix="outside-")
    os.makedirs(os.path.join(root, "assets"))
    os.makedirs(os.path.join(root, "images"))
    with open(os.path.join(root, "index.html"), "wb") as f:
        f.write(INDEX)
    with open(os.path.join(root, "assets", "app-1a2b3c.js"), "wb") as f:
        f.write(JS)
    with open(os.path.join(root, "assets", "app-1a2b3c.js.gz"), "wb") as f:
        f.write(gzip.compress(JS))
    with open(os.path.join(root, "assets", "app-1a2b3c.js.br"), "wb") as f:
        f.write(b"brotli-bytes")
    with open(os.path.join(root, "images", "mug.svg"), "wb") as f:
        f.write(b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    with open(os.path.join(outside, "secret.txt"), "wb") as f:
        f.write(b"TOP-SECRET-OUTSIDE")
    os.symlink(os.path.join(outside, "secret.txt"), os.path.join(root, "secret.txt"))
    os.symlink(outside, os.path.join(root, "outside"))
    os.symlink("/etc/passwd", os.path.join(root, "passwd"))
    yield root
    shutil.rmtree(root)
    shutil.rmtree(outside)


@pytest.fixture(scope="module")
def shop():
    db = pg.Cluster.shared().create_shop()
    yield db
    db.drop()


@pytest.fixture(scope="module")
def stack(site, shop):
    products = service.product_service(shop)
    front = service.frontend(site, products.base_url, HOME_CACHE_MS=0, CATALOG_TIMEOUT_MS=500)
    yield products, front
    for proc in (front, products):
        if proc.alive():
            assert proc.stop() == 0
        proc.close()


@pytest.fixture
def client(stack):
    c = http.Client(stack[1].base_url)
    yield c
    c.close()


def test_index_headers(client):
    r = client.get("/")
    assert r.status == 200 and r.body == INDEX
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert r.headers["cache-control"] == "no-cache"
    assert r.headers["etag"].startswith('"')
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert r.headers["x-frame-options"] == "DENY"
    assert "strict-transport-security" not in r.headers
    r = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert r.headers["strict-transport-security"].startswith("max-age=31536000")


def test_hashed_assets_are_immutable_and_precompressed(client):
    plain = client.get("/assets/app-1a2b3c.js")
    assert plain.status == 200 and plain.body == JS
    assert plain.headers["content-type"] == "text/javascript; charset=utf-8"
    assert plain.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert plain.headers["vary"] == "Accept-Encoding"
    assert "content-encoding" not in plain.headers
    gz = client.get("/assets/app-1a2b3c.js", headers={"Accept-Encoding": "gzip"})
    assert gz.headers["content-encoding"] == "gzip" and gzip.decompress(gz.body) == JS
    br = client.get("/assets/app-1a2b3c.js", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert br.headers["content-encoding"] == "br" and br.body == b"brotli-bytes"
    assert len({plain.headers["etag"], gz.headers["etag"], br.headers["etag"]}) == 3
    for response, encoding in ((plain, ""), (gz, "gzip"), (br, "br")):
        again = client.get("/assets/app-1a2b3c.js", headers={"Accept-Encoding": encoding,
                                                            "If-None-Match": response.headers["etag"]})
        assert again.status == 304 and again.body == b""
        assert again.headers["etag"] == response.headers["etag"]


def test_images_and_head(client):
    r = client.request("HEAD", "/images/mug.svg")
    assert r.status == 200 and r.body == b""
    assert r.headers["content-type"] == "image/svg+xml"
    assert r.headers["cache-control"] == "public, max-age=3600"
    assert int(r.headers["content-length"]) > 0


def test_spa_fallback_only_for_client_routes(client):
    for route in ["/products", "/products/12", "/checkout", "/orders/0b6e1f3c-9d7a-4c2b-8e1f-0a9b8c7d6e5f", "/admin"]:
        r = client.get(route)
        assert r.status == 200 and r.body == INDEX, route
        assert r.headers["cache-control"] == "no-cache"
    for missing in ["/missing.js", "/assets/app-404.js", "/assets/nothing", "/images/none.svg", "/favicon.ico"]:
        r = client.get(missing)
        assert r.status == 404, missing
        assert r.error_code == "not_found"
    r = client.request("POST", "/")
    assert r.status == 405 and r.headers["allow"] == "GET, HEAD"


@pytest.mark.parametrize("target", [
    "/../etc/passwd", "/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/%2E%2E/%2E%2E/etc/passwd",
    "/%252e%252e/%252e%252e/etc/passwd", "/..%2f..%2f..%2fetc%2fpasswd", "/..%5c..%5c..%5cetc%5cpasswd",
    "/assets/..\\..\\..\\etc\\passwd", "/passwd", "/secret.txt", "/outside/secret.txt", "/assets/%00.js",
    "/assets/app-1a2b3c.js%00.html", "//etc/passwd", "/./../etc/passwd", "/images/../../etc/passwd",
    "/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
])
def test_traversal_never_escapes_the_root(stack, target):
    raw = http.raw_exchange(stack[1].port, f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    status = http.status_of(raw)
    assert status is not None and status != 500, raw[:200]
    assert b"root:" not in raw and b"TOP-SECRET-OUTSIDE" not in raw
    if status == 200:
        assert raw.endswith(INDEX), raw[:300]  # at most the app's index page


def test_home_combines_categories_and_featured(stack):
    products, front = stack
    catalog = http.Client(products.base_url, admin_key=service.TEST_ADMIN_KEY)
    ids = checkout.make_products(catalog, 3, 5, prefix="HOME")
    catalog.patch(f"/api/products/{ids[0]}", {"stock": 0}, admin=True)
    catalog.close()
    c = http.Client(front.base_url)
    r = c.get("/api/storefront/home")
    assert r.status == 200, r
    home = r.json()
    assert {"slug": "storm", "product_count": 3} in home["categories"]
    featured = [p["id"] for p in home["featured"]]
    assert ids[0] not in featured and ids[1] in featured and ids[2] in featured
    assert all(p["stock"] > 0 for p in home["featured"])
    assert r.headers["content-security-policy"]
    c.close()


def test_home_degrades_to_503_when_the_catalog_is_down(stack):
    products, front = stack
    products.stop()
    try:
        c = http.Client(front.base_url)
        r = c.get("/api/storefront/home")
        assert r.status == 503
        assert r.error_code == "catalog_unavailable"
        assert int(r.headers["retry-after"]) >= 1
        assert c.get("/").status == 200  # the app itself still loads
        c.close()
    finally:
        products.restart()
