"""An HTTP proxy on loopback that the fault tests put between a kernel and the embedded endpoint.

It forwards every request to its upstream, except where a rule says otherwise: answer with a
status, hold the request and never answer, cut the body short, answer bytes that are not HTTP, or
reset the connection. Rules match a method and a path regex and fire a given number of times. The
proxy can also be "down" (its port bound but not listening, so connections are refused) and can be
pointed at a new upstream, as when Livy restarts on another host or port."""
import http.client
import re
import socket
import struct
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Rule:
    """One fault: `action` for the next `times` requests whose method and path match."""

    def __init__(self, method, path, action, times=1, status=503):
        self.method = method
        self.path = re.compile(path)
        self.action = action
        self.times = times
        self.status = status
        self.fired = 0
        self.hit = threading.Event()

    def matches(self, method, path):
        return self.fired < self.times and method == self.method and self.path.search(path)


class FaultProxy:
    """Forwards 127.0.0.1:<port> to `upstream_url` with the rules given to add()."""

    def __init__(self, upstream_url, listening=True):
        self.upstream_url = upstream_url
        self.rules = []
        self.lock = threading.Lock()
        self.requests = []        # (method, path) of every request seen, faults included
        self.release = threading.Event()   # set to let held requests go (at shutdown)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _any(self):
                proxy._handle(self)

            do_GET = do_POST = do_DELETE = do_PUT = do_HEAD = _any

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler, bind_and_activate=False)
        self.server.daemon_threads = True
        self.server.allow_reuse_address = True
        self.server.server_bind()
        self.port = self.server.server_address[1]
        self.listening = False
        if listening:
            self.up()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def up(self):
        """Starts listening (connections were refused until now)."""
        self.server.server_activate()
        self.listening = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def add(self, method, path, action, times=1, status=503):
        rule = Rule(method, path, action, times, status)
        with self.lock:
            self.rules.append(rule)
        return rule

    def point_at(self, upstream_url):
        self.upstream_url = upstream_url

    def count(self, method, path_regex):
        pattern = re.compile(path_regex)
        with self.lock:
            return sum(1 for m, p in self.requests if m == method and pattern.search(p))

    def close(self):
        self.release.set()
        if self.listening:
            self.server.shutdown()
        self.server.server_close()

    # -- the handler's work

    def _rule_for(self, method, path):
        with self.lock:
            self.requests.append((method, path))
            for rule in self.rules:
                if rule.matches(method, path):
                    rule.fired += 1
                    return rule
        return None

    def _handle(self, h):
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        rule = self._rule_for(h.command, h.path)
        if rule is not None:
            rule.hit.set()
            if rule.action == "status":
                self._answer(h, rule.status, b'{"msg": "injected fault"}')
                return
            if rule.action == "hang":
                self.release.wait()
                h.close_connection = True
                return
            if rule.action == "reset":
                h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                h.connection.close()
                h.close_connection = True
                return
            if rule.action == "garbage":
                h.wfile.write(b"\x00\xffthis is not HTTP\r\n\r\n\x13\x37")
                h.wfile.flush()
                h.close_connection = True
                return
        status, headers, payload = self._forward(h.command, h.path, h.headers, body)
        if rule is not None and rule.action == "truncate":
            payload = payload[: max(1, len(payload) // 2)]
        if rule is not None and rule.action == "short":
            # Declares the whole body, sends half, and closes: the connection ends mid-body.
            h.send_response(status)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", str(len(payload)))
            h.end_headers()
            h.wfile.write(payload[: len(payload) // 2])
            h.wfile.flush()
            h.close_connection = True
            return
        if rule is not None and rule.action == "badjson":
            payload = b"<html>Proxy Error</html>"
            headers = [("Content-Type", "application/json")]
        self._answer(h, status, payload, headers)

    def _forward(self, method, path, headers, body):
        u = urllib.parse.urlparse(self.upstream_url)
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=600)
        try:
            fwd = {k: v for k, v in headers.items() if k.lower() not in ("host", "connection", "content-length")}
            conn.request(method, path, body=body or None, headers=fwd)
            resp = conn.getresponse()
            payload = resp.read()
            kept = [(k, v) for k, v in resp.getheaders()
                    if k.lower() not in ("content-length", "connection", "transfer-encoding")]
            return resp.status, kept, payload
        except OSError:
            return 502, [("Content-Type", "text/plain")], b"upstream unreachable"
        finally:
            conn.close()

    @staticmethod
    def _answer(h, status, payload, headers=(("Content-Type", "application/json"),)):
        h.send_response(status)
        for k, v in headers:
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(payload)))
        h.end_headers()
        h.wfile.write(payload)
        h.wfile.flush()
