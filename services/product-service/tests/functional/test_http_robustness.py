"""Clients that misbehave: malformed and oversized requests, smuggling
attempts, slowloris, long keep-alive sessions and many connections. Not one
crash, hang or 5xx; every refusal is a JSON error."""

import asyncio
import json
import socket
import threading
import time

import pytest

from conftest import new_product
from ecomtest import http


def assert_json_error(raw, status):
    assert http.status_of(raw) == status, raw[:300]
    head, _, body = raw.partition(b"\r\n\r\n")
    assert b"Content-Type: application/json" in head
    assert body.startswith(b'{"error":{"code":'), body[:200]


MALFORMED = [
    b"GET\r\n\r\n",
    b"GET / HTTP/1.1 extra\r\nHost: x\r\n\r\n",
    b"\x00\x01\x02\x03\r\n\r\n",
    b"GET /api/products HTTP/1.1\r\nHost: x\r\nNo-Colon-Header\r\n\r\n",
    b"GET /api/products HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
    b"GET /api/products HTTP/1.1\r\nHost: x\r\nContent-Length: 1, 2\r\n\r\n",
    b"GET /api/products HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
    b"GET /api/products HTTP/1.1\r\n\r\n",
    b"GET api/products HTTP/1.1\r\nHost: x\r\n\r\n",
    b"POST /api/products HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    b"GET /api/products HTTP/2.0\r\nHost: x\r\n\r\n",
]


@pytest.mark.parametrize("request_bytes", MALFORMED)
def test_malformed_requests_get_a_json_4xx(catalog, request_bytes):
    raw = http.raw_exchange(catalog.port, request_bytes)
    status = http.status_of(raw)
    assert status is not None and 400 <= status < 506 and status != 500, raw[:300]
    assert_json_error(raw, status)
    assert catalog.alive()


def test_obsolete_line_folding_never_makes_a_new_header(catalog):
    # RFC 9112 lets a server replace obs-fold with spaces (Beast does) or
    # refuse it; either way the folded line must not become a header of its own.
    raw = http.raw_exchange(catalog.port, b"GET /api/products HTTP/1.1\r\nHost: x\r\n Connection: close\r\n"
                                          b"Connection: close\r\n\r\n")
    assert http.status_of(raw) in (200, 400)


def test_smuggling_attempts_are_refused(catalog):
    both = (b"POST /api/products HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /api/products/1 HTTP/1.1\r\nHost: x\r\n\r\n")
    raw = http.raw_exchange(catalog.port, both)
    assert_json_error(raw, 400)
    assert raw.count(b"HTTP/1.1 ") == 1  # the smuggled request is never answered
    te_first = (b"POST /api/products HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Transfer-Encoding: chunked, identity\r\nContent-Length: 5\r\n\r\n0\r\n\r\n")
    raw = http.raw_exchange(catalog.port, te_first)
    assert http.status_of(raw) in (400, 501)
    assert raw.count(b"HTTP/1.1 ") == 1


def test_truncated_and_invalid_json(catalog):
    client = http.Client(catalog.base_url, admin_key="test-admin-key-0123456789")
    for body in [b'{"sku":', b'{"sku":"a"', b"[", b"nul", b'{"a":1}}', b'\xff\xfe{}', b'{"a":"\xc3"}',
                 b"[" * 100 + b"]" * 100]:
        r = client.request("POST", "/api/products", raw_body=body, admin=True,
                           headers={"Content-Type": "application/json"})
        assert r.status == 400, (body, r)
        assert r.error_code == "invalid_json"
    client.close()
    # A body shorter than its Content-Length: the server waits, then gives up; no answer, no crash.
    raw = http.raw_exchange(catalog.port, b"POST /api/products HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                          b"Content-Length: 100\r\n\r\n{\"sku\":", timeout=12)
    assert raw == b"" or http.status_of(raw) in (400, 408)
    assert catalog.alive()


def test_oversized_body_and_headers(catalog):
    big_body = b"{" + b" " * (70 * 1024) + b"}"
    raw = http.raw_exchange(catalog.port, b"POST /api/products HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                          b"Content-Length: " + str(len(big_body)).encode() + b"\r\n\r\n" + big_body)
    assert_json_error(raw, 413)
    chunked = b"".join(b"%x\r\n%s\r\n" % (4096, b"a" * 4096) for _ in range(20)) + b"0\r\n\r\n"
    raw = http.raw_exchange(catalog.port, b"POST /api/products HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                          b"Transfer-Encoding: chunked\r\n\r\n" + chunked)
    assert_json_error(raw, 413)
    raw = http.raw_exchange(catalog.port, b"GET /api/products HTTP/1.1\r\nHost: x\r\nX-Long: " + b"a" * 9000 + b"\r\n\r\n")
    assert_json_error(raw, 431)
    many = b"".join(b"X-H%d: v\r\n" % i for i in range(2000))
    raw = http.raw_exchange(catalog.port, b"GET /api/products HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n")
    assert_json_error(raw, 431)
    raw = http.raw_exchange(catalog.port, b"GET /api/products?" + b"q" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert http.status_of(raw) in (414, 431)
    assert catalog.alive()


def test_header_injection_is_not_reflected(catalog):
    raw = http.raw_exchange(catalog.port, b"GET /api/products/1 HTTP/1.1\r\nHost: x\r\nX-Request-Id: a\rInjected: 1\r\n"
                                          b"Connection: close\r\n\r\n")
    assert b"Injected" not in raw
    raw = http.raw_exchange(catalog.port, b"GET /api/products/%3Cscript%3E HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert b"script" not in raw.lower()


def test_ten_thousand_requests_on_one_keep_alive_connection(catalog, client):
    pid = client.post("/api/products", new_product(), admin=True).json()["id"]
    request = f"GET /api/products/{pid} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
    with socket.create_connection(("127.0.0.1", catalog.port), timeout=10) as s:
        received = 0
        buffer = b""
        batch = 100
        for _ in range(10_000 // batch):
            s.sendall(request * batch)  # pipelined
            while received < batch:
                buffer += s.recv(1 << 20)
                while True:
                    head_end = buffer.find(b"\r\n\r\n")
                    if head_end < 0:
                        break
                    head = buffer[:head_end]
                    assert head.startswith(b"HTTP/1.1 200 OK"), head
                    length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
                    if len(buffer) < head_end + 4 + length:
                        break
                    buffer = buffer[head_end + 4 + length:]
                    received += 1
            received = 0
    assert catalog.alive()


def test_a_thousand_concurrent_connections(catalog, client):
    pid = client.post("/api/products", new_product(), admin=True).json()["id"]
    request = f"GET /api/products/{pid} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()

    async def one():
        reader, writer = await asyncio.open_connection("127.0.0.1", catalog.port)
        writer.write(request)
        await writer.drain()
        data = await reader.read()
        writer.close()
        return http.status_of(data)

    async def many():
        return await asyncio.gather(*[one() for _ in range(1000)])

    statuses = asyncio.run(asyncio.wait_for(many(), timeout=60))
    assert statuses.count(200) == 1000, {s: statuses.count(s) for s in set(statuses)}


def test_slowloris_does_not_starve_normal_clients(catalog, client):
    pid = client.post("/api/products", new_product(), admin=True).json()["id"]
    stop = threading.Event()
    slow_sockets = []

    def trickle():
        # 1,000 connections that send one header byte at a time, forever.
        for _ in range(1000):
            try:
                s = socket.create_connection(("127.0.0.1", catalog.port), timeout=5)
                s.sendall(b"GET /api/products HTTP/1.1\r\nHost: x\r\n")
                slow_sockets.append(s)
            except OSError:
                pass
        while not stop.is_set():
            for s in list(slow_sockets):
                try:
                    s.send(b"X")
                except OSError:
                    slow_sockets.remove(s)
            time.sleep(0.5)

    t = threading.Thread(target=trickle, daemon=True)
    t.start()
    try:
        time.sleep(1.0)
        latencies = []
        normal = http.Client(catalog.base_url, timeout=5)
        for _ in range(200):
            start = time.monotonic()
            r = normal.get(f"/api/products/{pid}")
            latencies.append(time.monotonic() - start)
            assert r.status == 200
        normal.close()
        latencies.sort()
        assert latencies[int(len(latencies) * 0.99) - 1] < 0.1, latencies[-5:]
        # The read deadline (HTTP_READ_TIMEOUT_MS, 10 s by default) closes the trickling connections.
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len(slow_sockets) > 0:
            time.sleep(0.5)
        assert len(slow_sockets) == 0, f"{len(slow_sockets)} slow connections still open"
    finally:
        stop.set()
        t.join(timeout=5)
        for s in slow_sockets:
            s.close()
    assert catalog.alive()


def test_no_server_errors_were_logged(catalog):
    errors = [line for line in catalog.log_lines() if line.get("level") in ("error", "fatal")]
    assert errors == [], json.dumps(errors)
    assert "http_server_request_duration_seconds_count" in catalog.metrics()
    five_xx = [l for l in catalog.metrics().splitlines()
               if l.startswith("http_server_request_duration_seconds_count") and 'status="5' in l
               and 'status="505"' not in l and 'status="501"' not in l and 'route="/ready"' not in l]
    assert five_xx == []
