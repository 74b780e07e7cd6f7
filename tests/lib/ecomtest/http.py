"""HTTP clients for tests: a small keep-alive JSON client on http.client,
and raw sockets for requests no well-behaved client would send."""

import http.client
import json
import socket
import time


class Client:
    def __init__(self, base_url, admin_key=None, timeout=10):
        host_port = base_url.split("://", 1)[1]
        host, _, port = host_port.partition(":")
        self.host = host
        self.port = int(port or 80)
        self.admin_key = admin_key
        self.timeout = timeout
        self.conn = None

    def _connection(self):
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self.conn

    def request(self, method, path, body=None, headers=None, admin=False, raw_body=None):
        hdrs = dict(headers or {})
        data = raw_body
        if body is not None:
            data = json.dumps(body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        if admin and self.admin_key:
            hdrs.setdefault("Authorization", f"Bearer {self.admin_key}")
        for attempt in range(2):
            conn = self._connection()
            try:
                conn.request(method, path, body=data, headers=hdrs)
                resp = conn.getresponse()
                payload = resp.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A keep-alive connection the server closed: retry once on a new one.
                self.close()
                if attempt == 1:
                    raise
        result = Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, payload)
        if result.headers.get("connection", "").lower() == "close":
            self.close()
        return result

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body=body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, body=body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body=body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)

    @property
    def error_code(self):
        try:
            return self.json()["error"]["code"]
        except (ValueError, KeyError, TypeError):
            return None

    def __repr__(self):
        return f"<Response {self.status} {self.body[:200]!r}>"


def raw_exchange(port, data, timeout=5.0, read_until_close=True):
    """Sends bytes and returns everything the server answers until it
    closes (or the timeout)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        if data:
            s.sendall(data)
        chunks = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
            if not read_until_close:
                break
        return b"".join(chunks)


def status_of(raw):
    """The status code of the first response in raw bytes, or None."""
    if not raw.startswith(b"HTTP/1."):
        return None
    return int(raw.split(b" ", 2)[1])
