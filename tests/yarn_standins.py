"""Loopback stand-ins for what sits between a notebook and Spark on EMR: YARN's web proxy (port
20888), the Spark history server (port 18080) and Livy reporting the proxy as each session's Spark UI.

- `SparkUiRewriter`: a FaultProxy in front of the embedded endpoint that answers every session's
  `appInfo.sparkUiUrl` as the YARN proxy's `http://127.0.0.1:<standby>/proxy/<appId>/`, as Livy on
  YARN does, and remembers the real Spark UI behind each appId.
- `YarnProxy`: two ports, as YARN with two ResourceManagers: the standby one redirects (307) every
  request to the active one, whose web proxy serves the real Spark UI under `/proxy/<appId>/` (path
  and query passed on; `/proxy/<appId>` without the slash redirected to it) or, by `mode`, answers as
  YARN does for an application in another state: `accepted` (a redirect to the ResourceManager's
  HTML page of the application), `unknown` (a 404 HTML page "could not be found in RM or history
  server"), `finished` (a redirect to the history server's `/history/<appId>/1/<rest>`).
- `HistoryServer`: the history server's REST API over the live UI's JSON, with attempt id "1" as in
  YARN cluster mode (`/api/v1/applications/<appId>/1/...`, `/history/<appId>/1/api/v1/...`); in mode
  `unparsed` it answers 404 "no such app" as before it has read the event log. Answers it gave are
  kept and served again once the application's driver is gone.
Every stand-in records the (port, path) of each request."""
import http.client
import json
import re
import socket
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from fault_proxy import FaultProxy


def _fetch(base_url, path):
    """GET base_url + path: (status, content type, body bytes); (502, ...) when nothing answers."""
    u = urllib.parse.urlparse(base_url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    try:
        conn.request("GET", u.path.rstrip("/") + path)
        resp = conn.getresponse()
        return resp.status, resp.getheader("Content-Type", "application/json"), resp.read()
    except OSError:
        return 502, "text/plain", b"upstream unreachable"
    finally:
        conn.close()


class _Server:
    """A threaded HTTP server on a loopback port whose handler calls `handle(handler, port)`."""

    def __init__(self, handle):
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def setup(self):
                super().setup()
                with owner.lock:
                    owner.connections.add(self.connection)

            def finish(self):
                with owner.lock:
                    owner.connections.discard(self.connection)
                super().finish()

            def do_GET(self):
                handle(self, owner.port)

        self.lock = threading.Lock()
        self.connections = set()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.running = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        """Stops listening and ends the kept-alive connections: the port refuses connections from now on."""
        if self.running:
            self.running = False
            self.server.shutdown()
            self.server.server_close()
            with self.lock:
                for c in self.connections:
                    try:
                        c.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                self.connections.clear()


def answer(h, status, body, content_type="application/json", headers=()):
    payload = body if isinstance(body, bytes) else body.encode()
    h.send_response(status)
    h.send_header("Content-Type", content_type)
    for k, v in headers:
        h.send_header(k, v)
    h.send_header("Content-Length", str(len(payload)))
    h.end_headers()
    h.wfile.write(payload)


class _Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []

    def seen(self, port, path):
        with self.lock:
            self.requests.append((port, path))

    def paths(self, port=None):
        with self.lock:
            return [p for (q, p) in self.requests if port is None or q == port]

    def clear(self):
        with self.lock:
            self.requests.clear()


class SparkUiRewriter(FaultProxy):
    """The embedded endpoint as Livy on YARN shows it: each session's Spark UI is `proxy_url(appId)`."""

    def __init__(self, upstream_url, proxy_url, spark_uis):
        self.proxy_url = proxy_url
        self.spark_uis = spark_uis      # appId -> the real Spark UI's URL, filled in as sessions report it
        super().__init__(upstream_url)

    def _forward(self, method, path, headers, body):
        status, kept, payload = super()._forward(method, path, headers, body)
        if payload[:1] == b"{" and re.match(r"^/sessions", path):
            doc = json.loads(payload)
            for s in doc.get("sessions", [doc]):
                info = s.get("appInfo") or {}
                if s.get("appId") and info.get("sparkUiUrl"):
                    self.spark_uis[s["appId"]] = info["sparkUiUrl"]
                    info["sparkUiUrl"] = self.proxy_url(s["appId"])
            payload = json.dumps(doc).encode()
        return status, kept, payload


class YarnProxy(_Recorder):
    """YARN's web proxy behind a standby ResourceManager's redirect; `spark_uis` maps appId to the real UI."""

    def __init__(self, spark_uis, history_url=None):
        super().__init__()
        self.spark_uis = spark_uis
        self.history_url = history_url
        self.mode = "running"
        self.active = _Server(self._active)
        self.standby = _Server(self._standby)

    def url(self, app_id):
        """What Livy reports as the Spark UI: the proxy path on the standby ResourceManager."""
        return f"http://127.0.0.1:{self.standby.port}/proxy/{app_id}/"

    def _standby(self, h, port):
        self.seen(port, h.path)
        answer(h, 307, b"", "text/plain", [("Location", f"http://127.0.0.1:{self.active.port}{h.path}")])

    def _active(self, h, port):
        self.seen(port, h.path)
        m = re.match(r"^/proxy/([^/?]+)(/[^?]*)?(\?.*)?$", h.path)
        if h.path.startswith("/cluster/app/"):
            app = h.path.rsplit("/", 1)[1]
            answer(h, 200, f"<html><head><title>Application {app}</title><script>var a = 1;</script></head>"
                           f"<body><div>Logged in as: dr.who</div><h1>Application {app}</h1>"
                           f"<p>State: ACCEPTED: waiting for AM container to be allocated</p></body></html>",
                   "text/html; charset=utf-8")
            return
        if not m:
            answer(h, 404, "<html><body>Not a proxy path</body></html>", "text/html")
            return
        app, rest, query = m.group(1), m.group(2), m.group(3) or ""
        if rest is None:
            answer(h, 302, b"", "text/plain", [("Location", f"/proxy/{app}/{query}")])
            return
        if self.mode == "accepted":
            answer(h, 302, b"", "text/html", [("Location", f"http://127.0.0.1:{self.active.port}/cluster/app/{app}")])
            return
        if self.mode == "unknown" or app not in self.spark_uis:
            answer(h, 404, f"<html><head><title>Not Found</title></head><body><h1>Not Found</h1>Application {app} "
                           f"could not be found in RM or history server</body></html>", "text/html; charset=utf-8")
            return
        if self.mode == "finished":
            answer(h, 302, b"", "text/html", [("Location", f"{self.history_url}/history/{app}/1{rest}{query}")])
            return
        status, ctype, body = _fetch(self.spark_uis[app], rest + query)
        answer(h, status, body, ctype)

    def stop(self):
        self.active.stop()
        self.standby.stop()


class HistoryServer(_Recorder):
    """A Spark history server's REST API over the live UIs of `spark_uis`, at attempt "1"."""

    def __init__(self, spark_uis):
        super().__init__()
        self.spark_uis = spark_uis
        self.mode = "parsed"
        self.kept = {}
        self.server = _Server(self._handle)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.port}"

    def _handle(self, h, port):
        self.seen(port, h.path)
        m = (re.match(r"^/api/v1/applications/([^/?]+)(?:/1)?(/[^?]*)?(\?.*)?$", h.path)
             or re.match(r"^/history/([^/]+)/1/api/v1/applications/[^/?]+(/[^?]*)?(\?.*)?$", h.path))
        if not m or m.group(1) not in self.spark_uis or self.mode == "unparsed":
            answer(h, 404, f"no such app: {m.group(1) if m else h.path}", "text/plain")
            return
        app, rest, query = m.group(1), m.group(2) or "", m.group(3) or ""
        status, ctype, body = _fetch(self.spark_uis[app], f"/api/v1/applications/{app}{rest}{query}")
        if status == 200:
            if not rest:   # the application itself: its attempt has an id, as in YARN cluster mode
                doc = json.loads(body)
                for a in doc.get("attempts", []):
                    a["attemptId"] = "1"
                body = json.dumps(doc).encode()
            self.kept[(app, rest + query)] = (ctype, body)
        elif (app, rest + query) in self.kept:
            ctype, body = self.kept[(app, rest + query)]
            status = 200
        answer(h, status, body, ctype)

    def stop(self):
        self.server.stop()
