#!/usr/bin/python3
"""Loads the demo catalog through the product API, idempotently by SKU: the
products of CATALOG_JSON whose SKU the catalog does not have yet are
created (POST /api/products with the admin key); products it already has are
left alone, whatever their stock or price. A second run changes nothing.

Usage: load_demo.py BASE_URL ADMIN_KEY CATALOG_JSON
  ADMIN_KEY  the admin API key, or "-" to read it from the environment
             variable ADMIN_API_KEY (keeps it out of the process list)
Prints one summary line ("loaded N of M demo products; K already there").
Exit 0 when every SKU is in the catalog afterwards, 1 otherwise (a refused
product is named with the API's answer), 2 on a usage error."""

import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

PAGE = 100
RETRIES = 3


class ApiError(Exception):
    def __init__(self, method, url, status, body):
        super().__init__(f"{method} {url}: {status} {body[:300]}")
        self.status = status
        self.body = body


def call(method, url, key=None, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if key:
        req.add_header("Authorization", f"Bearer {key}")
    for attempt in range(RETRIES):
        try:
            with urllib.request.urlopen(req, timeout=15) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            text = e.read().decode(errors="replace")
            # 502/503/504: a load balancer or a service still starting; retry.
            if e.code in (502, 503, 504) and attempt + 1 < RETRIES:
                time.sleep(1 + attempt)
                continue
            raise ApiError(method, url, e.code, text) from None
    raise AssertionError("unreachable")


def existing_skus(base):
    """Every SKU of the catalog, following next_cursor page by page."""
    skus = set()
    cursor = ""
    while True:
        query = {"limit": PAGE}
        if cursor:
            query["cursor"] = cursor
        _, page = call("GET", f"{base}/api/products?{urllib.parse.urlencode(query)}")
        skus.update(item["sku"] for item in page["items"])
        cursor = page.get("next_cursor") or ""
        if not cursor:
            return skus


def main(argv):
    if len(argv) != 4 or argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr if len(argv) != 2 else sys.stdout)
        return 0 if len(argv) == 2 and argv[1] in ("-h", "--help") else 2
    base, key, path = argv[1].rstrip("/"), argv[2], argv[3]
    if key == "-":
        key = os.environ.get("ADMIN_API_KEY", "")
        if not key:
            print("load_demo.py: ADMIN_KEY is '-' but ADMIN_API_KEY is not set", file=sys.stderr)
            return 2
    try:
        with open(path, encoding="utf-8") as f:
            products = json.load(f)
    except (OSError, ValueError) as e:
        print(f"load_demo.py: cannot read the catalog {path}: {e}", file=sys.stderr)
        return 2
    if not isinstance(products, list) or not all(isinstance(p, dict) and p.get("sku") for p in products):
        print(f"load_demo.py: {path} is not a list of products with a sku each", file=sys.stderr)
        return 2
    try:
        have = existing_skus(base)
        created = 0
        for product in products:
            if product["sku"] in have:
                continue
            try:
                call("POST", f"{base}/api/products", key, product)
                created += 1
            except ApiError as e:
                # Another loader created it meanwhile: it is there, which is the goal.
                if e.status == 409 and '"sku_taken"' in e.body:
                    continue
                print(f"could not load {product['sku']}: {e.status} {e.body[:300]}", file=sys.stderr)
                return 1
            have.add(product["sku"])
    except ApiError as e:
        print(f"load_demo.py: {e}", file=sys.stderr)
        return 1
    except (urllib.error.URLError, OSError) as e:
        print(f"load_demo.py: {base} does not answer: {e}", file=sys.stderr)
        return 1
    print(f"loaded {created} of {len(products)} demo products; {len(products) - created} already there")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
