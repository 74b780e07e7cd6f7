"""A real OTLP/HTTP receiver for tests: accepts POST /v1/traces with the
JSON encoding of ExportTraceServiceRequest (as an OpenTelemetry collector
does), keeps every span with its resource, and answers 200 {}. Protobuf
bodies are refused with 415, like a collector with JSON only."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Span(dict):
    """One span as received, plus `resource` (its resource attributes as a
    dict) and `attrs` (its own attributes as a dict)."""

    @property
    def trace_id(self):
        return self["traceId"]

    @property
    def span_id(self):
        return self["spanId"]

    @property
    def parent_id(self):
        return self.get("parentSpanId", "")

    @property
    def service(self):
        return self.resource.get("service.name")


def attribute_map(attributes):
    out = {}
    for a in attributes or []:
        value = a["value"]
        (kind, v), = value.items()
        out[a["key"]] = int(v) if kind == "intValue" else v
    return out


class Receiver:
    def __init__(self):
        self.spans = []
        self.bodies = []  # raw request bodies, for "nothing secret" checks
        self.requests = 0
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                if self.path != "/v1/traces":
                    return self._answer(404, b'{"error":"not found"}')
                if not self.headers.get("Content-Type", "").startswith("application/json"):
                    return self._answer(415, b'{"error":"json only"}')
                try:
                    receiver._accept(body)
                except (ValueError, KeyError, TypeError) as e:
                    return self._answer(400, json.dumps({"error": str(e)}).encode())
                self._answer(200, b"{}")

            def _answer(self, status, body):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def _accept(self, body):
        doc = json.loads(body)
        received = []
        for rs in doc["resourceSpans"]:
            resource = attribute_map(rs.get("resource", {}).get("attributes"))
            for ss in rs["scopeSpans"]:
                for raw in ss["spans"]:
                    span = Span(raw)
                    span.resource = resource
                    span.attrs = attribute_map(raw.get("attributes"))
                    received.append(span)
        with self._lock:
            self.requests += 1
            self.bodies.append(body.decode())
            self.spans.extend(received)

    def trace(self, trace_id):
        with self._lock:
            return [s for s in self.spans if s.trace_id == trace_id]

    def wait_for(self, predicate, timeout=10):
        """Waits until predicate(spans) is true; returns the spans."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                spans = list(self.spans)
            if predicate(spans) or time.monotonic() > deadline:
                return spans
            time.sleep(0.05)

    def close(self):
        self.server.shutdown()
        self.server.server_close()
