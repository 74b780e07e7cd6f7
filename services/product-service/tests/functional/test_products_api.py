"""The catalog API against the running binary and a real PostgreSQL."""

import threading
import urllib.parse
import uuid

from conftest import new_product
from ecomtest import http, service


def create(client, **overrides):
    r = client.post("/api/products", new_product(**overrides), admin=True)
    assert r.status == 201, r
    return r


def test_create_then_read(client):
    r = create(client, name="Blue mug", price_cents=1500)
    product = r.json()
    assert r.headers["location"] == f"/api/products/{product['id']}"
    assert r.headers["etag"] == f"\"v{product['version']}\""
    assert product["currency"] == "USD"
    assert product["price_cents"] == 1500
    assert set(product) == {"id", "sku", "name", "description", "category", "price_cents", "currency", "stock",
                            "image_url", "created_at", "updated_at", "version"}
    got = client.get(f"/api/products/{product['id']}")
    assert got.status == 200
    assert got.json() == product
    assert got.headers["etag"] == r.headers["etag"]
    assert got.headers["content-type"] == "application/json"


def test_etag_revalidation(client):
    product = create(client).json()
    etag = client.get(f"/api/products/{product['id']}").headers["etag"]
    r = client.get(f"/api/products/{product['id']}", headers={"If-None-Match": etag})
    assert r.status == 304
    assert r.body == b""
    assert r.headers["etag"] == etag
    assert client.get(f"/api/products/{product['id']}", headers={"If-None-Match": '"v999"'}).status == 200
    assert client.get(f"/api/products/{product['id']}", headers={"If-None-Match": "*"}).status == 304


def test_unknown_products_are_404_json(client):
    for path in ["/api/products/999999999", "/api/products/abc", "/api/products/0", "/api/products/-1"]:
        r = client.get(path)
        assert r.status == 404, path
        assert r.error_code == "not_found"


def test_admin_writes_need_the_key(client, catalog):
    body = new_product()
    anonymous = http.Client(catalog.base_url)
    r = anonymous.post("/api/products", body)
    assert r.status == 401
    assert r.error_code == "unauthorized"
    assert "bearer" in r.headers["www-authenticate"].lower()
    r = anonymous.post("/api/products", body, headers={"Authorization": "Bearer wrong-key-wrong-key"})
    assert r.status == 403
    assert r.error_code == "forbidden"
    anonymous.close()


def test_validation_errors_name_fields(client):
    r = client.post("/api/products", {"sku": "bad sku", "name": "", "category": "X", "price_cents": 1.5,
                                      "stock": -1, "color": "red", "id": 3}, admin=True)
    assert r.status == 422
    err = r.json()["error"]
    assert err["code"] == "validation_failed"
    fields = {d["field"] for d in err["details"]}
    assert fields == {"sku", "name", "category", "price_cents", "stock", "color", "id"}


def test_malformed_json_and_wrong_type(client):
    r = client.request("POST", "/api/products", raw_body=b'{"sku": "x",', admin=True,
                       headers={"Content-Type": "application/json"})
    assert r.status == 400 and r.error_code == "invalid_json"
    r = client.request("POST", "/api/products", raw_body=b'{"sku":"a","sku":"b"}', admin=True,
                       headers={"Content-Type": "application/json"})
    assert r.status == 400 and r.error_code == "invalid_json"
    r = client.request("POST", "/api/products", raw_body=b"sku=x", admin=True,
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 415 and r.error_code == "unsupported_media_type"
    r = client.request("POST", "/api/products", raw_body=b"", admin=True, headers={"Content-Type": "application/json"})
    assert r.status == 400


def test_duplicate_sku_is_409(client):
    product = create(client).json()
    r = client.post("/api/products", new_product(sku=product["sku"]), admin=True)
    assert r.status == 409 and r.error_code == "sku_taken"
    other = create(client).json()
    r = client.patch(f"/api/products/{other['id']}", {"sku": product["sku"]}, admin=True)
    assert r.status == 409 and r.error_code == "sku_taken"


def test_put_patch_and_if_match(client):
    product = create(client).json()
    path = f"/api/products/{product['id']}"
    r = client.patch(path, {"stock": 3}, admin=True, headers={"If-Match": '"v1"'})
    assert r.status == 200, r
    assert r.json()["stock"] == 3
    assert r.json()["version"] == 2
    assert r.headers["etag"] == '"v2"'
    # The same version again is stale.
    r = client.patch(path, {"stock": 4}, admin=True, headers={"If-Match": '"v1"'})
    assert r.status == 412 and r.error_code == "precondition_failed"
    full = new_product(sku=product["sku"], name="Renamed", price_cents=999, stock=7)
    r = client.put(path, full, admin=True, headers={"If-Match": '"v2"'})
    assert r.status == 200
    assert r.json()["name"] == "Renamed"
    assert r.json()["created_at"] == product["created_at"]
    assert r.json()["updated_at"] >= product["updated_at"]
    # PUT needs every required field.
    assert client.put(path, {"name": "x"}, admin=True).status == 422
    assert client.patch(path, {}, admin=True).status == 422
    assert client.patch(path, {"stock": 1}, admin=True, headers={"If-Match": "v3"}).status == 400
    assert client.patch(path, {"stock": 1}, admin=True, headers={"If-Match": "*"}).status == 200
    assert client.patch("/api/products/99999999", {"stock": 1}, admin=True).status == 404


def test_the_stock_check_constraint_backs_validation(client, shop):
    product = create(client).json()
    out = shop.sql(f"UPDATE catalog.products SET stock = -1 WHERE id = {product['id']}") if False else None
    assert out is None
    # The database refuses negative stock even without the API's validation.
    try:
        shop.cluster.psql(f"UPDATE catalog.products SET stock = -1 WHERE id = {product['id']}", dbname=shop.name)
        raise AssertionError("negative stock was accepted")
    except RuntimeError as e:
        assert "products_stock_check" in str(e)


def test_delete_archives(client):
    product = create(client).json()
    path = f"/api/products/{product['id']}"
    assert client.delete(path, admin=True, headers={"If-Match": '"v9"'}).status == 412
    r = client.delete(path, admin=True)
    assert r.status == 204 and r.body == b""
    assert client.get(path).status == 404
    assert client.delete(path, admin=True).status == 404
    # The SKU is free again.
    create(client, sku=product["sku"])


def test_method_not_allowed(client):
    r = client.request("PUT", "/api/products")
    assert r.status == 405
    assert r.headers["allow"] == "GET, HEAD, POST"
    assert r.error_code == "method_not_allowed"


def test_pagination_is_stable_over_inserts(client):
    category = "page-" + client.post("/api/products", new_product(), admin=True).json()["sku"].lower()[2:]
    created = [create(client, category=category).json()["id"] for _ in range(7)]
    seen = []
    cursor = None
    pages = 0
    while True:
        path = f"/api/products?category={category}&limit=3" + (f"&cursor={cursor}" if cursor else "")
        r = client.get(path)
        assert r.status == 200
        page = r.json()
        seen += [p["id"] for p in page["items"]]
        pages += 1
        if pages == 1:
            # Products added while paging appear at the end, never twice.
            created += [create(client, category=category).json()["id"] for _ in range(2)]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == created
    assert pages == 3


def test_list_filters_and_limits(client):
    token = create(client).json()["sku"].lower()[2:]
    a = create(client, name=f"Zebra lamp {token}", category="lighting").json()
    b = create(client, name="Plain lamp", description=f"Glows {token}", category="lighting").json()
    create(client, name=f"Zebra mug {token}", category="kitchen")
    r = client.get(f"/api/products?q={token}&category=lighting")
    ids = [p["id"] for p in r.json()["items"]]
    assert ids == [a["id"], b["id"]]
    r = client.get(f"/api/products?q=ZEBRA+LAMP+{token}")
    assert [p["id"] for p in r.json()["items"]] == [a["id"]]
    assert client.get("/api/products?q=%25%25%25_").json()["items"] == []  # wildcards are literal
    assert client.get("/api/products?limit=2").json()["next_cursor"] is not None
    for bad in ["limit=0", "limit=101", "limit=x", "cursor=garbage", "category=NOPE!"]:
        r = client.get("/api/products?" + bad)
        assert r.status == 400, bad
        assert r.error_code in ("invalid_parameter", "invalid_cursor")


def test_concurrent_conditional_updates_let_exactly_one_win(client, catalog):
    product = create(client, stock=100).json()
    path = f"/api/products/{product['id']}"
    results = []
    lock = threading.Lock()

    def attempt(i):
        c = http.Client(catalog.base_url, admin_key=service.TEST_ADMIN_KEY)
        r = c.patch(path, {"stock": i}, admin=True, headers={"If-Match": '"v1"'})
        c.close()
        with lock:
            results.append(r.status)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200] + [412] * 19
    assert client.get(path).json()["version"] == 2


def test_health_and_ready(catalog, client):
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get("/ready").json() == {"status": "ready"}
    text = catalog.metrics()
    assert 'http_server_request_duration_seconds_count{listener="api",method="GET",route="/api/products/{id}"' in text
    assert "db_pool_connections" in text
    assert 'cache_hits_total{cache="product"}' in text
    assert client.get("/metrics").status == 404  # only on the admin port


BIDI_CONTROLS = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]


def test_bidirectional_controls_are_refused_in_every_text_field(client):
    """A name or description that would render reversed (U+202A-U+202E,
    U+2066-U+2069) is refused with a 422 naming the field, on create, replace
    and patch; right-to-left text itself is welcome."""
    for control in BIDI_CONTROLS:
        for field in ("name", "description"):
            r = client.post("/api/products", new_product(**{field: f"Mug {control}gpj.exe"}), admin=True)
            assert r.status == 422, (hex(ord(control)), field, r)
            details = r.json()["error"]["details"]
            assert [d["field"] for d in details] == [field], details
            assert "bidirectional" in details[0]["message"]
    product = create(client).json()
    path = f"/api/products/{product['id']}"
    r = client.patch(path, {"name": "Tea \u2067cup"}, admin=True)
    assert r.status == 422 and r.json()["error"]["details"][0]["field"] == "name", r
    r = client.put(path, new_product(sku=product["sku"], description="Fine\u202e print"), admin=True)
    assert r.status == 422 and r.json()["error"]["details"][0]["field"] == "description", r
    assert client.get(path).json()["name"] == product["name"]
    r = client.post("/api/products", new_product(name="\u05db\u05d5\u05e1 \u05ea\u05d4", description="\u0645\u0631\u062d\u0628\u0627"),
                    admin=True)
    assert r.status == 201, r


def test_the_admin_key_is_never_read_from_the_query_string(catalog):
    anon = http.Client(catalog.base_url)
    for param in ("api_key", "key", "admin_key", "access_token", "token", "authorization"):
        r = anon.post(f"/api/products?{param}={service.TEST_ADMIN_KEY}", new_product())
        assert r.status == 401, (param, r)
        assert r.error_code == "unauthorized"
    anon.close()


def test_internal_routes_need_the_internal_key(catalog):
    """/internal/ is never routed by the load balancer; the service itself
    also refuses it without the internal key (the admin key is not it, nor
    is a key in the query string)."""
    anon = http.Client(catalog.base_url)
    body = {"order_id": str(uuid.uuid4()), "items": [{"product_id": 1, "quantity": 1}]}
    paths = [("POST", "/internal/reservations", body), ("GET", "/internal/reservations", None),
             ("GET", f"/internal/reservations/{body['order_id']}", None),
             ("POST", f"/internal/reservations/{body['order_id']}/commit", None),
             ("DELETE", f"/internal/reservations/{body['order_id']}", None)]
    for method, path, payload in paths:
        r = anon.request(method, path, body=payload)
        assert r.status == 401 and r.error_code == "unauthorized", (method, path, r)
        r = anon.request(method, path + f"?key={service.TEST_INTERNAL_KEY}", body=payload)
        assert r.status == 401, (method, path, r)
        for wrong in ("Bearer wrong-internal-key-0000", f"Bearer {service.TEST_ADMIN_KEY}"):
            r = anon.request(method, path, body=payload, headers={"Authorization": wrong})
            assert r.status == 403 and r.error_code == "forbidden", (method, path, wrong, r)
    r = anon.get("/internal/reservations", headers={"Authorization": f"Bearer {service.TEST_INTERNAL_KEY}"})
    assert r.status == 200, r
    anon.close()


def test_internal_reservations_name_products_by_id(catalog, client):
    """The inventory API refuses a reservation naming unknown products with
    their ids, and one short of stock with a shortage per product id: the
    caller (order-service) reads ids, never indices into its request."""
    internal = http.Client(catalog.base_url)
    auth = {"Authorization": f"Bearer {service.TEST_INTERNAL_KEY}"}
    mug = create(client, stock=2).json()
    missing = 987654321

    def reserve(items):
        return internal.post("/internal/reservations", {"order_id": str(uuid.uuid4()), "items": items}, headers=auth)

    r = reserve([{"product_id": mug["id"], "quantity": 1}, {"product_id": missing, "quantity": 1}])
    assert r.status == 422 and r.error_code == "unknown_product", r
    assert r.json()["error"]["product_ids"] == [missing]
    assert [d["field"] for d in r.json()["error"]["details"]] == ["items[1].product_id"]
    r = reserve([{"product_id": missing + 1, "quantity": 1}, {"product_id": missing, "quantity": 1}])
    assert r.json()["error"]["product_ids"] == [missing, missing + 1], r
    r = reserve([{"product_id": mug["id"], "quantity": 3}])
    assert r.status == 409 and r.error_code == "insufficient_stock", r
    assert [(s["product_id"], s["requested"], s["available"]) for s in r.json()["error"]["shortages"]] == \
        [(mug["id"], 3, 2)]
    assert client.get(f"/api/products/{mug['id']}").json()["stock"] == 2
    internal.close()


def test_sql_metacharacters_are_data(client, shop):
    """Quotes, comments and semicolons in a search or a name are text:
    every statement binds its parameters."""
    name = "Mug'); DROP TABLE catalog.products;--"
    created = create(client, name=name).json()
    assert client.get(f"/api/products/{created['id']}").json()["name"] == name
    for q in ("' OR '1'='1", "x'; DELETE FROM catalog.products;--", "\\' OR 1=1 --"):
        r = client.get("/api/products?q=" + urllib.parse.quote(q))
        assert r.status == 200 and r.json()["items"] == [], (q, r)
    r = client.get("/api/products?q=" + urllib.parse.quote("DROP TABLE catalog.products"))
    assert [p["id"] for p in r.json()["items"]] == [created["id"]]
    r = client.get("/api/products?category=" + urllib.parse.quote("x' OR '1'='1"))
    assert r.status == 400
    assert int(shop.sql("SELECT count(*) FROM catalog.products")) >= 1
