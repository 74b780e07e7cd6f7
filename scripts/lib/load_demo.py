#!/usr/bin/python3
"""Loads the demo catalog through the product API when the catalog is
empty. Usage: load_demo.py BASE_URL ADMIN_KEY CATALOG_JSON"""

import json
import sys
import urllib.error
import urllib.request


def call(method, url, key=None, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if key:
        req.add_header("Authorization", f"Bearer {key}")
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status, json.loads(r.read() or b"null")


def main():
    base, key, path = sys.argv[1:4]
    _, page = call("GET", f"{base}/api/products?limit=1")
    if page["items"]:
        print("catalog already has products; demo data not loaded")
        return 0
    products = json.load(open(path))
    for product in products:
        try:
            call("POST", f"{base}/api/products", key, product)
        except urllib.error.HTTPError as e:
            print(f"could not load {product.get('sku')}: {e.code} {e.read().decode()}", file=sys.stderr)
            return 1
    print(f"loaded {len(products)} demo products")
    return 0


if __name__ == "__main__":
    sys.exit(main())
