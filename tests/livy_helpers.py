"""The standalone embedded endpoint (`java -jar livy-kernel.jar local-livy`) as the tests start it:
one class for the kernel tests that point a kernel at it and for the REST tests of the endpoint."""
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
JAR = Path(os.environ.get("LIVY_KERNEL_JAR", ROOT / "target" / "livy-kernel.jar"))
PYTHON = os.environ.get("LIVY_KERNEL_PYTHON", sys.executable)
HEADERS = {"X-Requested-By": "admin"}


class LocalLivy:
    """A standalone server process, its printed credentials and a requests session using them."""

    def __init__(self, *extra_args, env=None, command=("java", "-jar", str(JAR))):
        """command: what runs the jar's local-livy (the wheel's `livy-kernel` runs it too)."""
        self.proc = subprocess.Popen(
            [*command, "local-livy", "--port", "0", *extra_args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "LIVY_KERNEL_PYTHON": PYTHON, **(env or {})})
        self.stderr = []
        # Both pipes are drained for the server's whole life: a full pipe would block its logging.
        threading.Thread(target=self._drain, daemon=True).start()
        self.info = self._read_info()
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()
        self.url = self.info["url"]
        self.username = self.info.get("username")
        self.password = self.info.get("password")
        self.http = requests.Session()
        self.http.auth = self.auth
        self.http.headers.update(HEADERS)

    def _read_info(self):
        """The JSON line the server prints once it listens; other lines before it are skipped."""
        for line in self.proc.stdout:
            line = line.strip()
            if line.startswith("{"):
                try:
                    return json.loads(line)
                except ValueError:
                    continue
        self.proc.kill()
        self.proc.wait(10)
        raise RuntimeError("local-livy printed no JSON line: " + "".join(self.stderr[-20:]))

    def _drain(self):
        for line in self.proc.stderr:
            self.stderr.append(line)

    @property
    def auth(self):
        return (self.username, self.password) if self.password else None

    def env(self):
        """Environment that points a kernel at this endpoint."""
        env = {"LIVY_URL": self.url}
        if self.password:
            env.update(LIVY_USERNAME=self.username, LIVY_PASSWORD=self.password)
        return env

    def get(self, path, **kw):
        return self.http.get(self.url + path, timeout=30, **kw)

    def post(self, path, body=None, **kw):
        return self.http.post(self.url + path, json=body, timeout=30, **kw)

    def delete(self, path, **kw):
        return self.http.delete(self.url + path, timeout=60, **kw)

    def create(self, **body):
        r = self.post("/sessions", dict({"kind": "pyspark"}, **body))
        assert r.status_code == 201, r.text
        return r.json()

    def wait_state(self, sid, states, timeout=120):
        deadline = time.time() + timeout
        while time.time() < deadline:
            r = self.get("/sessions/%s/state" % sid)
            if r.status_code == 200 and r.json()["state"] in states:
                return r.json()["state"]
            time.sleep(0.1)
        raise AssertionError("session %s never reached %s (log: %s)"
                             % (sid, states, self.get("/sessions/%s/log?size=-1" % sid).text[-3000:]))

    def wait_gone(self, sid, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            r = self.http.get(self.url + "/sessions", timeout=30)
            if all(s["id"] != sid for s in r.json()["sessions"]):
                return time.time()
            time.sleep(0.25)
        raise AssertionError("session %s still listed after %s s" % (sid, timeout))

    def submit(self, sid, code, kind=None):
        body = {"code": code}
        if kind:
            body["kind"] = kind
        r = self.post("/sessions/%s/statements" % sid, body)
        assert r.status_code == 201, r.text
        return r.json()

    def wait_statement(self, sid, stid, timeout=120, states=("available", "cancelled"), until=None):
        """The statement once it is in one of `states` (or `until(statement)` holds)."""
        reached = until or (lambda st: st["state"] in states)
        deadline = time.time() + timeout
        while time.time() < deadline:
            st = self.get("/sessions/%s/statements/%s" % (sid, stid)).json()
            if reached(st):
                return st
            time.sleep(0.02)
        raise AssertionError("statement %s/%s not done: %s" % (sid, stid, st))

    def run(self, sid, code, kind=None, timeout=120):
        st = self.submit(sid, code, kind)
        return self.wait_statement(sid, st["id"], timeout)

    def tree(self):
        import psutil
        return psutil.Process(self.proc.pid).children(recursive=True)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
