"""Observability end to end: the whole platform behind the local load
balancer exports its spans to a real OTLP/HTTP receiver, and writes its
business metrics as CloudWatch Embedded Metric Format log lines.

A checkout must appear as one trace: the order-service server span, its
client span to product-service, product-service's reservation server span,
and the database spans under each, with the right parents; no span carries
a card number, an email or a customer name. The EMF lines must be valid
documents of the metrics config/emf_metrics.json declares."""

import json
import os
import re
import time

import pytest

from ecomtest import checkout
from ecomtest import cluster as pg
from ecomtest import http
from ecomtest.otlp import Receiver
from ecomtest.stack import FullStack

SERVER, CLIENT = 2, 3  # OTLP SpanKind
CARD = checkout.APPROVE
EMAIL = "trace.buyer@example.com"
NAME = "Tracy Buyer"
CATALOG = json.load(open(os.path.join(pg.SOURCE_DIR, "config", "emf_metrics.json")))
EMF_UNITS = {"Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes",
             "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count",
             "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second",
             "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second",
             "Count/Second", "None"}


@pytest.fixture(scope="module")
def observed():
    receiver = Receiver()
    shop = pg.Cluster.shared().create_shop()
    stack = FullStack(shop, env={
        "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint,
        "OTEL_TRACES_SAMPLER": "parentbased_always_on",
        "OTEL_BSP_SCHEDULE_DELAY": "100",
        "METRICS_EMF_INTERVAL_SECONDS": "1",
        "DEPLOYMENT_ENVIRONMENT": "e2e",
        "LOG_SAMPLE_RATE": "1",
        "HOME_CACHE_MS": "0",  # every home page calls product-service (traced)
    })
    yield stack, receiver
    codes = stack.close()
    receiver.close()
    shop.drop()
    assert all(code == 0 for code in codes.values()), codes


def server_span(spans, name, service):
    found = [s for s in spans if s["name"] == name and s["kind"] == SERVER and s.service == service]
    assert found, (name, service, [(s["name"], s.service) for s in spans])
    return found[0]


def children(spans, parent):
    return [s for s in spans if s.parent_id == parent.span_id]


def test_a_checkout_is_one_trace_across_services_and_the_database(observed):
    stack, receiver = observed
    client = http.Client(stack.base_url)
    product = client.get("/api/products?limit=1").json()["items"][0]
    started = time.time()
    r, _ = checkout.place(client, [(product["id"], 1)], card=CARD, email=EMAIL, name=NAME)
    assert r.status == 201, r
    order_id = r.json()["id"]
    client.close()

    def complete(spans):
        names = {(s.service, s["name"]) for s in spans}
        return ("order-service", "POST /api/orders") in names and \
            ("product-service", "POST /internal/reservations/{order_id}/commit") in names
    spans = receiver.wait_for(complete)
    order = server_span(spans, "POST /api/orders", "order-service")
    trace = receiver.trace(order.trace_id)

    # X-Ray compatible id: the first 32 bits are the epoch seconds.
    assert re.fullmatch(r"[0-9a-f]{32}", order.trace_id)
    assert abs(int(order.trace_id[:8], 16) - started) < 60
    assert order.parent_id == ""  # the client sent no context: a new trace
    assert order.attrs["http.route"] == "/api/orders"
    assert order.attrs["http.response.status_code"] == 201

    # order-service -> product-service: client span, then the server span under it.
    calls = [s for s in children(trace, order) if s["kind"] == CLIENT and s.attrs.get("peer.service")]
    reserve_call = [s for s in calls if s.attrs.get("url.path") == "/internal/reservations"]
    assert reserve_call, [(s["name"], s.attrs) for s in calls]
    reserve = server_span(trace, "POST /internal/reservations", "product-service")
    assert reserve.parent_id == reserve_call[0].span_id
    server_span(trace, "POST /internal/reservations/{order_id}/commit", "product-service")

    # Database spans: the reservation's statement under product-service's
    # server span, the saga's statements under order-service's.
    reserve_db = [s for s in children(trace, reserve) if s.attrs.get("db.system.name") == "postgresql"]
    assert [s.attrs["db.operation.name"] for s in reserve_db] == ["reserve_stock"]
    assert reserve_db[0]["kind"] == CLIENT
    order_db = [s for s in children(trace, order) if s.attrs.get("db.system.name") == "postgresql"]
    assert len(order_db) >= 2, [s["name"] for s in children(trace, order)]

    # Every span of the trace belongs to it and has a parent inside it, but the root.
    ids = {s.span_id for s in trace}
    assert all(s.parent_id in ids for s in trace if s is not order), [
        (s.service, s["name"], s.parent_id) for s in trace if s.parent_id not in ids]
    assert {s.service for s in trace} == {"order-service", "product-service"}

    # Resource attributes.
    assert order.resource["deployment.environment"] == "e2e"
    assert order.resource["service.version"]

    # Nothing about the customer or the card in any span, at any level.
    everything = "\n".join(receiver.bodies)
    for secret in (CARD, CARD[-8:], EMAIL, NAME, "exp_year", "cvc"):
        assert secret not in everything, secret
    assert order_id  # the order id may appear (it is not personal data)

    # The request log line of the checkout carries the same trace id.
    logged = [line for line in stack.orders.log_lines()
              if line.get("route") == "/api/orders" and line.get("method") == "POST"]
    assert any(line.get("trace_id") == order.trace_id for line in logged), logged[-3:]


def test_inbound_trace_context_is_continued(observed):
    stack, receiver = observed
    client = http.Client(stack.base_url)
    trace_id, parent = "5f5e1000" + "ab" * 12, "00f067aa0ba902b7"
    r = client.get("/api/products?limit=2", headers={"traceparent": f"00-{trace_id}-{parent}-01",
                                                     "tracestate": "vendor=abc"})
    assert r.status == 200
    amzn_root = "1-5f5e1001-" + "cd" * 12
    r = client.get("/api/products/categories",
                   headers={"X-Amzn-Trace-Id": f"Root={amzn_root};Parent=53995c3f42cd8ad8;Sampled=1"})
    assert r.status == 200
    # An unsampled caller: nothing is exported for it.
    unsampled = "5f5e1002" + "ef" * 12
    r = client.get("/api/products?limit=3", headers={"traceparent": f"00-{unsampled}-{parent}-00"})
    assert r.status == 200
    # Malformed context never breaks a request.
    for bad in ("00-zz-yy-01", "x" * 5000, "00-" + "0" * 32 + "-" + "0" * 16 + "-01"):
        assert client.get("/api/products?limit=1", headers={"traceparent": bad}).status == 200
    client.close()

    amzn_trace = "5f5e1001" + "cd" * 12
    spans = receiver.wait_for(lambda s: {trace_id, amzn_trace} <= {x.trace_id for x in s})
    first = server_span(receiver.trace(trace_id), "GET /api/products", "product-service")
    assert first.parent_id == parent
    assert first.get("traceState") == "vendor=abc"
    second = server_span(receiver.trace(amzn_trace), "GET /api/products/categories", "product-service")
    assert second.parent_id == "53995c3f42cd8ad8"
    time.sleep(0.5)  # a batch interval
    assert receiver.trace(unsampled) == []
    assert spans


def test_the_storefront_bff_call_is_traced_from_the_frontend(observed):
    stack, receiver = observed
    client = http.Client(stack.base_url)
    assert client.get("/api/storefront/home").status == 200
    client.close()
    spans = receiver.wait_for(lambda s: any(x.service == "frontend" and x["kind"] == SERVER for x in s))
    home = server_span(spans, "GET /api/storefront/home", "frontend")
    downstream = [s for s in receiver.wait_for(
        lambda s: sum(x.service == "product-service" and x.trace_id == home.trace_id and x["kind"] == SERVER
                      for x in s) >= 2)
        if s.trace_id == home.trace_id and s.service == "product-service" and s["kind"] == SERVER]
    # The home cache is off here: the page calls product-service (categories and products).
    assert len(downstream) == 2, [(s.service, s["name"]) for s in receiver.trace(home.trace_id)]
    calls = {s.span_id for s in receiver.trace(home.trace_id) if s["kind"] == CLIENT and s.service == "frontend"}
    assert all(s.parent_id in calls for s in downstream)


def test_health_probes_are_not_traced(observed):
    stack, receiver = observed
    for svc in (stack.products, stack.orders, stack.frontend):
        assert svc.status("/health") == 200
    time.sleep(0.5)
    assert not [s for s in receiver.spans if s["name"].endswith("/health") or s["name"].endswith("/ready")]


def validate_emf(doc):
    """The rules of the EMF specification CloudWatch Logs enforces."""
    aws = doc["_aws"]
    assert isinstance(aws["Timestamp"], int) and aws["Timestamp"] > 1_600_000_000_000
    directives = aws["CloudWatchMetrics"]
    assert isinstance(directives, list) and directives
    for d in directives:
        assert isinstance(d["Namespace"], str) and 0 < len(d["Namespace"]) <= 255
        for dimension_set in d["Dimensions"]:
            assert 0 < len(dimension_set) <= 30
            for name in dimension_set:
                assert isinstance(doc[name], str) and doc[name], name
        assert 0 < len(d["Metrics"]) <= 100
        for m in d["Metrics"]:
            assert isinstance(doc[m["Name"]], (int, float)), m
            assert m.get("Unit", "None") in EMF_UNITS, m


def emf_documents(svc):
    return [line for line in svc.log_lines() if "_aws" in line]


def declared(service):
    """(metric, dimension name, dimension value) the catalog declares for a service."""
    out = set()
    for m in CATALOG["metrics"]:
        if m["service"] == service:
            for value in m.get("values", [None]):
                out.add((m["name"], m.get("dimension"), value))
    return out


def test_business_metrics_are_written_as_valid_emf(observed):
    stack, _ = observed
    client = http.Client(stack.base_url)
    product = client.get("/api/products?limit=1").json()["items"][0]
    assert checkout.place(client, [(product["id"], 1)], card=checkout.DECLINE)[0].status == 402
    assert checkout.place(client, [(product["id"], 1)], card=checkout.NO_FUNDS)[0].status == 402
    for _ in range(3):
        client.get(f"/api/products/{product['id']}")
    client.get("/api/storefront/home")
    client.close()
    time.sleep(2.5)  # two reporting intervals

    for svc in (stack.orders, stack.products, stack.frontend):
        seen = set()
        for doc in emf_documents(svc):
            validate_emf(doc)
            assert doc["Service"] == svc.name and doc["Environment"] == "e2e"
            for d in doc["_aws"]["CloudWatchMetrics"]:
                assert d["Namespace"] == CATALOG["namespace"]
                assert all(ds[:2] == CATALOG["common_dimensions"] for ds in d["Dimensions"])
                own = [n for n in d["Dimensions"][0][2:]]
                for m in d["Metrics"]:
                    key = (m["Name"], own[0] if own else None, doc[own[0]] if own else None)
                    assert key in declared(svc.name), key  # only what the catalog declares
                    seen.add(key)
                    if m["Unit"] == "Count" and key[1] is not None:
                        assert doc[m["Name"]] > 0  # counts only when non-zero
        if svc is stack.orders:
            assert ("Orders", "Outcome", "payment_declined") in seen
            assert ("PaymentDeclines", "Reason", "card_declined") in seen
            assert ("PaymentDeclines", "Reason", "insufficient_funds") in seen
        elif svc is stack.products:
            assert ("ReservationsHeld", None, None) in seen
            assert ("CacheHitRatio", "Cache", "product") in seen
        else:
            assert ("CacheHitRatio", "Cache", "home") in seen


def test_every_catalog_source_is_a_series_its_service_exposes(observed):
    stack, _ = observed
    by_name = {"order-service": stack.orders, "product-service": stack.products, "frontend": stack.frontend}
    for m in CATALOG["metrics"]:
        text = by_name[m["service"]].metrics()
        src = m["source"]
        for series in (src.get("counter"), src.get("gauge"), src.get("hits"), src.get("misses")):
            if series is None:
                continue
            for value in m.get("values", [None]):
                pattern = re.escape(series) + (r"\{[^}]*" + re.escape(f'{src["label"]}="{value}"')
                                               if value is not None else r"[ {]")
                assert re.search(pattern, text), (m["service"], series, value)
