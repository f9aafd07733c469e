"""A running cell survives a Livy outage: the kernel reaches the standalone endpoint through a TCP
proxy that the test cuts (connections reset, new ones refused) for several seconds while a
statement runs, then restores. The statement keeps running in its session; the cell must still
end with its output, and say what happened on stderr."""
import socket
import threading
import time
import urllib.parse

import pytest

from conftest import LocalLivy, collect_outputs, request_messages, warmed_kernel


class CuttableProxy:
    """Forwards 127.0.0.1:<port> to the endpoint; cut() resets every connection and refuses new ones."""

    def __init__(self, upstream_url):
        u = urllib.parse.urlparse(upstream_url)
        self.upstream = (u.hostname, u.port)
        self.port = None
        self.conns = []
        self.lock = threading.Lock()
        self.listener = None
        self._listen()

    def _listen(self):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", self.port or 0))
        s.listen(16)
        self.port = s.getsockname()[1]
        self.listener = s
        threading.Thread(target=self._accept, args=(s,), daemon=True).start()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            up = socket.create_connection(self.upstream)
            with self.lock:
                self.conns += [client, up]
            for a, b in ((client, up), (up, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src, dst):
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def cut(self):
        try:
            self.listener.shutdown(socket.SHUT_RDWR)   # wakes the accept() blocked on it (Linux)
        except OSError:
            pass
        self.listener.close()
        with self.lock:
            conns, self.conns = self.conns, []
        for c in conns:
            try:
                c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                # shutdown first: a close alone waits for the pipe thread blocked in recv() on this
                # socket, so a connection with nothing more to send (a held GET) was never cut.
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            try:
                c.close()
            except OSError:
                pass

    def restore(self):
        self._listen()


@pytest.fixture(scope="module")
def proxied():
    livy = LocalLivy()
    proxy = CuttableProxy(livy.url)
    env = {**livy.env(), "LIVY_URL": proxy.url, "LIVY_KERNEL_PROGRESS": "off"}
    try:
        for km_kc in warmed_kernel("x = 41", env=env):
            yield proxy, livy, km_kc
    finally:
        livy.stop()


def test_a_running_cell_rides_out_a_livy_outage(proxied):
    proxy, livy, (_, kc) = proxied
    msg_id = kc.execute("import time\ntime.sleep(8)\nprint('survived', x + 1)")
    wait_running(livy, "survived")
    proxy.cut()
    # Livy stays away until the kernel has noticed, then comes back while the statement still runs.
    noticed = request_messages(kc, msg_id, timeout=60, until=lambda m: m["msg_type"] == "stream"
                               and "Livy is not answering" in m["content"]["text"])
    proxy.restore()
    outputs = [(m["msg_type"], m["content"]) for m in noticed] + collect_outputs(kc, msg_id, timeout=120)
    reply = kc.get_shell_msg(timeout=30)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=30)
    assert reply["content"]["status"] == "ok", (reply["content"], outputs)
    stdout = "".join(c["text"] for t, c in outputs if t == "stream" and c["name"] == "stdout")
    stderr = "".join(c["text"] for t, c in outputs if t == "stream" and c["name"] == "stderr")
    assert "survived 42" in stdout, outputs
    assert "Livy is not answering" in stderr, outputs
    assert "Livy answers again" in stderr, outputs
    # ... and the session is still the same one: the next cell sees the namespace.
    msg_id = kc.execute("print(x)")
    outputs = collect_outputs(kc, msg_id, timeout=60)
    assert "41" in "".join(c.get("text", "") for t, c in outputs if t == "stream"), outputs


def wait_running(livy, code_part, timeout=120):
    """Waits, asking the endpoint directly (not through the proxy), until a statement whose code
    holds `code_part` runs."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        for session in livy.get("/sessions").json()["sessions"]:
            statements = livy.get("/sessions/%s/statements" % session["id"]).json()["statements"]
            if any(code_part in st["code"] and st["state"] == "running" for st in statements):
                return
        time.sleep(0.05)
    raise AssertionError("no running statement with %r" % code_part)
