"""Ready time as JupyterLab sees it: a real jupyter_server starts the kernel (POST /api/kernels, the
call JupyterLab's session start makes), the client opens the kernel's websocket and sends a
kernel_info_request; ready is its reply. jupyter_server's own start-up sits between the two: its
provisioner's launch, and the websocket's "nudge", which repeats kernel_info requests until an
iopub message gets through.

Used by bench.py (bench/run, bench/run --ready-only); one server serves both kernels, so the
server's own start is paid once and not counted.
"""
from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

from tornado.websocket import websocket_connect


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A jupyter_server on loopback, started from the bench's Python; the client authenticates with a
    token, as JupyterLab's does (no XSRF cookie is needed then)."""

    def __init__(self, env: dict, root: Path, log_path: Path):
        self.port = free_port()
        self.token = uuid.uuid4().hex
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(log_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyter_server", "--no-browser", f"--port={self.port}",
             "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={self.token}", "--allow-root",
             "--ServerApp.port_retries=0", f"--ServerApp.root_dir={root}"],
            env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter_server exited ({self.proc.returncode}); see {log_path}")
            try:
                self.request("GET", "/api/status")
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"jupyter_server did not answer within 60 s; see {log_path}")
                time.sleep(0.1)

    def request(self, method: str, path: str, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json",
                                              "Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=120) as r:
            text = r.read()
        return json.loads(text) if text else None

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def kernel_info_request(session: str) -> str:
    return json.dumps({
        "header": {"msg_id": uuid.uuid4().hex, "msg_type": "kernel_info_request", "username": "bench",
                   "session": session, "date": "", "version": "5.3"},
        "parent_header": {}, "metadata": {}, "content": {}, "channel": "shell", "buffers": []})


async def start_until_ready(server: Server, name: str, timeout: float = 120) -> tuple[float, str]:
    """Seconds from the POST that starts kernel `name` to the kernel_info_reply on its websocket."""
    t0 = time.perf_counter()
    kernel = await asyncio.to_thread(server.request, "POST", "/api/kernels", {"name": name})
    session = uuid.uuid4().hex
    ws = await websocket_connect(
        f"ws://127.0.0.1:{server.port}/api/kernels/{kernel['id']}/channels?session_id={session}&token={server.token}")
    try:
        ws.write_message(kernel_info_request(session))
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{name}: no kernel_info_reply within {timeout:.0f} s")
            msg = await asyncio.wait_for(ws.read_message(), left)
            if msg is None:
                raise RuntimeError(f"{name}: the kernel's websocket closed before kernel_info_reply")
            if isinstance(msg, str) and json.loads(msg).get("msg_type") == "kernel_info_reply":
                return time.perf_counter() - t0, kernel["id"]
    finally:
        ws.close()


def run(env: dict, kernels: list[str], rounds: int, work: Path, orders, log, label) -> dict:
    """{kernel: [seconds per round]}, interleaved in the order `orders(rounds)` gives."""
    server = Server(env, work, work / "jupyter_server.log")
    out = {k: [] for k in kernels}
    try:
        for order in orders(rounds):
            for name in order:
                seconds, kid = asyncio.run(start_until_ready(server, name))
                out[name].append(seconds)
                server.request("DELETE", f"/api/kernels/{kid}")
                time.sleep(1)
                log(f"ready (jupyter_server) {label[name]}: {seconds:.3f}s")
    finally:
        server.stop()
    return out


if __name__ == "__main__":
    # By hand: python bench/server_ready.py KERNEL [ROUNDS], in an environment that has the kernelspec.
    name, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 3
    res = run(dict(os.environ), [name], n, Path.cwd(), lambda r: [[name]] * r, print, {name: name})
    print(json.dumps(res))
