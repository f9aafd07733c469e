"""Side-by-side benchmark: livy-kernel vs sparkmagic's PySpark kernel on one Livy endpoint.

Run through bench/run (which prepares bench/.venv and the kernelspecs). Both kernels talk to the
same Livy endpoint, each through its own tiny counting reverse proxy (so HTTP requests per cell are
counted at the endpoint side), and are measured interleaved: A B, then B A, ...

Writes bench/results.md, bench/results.png and bench/work/raw.json.
"""
from __future__ import annotations

import argparse
import base64
import http.client
import http.server
import json
import os
import queue
import re
import shutil
import signal
import socket
import socketserver
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import psutil
import zmq
from jupyter_client.manager import start_new_kernel
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / "work"
OURS = "pyspark-livy"
THEIRS = "pysparkkernel"
LABEL = {OURS: "livy-kernel", THEIRS: "sparkmagic 0.23"}
DURATIONS = [0, 0.1, 0.3, 1, 2, 6]


def log(*a):
    print(f"[{time.strftime('%H:%M:%S')}]", *a, flush=True)


# --------------------------------------------------------------------------- counting proxy

class CountingProxy:
    """HTTP/1.1 keep-alive reverse proxy on 127.0.0.1 that counts requests by (method, route)."""

    def __init__(self, upstream: str, name: str, drop_headers=()):
        """`drop_headers`: response headers it leaves out (to hide what an endpoint advertises)."""
        u = urllib.parse.urlparse(upstream)
        dropped = {"connection", "keep-alive", "transfer-encoding", "content-length"} | {h.lower() for h in drop_headers}
        self.up_host, self.up_port = u.hostname, u.port or 80
        self.name = name
        self.lock = threading.Lock()
        self.requests: list[tuple[float, str, str]] = []
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # with the single write below: no 40 ms delayed-ACK stalls

            def log_message(self, *args):
                pass

            def _forward(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else None
                with proxy.lock:
                    proxy.requests.append((time.perf_counter(), self.command, self.path))
                conn = getattr(self, "_up", None)
                for attempt in range(2):
                    if conn is None:
                        conn = http.client.HTTPConnection(proxy.up_host, proxy.up_port, timeout=120)
                        conn.connect()
                        conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                        self._up = conn
                    try:
                        headers = {k: v for k, v in self.headers.items()
                                   if k.lower() not in ("connection", "keep-alive", "transfer-encoding")}
                        conn.request(self.command, self.path, body=body, headers=headers)
                        resp = conn.getresponse()
                        data = resp.read()
                        break
                    except (http.client.HTTPException, OSError):
                        conn.close()
                        conn = self._up = None
                        if attempt:
                            self.send_error(502)
                            return
                head = [f"HTTP/1.1 {resp.status} {resp.reason}"]
                head += [f"{k}: {v}" for k, v in resp.getheaders() if k.lower() not in dropped]
                head.append(f"Content-Length: {len(data)}")
                self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + data)

            do_GET = do_POST = do_DELETE = do_PUT = _forward

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                pass  # a kernel closing its keep-alive connection at shutdown is not news

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True, name=f"proxy-{name}").start()

    def count(self) -> int:
        with self.lock:
            return len(self.requests)

    def since(self, i: int) -> list[tuple[float, str, str]]:
        with self.lock:
            return list(self.requests[i:])

    def close(self):
        self.server.shutdown()


# --------------------------------------------------------------------------- endpoint

class Endpoint:
    def __init__(self, jar: Path, python: str, extra_args=(), log_name="local-livy.log"):
        WORK.mkdir(parents=True, exist_ok=True)
        self.log = open(WORK / log_name, "w")
        self.proc = subprocess.Popen(["java", "-jar", str(jar), "local-livy", "--port", "0", "--python", python,
                                      *extra_args], stdout=subprocess.PIPE, stderr=self.log, text=True)
        line = self.proc.stdout.readline()
        info = json.loads(line)
        self.url, self.username, self.password = info["url"].rstrip("/"), info["username"], info["password"]
        threading.Thread(target=self._drain, daemon=True).start()
        tok = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        self.headers = {"Authorization": "Basic " + tok, "Content-Type": "application/json",
                        "X-Requested-By": "bench"}

    def _drain(self):
        for line in self.proc.stdout:
            self.log.write(line)

    def call(self, method, path, body=None):
        req = urllib.request.Request(self.url + path, method=method, headers=self.headers,
                                     data=json.dumps(body).encode() if body is not None else None)
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.loads(r.read() or b"null")

    def warm(self, timeout=600):
        """One session started and ended over REST before anything is measured, so the kernel kind
        measured first does not also pay the cold page cache and the endpoint's cold JIT."""
        sid = self.call("POST", "/sessions", {"kind": "pyspark"})["id"]
        deadline = time.monotonic() + timeout
        while self.call("GET", f"/sessions/{sid}")["state"] != "idle":
            if time.monotonic() > deadline:
                raise RuntimeError(f"the warm-up session did not start in {timeout} s")
            time.sleep(0.2)
        self.call("DELETE", f"/sessions/{sid}")

    def delete_all_sessions(self):
        for s in self.call("GET", "/sessions").get("sessions", []):
            try:
                self.call("DELETE", f"/sessions/{s['id']}")
            except Exception:
                pass

    def close(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def tree_rss(pid: int) -> int:
    try:
        p = psutil.Process(pid)
        procs = [p] + p.children(recursive=True)
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for q in procs:
        try:
            total += q.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def bench_endpoint_sessions(ep: Endpoint, n: int) -> list[dict]:
    """Issue 3: start time and memory of one local PySpark session, straight over REST."""
    out = []
    ep_proc = psutil.Process(ep.proc.pid)
    for i in range(n):
        before = {c.pid for c in ep_proc.children(recursive=True)}
        t0 = time.perf_counter()
        s = ep.call("POST", "/sessions", {"kind": "pyspark"})
        while True:
            state = ep.call("GET", f"/sessions/{s['id']}")["state"]
            if state not in ("not_started", "starting"):
                break
            time.sleep(0.05)
        start_s = time.perf_counter() - t0
        time.sleep(2)
        new = [c for c in ep_proc.children(recursive=True) if c.pid not in before]
        rss_idle = sum(c.memory_info().rss for c in new if c.is_running())
        st = ep.call("POST", f"/sessions/{s['id']}/statements", {"code": "spark.range(100000).count()"})
        while ep.call("GET", f"/sessions/{s['id']}/statements/{st['id']}")["state"] not in (
                "available", "error", "cancelled"):
            time.sleep(0.05)
        # The endpoint's own floor: the same time.sleep(d) statements, polled every 2 ms by a bare client.
        floor = {}
        ep.call("POST", f"/sessions/{s['id']}/statements", {"code": "import time"})
        time.sleep(0.5)
        for d in DURATIONS:
            t0 = time.perf_counter()
            st = ep.call("POST", f"/sessions/{s['id']}/statements", {"code": f"time.sleep({d})"})
            while ep.call("GET", f"/sessions/{s['id']}/statements/{st['id']}")["state"] not in (
                    "available", "error", "cancelled"):
                time.sleep(0.002)
            floor[str(d)] = time.perf_counter() - t0 - d
        time.sleep(1)
        new = [c for c in ep_proc.children(recursive=True) if c.pid not in before]
        rss_job = sum(c.memory_info().rss for c in new if c.is_running())
        ep_rss = ep_proc.memory_info().rss
        ep.call("DELETE", f"/sessions/{s['id']}")
        out.append({"state": state, "start_s": start_s, "session_rss": rss_idle, "session_rss_after_job": rss_job,
                    "processes": len(new), "endpoint_rss": ep_rss,
                    "floor_s": floor})
        log(f"endpoint session {i}: {state} in {start_s:.2f}s, session tree {rss_idle / 2**20:.0f} MiB "
            f"({rss_job / 2**20:.0f} MiB after a job), endpoint JVM {ep_rss / 2**20:.0f} MiB")
        time.sleep(2)
    return out


# --------------------------------------------------------------------------- kernels

class Kernel:
    def __init__(self, name: str, env: dict, argv: list[str] | None = None):
        self.name = name
        self.km = KernelManager(kernel_name=name)
        # Reconnect quickly while the kernel is still binding its ports (default 100 ms would
        # quantise the ready time of both kernels).
        self.km.context.setsockopt(zmq.RECONNECT_IVL, 5)
        if argv is not None:
            self.km.kernel_spec.argv = argv
        self.env = env

    def start(self) -> float:
        t0 = time.perf_counter()
        self.km.start_kernel(env=self.env)
        self.kc = self.km.client()
        self.kc.start_channels()
        return self._await_ready(t0)

    def restart(self) -> float:
        """jupyter_client's restart (shutdown_request restart=true, a new process, the same
        connection file); seconds until the new process answers kernel_info."""
        t0 = time.perf_counter()
        self.km.restart_kernel(now=False)
        return self._await_ready(t0)

    def _await_ready(self, t0: float) -> float:
        msg_id = self.kc.kernel_info()
        sent = time.perf_counter()
        while True:
            try:
                m = self.kc.get_shell_msg(timeout=0.5)
            except queue.Empty:
                if not self.km.is_alive():
                    raise RuntimeError(f"{self.name} died while starting")
                if time.perf_counter() - t0 > 120:
                    raise RuntimeError(f"{self.name} not ready after 120 s")
                if time.perf_counter() - sent > 3:
                    msg_id = self.kc.kernel_info()
                    sent = time.perf_counter()
                continue
            if m["msg_type"] == "kernel_info_reply":
                self.ready_s = time.perf_counter() - t0
                return self.ready_s

    @property
    def pid(self) -> int:
        return self.km.provisioner.process.pid

    def rss(self) -> int:
        return tree_rss(self.pid)

    def run(self, code: str, timeout=600) -> tuple[float, dict]:
        self._drain_iopub()
        t0 = time.perf_counter()
        msg_id = self.kc.execute(code, store_history=True)
        while True:
            m = self.kc.get_shell_msg(timeout=timeout)
            if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "execute_reply":
                return time.perf_counter() - t0, m["content"]

    def run_text(self, code: str, timeout=120) -> str:
        """Runs a cell and returns its text outputs, read until its idle status (no race with iopub)."""
        self._drain_iopub()
        msg_id = self.kc.execute(code, store_history=False)
        texts = []
        deadline = time.time() + timeout
        while time.time() < deadline:
            m = self.kc.get_iopub_msg(timeout=timeout)
            if m["parent_header"].get("msg_id") != msg_id:
                continue
            c = m["content"]
            if m["msg_type"] == "status" and c["execution_state"] == "idle":
                break
            if m["msg_type"] == "stream":
                texts.append(c["text"])
            elif m["msg_type"] in ("execute_result", "display_data"):
                texts.append(c.get("data", {}).get("text/plain", ""))
        return "".join(texts)

    def outputs(self) -> str:
        texts = []
        for m in self._drain_iopub():
            c = m["content"]
            if m["msg_type"] == "stream":
                texts.append(c["text"])
            elif m["msg_type"] in ("execute_result", "display_data"):
                texts.append(c.get("data", {}).get("text/plain", ""))
            elif m["msg_type"] == "error":
                texts.append(f"{c['ename']}: {c['evalue']}")
        return "".join(texts)

    def _drain_iopub(self):
        msgs = []
        while True:
            try:
                msgs.append(self.kc.get_iopub_msg(timeout=0.01))
            except queue.Empty:
                return msgs

    def stop(self):
        try:
            self.kc.stop_channels()
        except Exception:
            pass
        try:
            self.km.shutdown_kernel(now=False)
        except Exception:
            self.km.shutdown_kernel(now=True)


def bench_ready_stock(env: dict, rounds: int) -> dict:
    """Ready time as Jupyter's own clients see it: jupyter_client's stock start_new_kernel (100 ms
    reconnect interval plus up to 100 ms of jitter; wait_for_ready wants iopub traffic within 0.2 s
    of the kernel_info reply, then waits for 0.2 s of iopub silence), interleaved."""
    ready_stock = {OURS: [], THEIRS: []}
    for r, order in enumerate(orders(rounds)):
        for name in order:
            t0 = time.perf_counter()
            km, kc = start_new_kernel(kernel_name=name, startup_timeout=120, env=env[name])
            ready_stock[name].append(time.perf_counter() - t0)
            kc.stop_channels()
            km.shutdown_kernel(now=True)
            time.sleep(1)
            log(f"ready (stock client) {LABEL[name]}: {ready_stock[name][-1]:.3f}s")
    return ready_stock


def bench_ready_server(env: dict, rounds: int, server_ready) -> dict:
    """Ready time through a real jupyter_server, as JupyterLab starts a kernel (server_ready.py).
    One server for both kernels: sparkmagic ignores the LIVY_* variables ours reads."""
    both = dict(env[THEIRS], **env[OURS])
    return server_ready.run(both, [OURS, THEIRS], rounds, WORK, orders, log, LABEL)


def stats(xs):
    xs = [x for x in xs if x is not None]
    if not xs:
        return None
    return {"median": statistics.median(xs), "min": min(xs), "max": max(xs), "n": len(xs)}


def orders(n):
    """Alternating kernel order per round: A B, B A, A B, ..."""
    return [[OURS, THEIRS] if i % 2 == 0 else [THEIRS, OURS] for i in range(n)]


def merge_part(key: str, part, name: str):
    """A part run on its own (--only): saved as bench/work/NAME, and merged into the last full run's
    raw.json (re-rendering results.md) when there is one."""
    whole = WORK / "raw.json"
    if whole.exists():
        merged = json.loads(whole.read_text())
        merged[key] = part
        whole.write_text(json.dumps(merged, indent=1))
        import report
        report.write(merged, BENCH)
    (WORK / name).write_text(json.dumps(part, indent=1))


class OnlyPart(Exception):
    """Ends a run of one part (--only) before the rest of the bench."""


def main():
    import polling
    import server_ready
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--jar", required=True)
    ap.add_argument("--python", required=True, help="Python with pyspark for the local endpoint")
    ap.add_argument("--only", choices=["polling", "restart", "ready", "many"], help="run only this part (polling: prints its table, leaves results.md; restart, ready, many: merged into an existing raw.json)")
    a = ap.parse_args()

    q = a.quick
    ready_rounds = 2 if q else 6
    session_rounds = 1 if q else 3
    cell_repeats = 1 if q else 3
    endpoint_sessions = 1 if q else 3
    variant_rounds = 2 if q else 6

    raw: dict = {"quick": q, "when": time.strftime("%Y-%m-%d %H:%M:%S"),
                 "machine": {"cpus": os.cpu_count(), "mem_gib": round(psutil.virtual_memory().total / 2**30, 1)}}
    t_start = time.perf_counter()
    if a.only == "many":
        part = run_many_kernels(a.jar, a.python, q)
        merge_part("many_kernels", part, "raw-many_kernels.json")
        log("many kernels part: " + json.dumps({k: v.get("first_cell_all_s") for k, v in
                                                 part.get("json", {}).get("results", {}).items()}))
        return

    log("starting the standalone local endpoint")
    ep = Endpoint(Path(a.jar), a.python)
    prox = {OURS: CountingProxy(ep.url, OURS), THEIRS: CountingProxy(ep.url, THEIRS)}
    try:
        # sparkmagic's config: one per bench, pointing at its proxy.
        sm_conf = WORK / "sparkmagic"
        sm_conf.mkdir(parents=True, exist_ok=True)
        (sm_conf / "config.json").write_text(json.dumps({
            "kernel_python_credentials": {"username": ep.username, "password": ep.password,
                                          "url": prox[THEIRS].url, "auth": "Basic_Access"},
            "livy_session_startup_timeout_seconds": 300,
        }, indent=1))
        (WORK / "livy-kernel-config.json").write_text("{}")
        base = {k: v for k, v in os.environ.items() if not k.startswith(("LIVY_", "SPARKMAGIC_"))}
        base["SPARKMAGIC_CONF_DIR"] = str(sm_conf)
        base["LIVY_KERNEL_CONFIG"] = str(WORK / "livy-kernel-config.json")
        env = {
            THEIRS: dict(base),
            OURS: dict(base, LIVY_URL=prox[OURS].url, LIVY_USERNAME=ep.username, LIVY_PASSWORD=ep.password),
        }
        spec_argv = KernelSpecManager().get_kernel_spec(OURS).argv
        # argv: the launcher (it checks the Java), the Java, the install's JVM flags, -jar ...
        flags_at = next(i for i, a in enumerate(spec_argv) if a.startswith("-"))
        raw["install_flags"] = spec_argv[flags_at:spec_argv.index("-jar")]
        raw["argv"] = {OURS: spec_argv, THEIRS: KernelSpecManager().get_kernel_spec(THEIRS).argv}
        if a.only == "polling":
            raw["polling"] = polling.run(ep, env, prox[THEIRS], q, Kernel, CountingProxy, log)
            raise OnlyPart()
        if a.only == "ready":
            # Medians of many rounds: the stock client's reconnect jitter alone spreads a kernel's
            # ready time over 100 ms, and the machine may be shared.
            n = 4 if q else 12
            for key, how, part in (("ready_stock_s", "stock client", bench_ready_stock(env, n)),
                                   ("ready_server_s", "jupyter_server", bench_ready_server(env, n, server_ready))):
                merge_part(key, part, f"raw-{key}.json")
                ratios = sorted(o / t for o, t in zip(part[OURS], part[THEIRS]))
                log(f"ready ({how}): " + ", ".join(f"{LABEL[k]} {statistics.median(v):.3f}s" for k, v in part.items())
                    + f"; ratio median {statistics.median(ratios):.2f}x (paired, {len(ratios)} rounds)")
            return
        if a.only == "restart":
            part = bench_restart(env, session_rounds, ep, a.python)
            merge_part("restart", part, "raw-restart.json")
            log("restart part: " + json.dumps({v: {m: statistics.median(x) for m, x in part[v].items()
                                                   if x and m != "adopted"} for v in part if v != "rss_spare"}))
            return

        # ---- 1. ready time and memory right after start (no Livy session), interleaved
        ready = {OURS: [], THEIRS: []}
        rss_start = {OURS: [], THEIRS: []}
        for r, order in enumerate(orders(ready_rounds)):
            for name in order:
                k = Kernel(name, env[name])
                try:
                    ready[name].append(k.start())
                    time.sleep(2)
                    rss_start[name].append(k.rss())
                finally:
                    k.stop()
                time.sleep(1)
                log(f"ready {LABEL[name]}: {ready[name][-1]:.3f}s, rss {rss_start[name][-1] / 2**20:.0f} MiB")
        raw["ready_s"], raw["rss_start"] = ready, rss_start

        # ---- 1b. ready as Jupyter's own clients see it
        raw["ready_stock_s"] = bench_ready_stock(env, ready_rounds)
        raw["ready_server_s"] = bench_ready_server(env, ready_rounds, server_ready)

        # ---- 2. JVM flag variants of our kernel (ready time and RSS after start)
        java = spec_argv[:flags_at]
        jar_arg = spec_argv[spec_argv.index("-jar"):]
        no_cds = [f for f in spec_argv if not f.startswith("-XX:SharedArchiveFile")]
        variants = {"java -jar (no flags)": java + jar_arg, "install flags without AppCDS": no_cds}
        if no_cds != spec_argv:
            variants["install flags with AppCDS (as installed)"] = spec_argv
        var = {v: {"ready_s": [], "rss": []} for v in variants}
        for r in range(variant_rounds):
            names = list(variants) if r % 2 == 0 else list(reversed(variants))
            for v in names:
                k = Kernel(OURS, env[OURS], argv=variants[v])
                try:
                    var[v]["ready_s"].append(k.start())
                    time.sleep(2)
                    var[v]["rss"].append(k.rss())
                finally:
                    k.stop()
                time.sleep(1)
        for v in variants:
            log(f"variant {v}: ready {statistics.median(var[v]['ready_s']):.3f}s, "
                f"rss {statistics.median(var[v]['rss']) / 2**20:.0f} MiB")
        raw["variants"] = {v: {"argv": variants[v], **var[v]} for v in variants}

        # ---- 3. the endpoint's own session start and memory (issue 3)
        log("endpoint session start and memory")
        raw["endpoint_sessions"] = bench_endpoint_sessions(ep, endpoint_sessions)

        # ---- 4. sessions: first cell, per-cell overhead, requests per cell, idle memory
        first = {OURS: [], THEIRS: []}
        first_req = {OURS: [], THEIRS: []}
        cells = {name: {str(d): [] for d in DURATIONS} for name in (OURS, THEIRS)}
        reqs = {name: {str(d): [] for d in DURATIONS} for name in (OURS, THEIRS)}
        routes = {name: {} for name in (OURS, THEIRS)}
        rss_idle = {OURS: [], THEIRS: []}
        timeline = {}
        for r, order in enumerate(orders(session_rounds)):
            ks = {}
            try:
                for name in order:
                    ks[name] = Kernel(name, env[name])
                    ks[name].start()
                for name in order:
                    i0 = prox[name].count()
                    wall, reply = ks[name].run("import time")
                    if reply["status"] != "ok":
                        raise RuntimeError(f"{LABEL[name]} first cell failed: {reply} {ks[name].outputs()}")
                    first[name].append(wall)
                    first_req[name].append(prox[name].count() - i0)
                    t_send = time.perf_counter() - wall
                    timeline.setdefault(name, []).append(
                        [(round(t - t_send, 3), m, re.sub(r"/\d+", "/{id}", p)) for t, m, p in prox[name].since(i0)])
                    log(f"first cell {LABEL[name]}: {wall:.2f}s, {first_req[name][-1]} requests")
                    ks[name].outputs()
                # warm-up cell each (not measured)
                for name in order:
                    ks[name].run("time.sleep(0)")
                for rep in range(cell_repeats):
                    for d in DURATIONS:
                        o = order if rep % 2 == 0 else list(reversed(order))
                        for name in o:
                            i0 = prox[name].count()
                            wall, reply = ks[name].run(f"time.sleep({d})")
                            if reply["status"] != "ok":
                                raise RuntimeError(f"{LABEL[name]} cell failed: {reply}")
                            cells[name][str(d)].append(wall - d)
                            got = prox[name].since(i0)
                            reqs[name][str(d)].append(len(got))
                            for _, method, path in got:
                                route = method + " " + re.sub(r"/\d+", "/{id}", path.split("?")[0])
                                routes[name][route] = routes[name].get(route, 0) + 1
                    log(f"round {r} repeat {rep}: " + "; ".join(
                        f"{LABEL[n]} " + " ".join(f"{cells[n][str(d)][-1] * 1000:.0f}" for d in DURATIONS)
                        for n in order) + " (ms overhead)")
                time.sleep(3)
                for name in order:
                    rss_idle[name].append(ks[name].rss())
                    log(f"idle rss after cells {LABEL[name]}: {rss_idle[name][-1] / 2**20:.0f} MiB")
            finally:
                for k in ks.values():
                    k.stop()
                time.sleep(1)
                ep.delete_all_sessions()
        raw.update(first_cell_s=first, first_cell_requests=first_req, overhead_s=cells, requests=reqs,
                   routes=routes, rss_idle=rss_idle, first_cell_timeline=timeline)

        # ---- 4b. first cell after a 10 s pause since kernel start: a reader before the first run.
        # Ours pre-starts its session (session_prestart; off by default for a remote Livy like
        # this proxy, so switched on here); sparkmagic starts it at the first cell.
        pause_env = {OURS: dict(env[OURS], LIVY_KERNEL_SESSION_PRESTART="true"), THEIRS: env[THEIRS]}
        paused = {OURS: [], THEIRS: []}
        paused_req = {OURS: [], THEIRS: []}
        for r, order in enumerate(orders(session_rounds)):
            ks = {}
            try:
                for name in order:
                    i0 = prox[name].count()
                    ks[name] = Kernel(name, pause_env[name])
                    ks[name].start()
                    time.sleep(10)  # the pause being measured, not a wait for an event
                    wall, reply = ks[name].run("import time")
                    if reply["status"] != "ok":
                        raise RuntimeError(f"{LABEL[name]} first cell after a pause failed: {reply}")
                    paused[name].append(wall)
                    paused_req[name].append(prox[name].count() - i0)
                    log(f"first cell after a 10 s pause {LABEL[name]}: {wall:.2f}s")
                    ks.pop(name).stop()
                    ep.delete_all_sessions()
            finally:
                for k in ks.values():
                    k.stop()
                ep.delete_all_sessions()
        raw.update(first_cell_after_pause_s=paused, first_cell_after_pause_requests=paused_req)

        # ---- 4c. issue 14: requests and overhead with and without held GETs, peak RSS of big prints
        raw["polling"] = polling.run(ep, env, prox[THEIRS], q, Kernel, CountingProxy, log)
        # ---- 4c. first cell after a restart (Restart & Run All), ours with its warm spare
        raw["restart"] = bench_restart(env, session_rounds, ep, a.python)

        # ---- 5. progress widget cost (written by another engineer; optional)
        raw["progress"] = run_progress_hook(ep, prox, env, q)
    except OnlyPart:
        (WORK / "raw-polling.json").write_text(json.dumps(raw, indent=1))
        print(polling.markdown(raw))
        log("done (--only polling): bench/work/raw-polling.json; results.md left as it is")
        return
    finally:
        for p in prox.values():
            p.close()
        try:
            ep.delete_all_sessions()
        except Exception:
            pass
        ep.close()
    # ---- 6. many notebooks at once: 8 kernels of each kind against one fresh endpoint
    raw["many_kernels"] = run_many_kernels(a.jar, a.python, q)
    raw["bench_seconds"] = time.perf_counter() - t_start
    (WORK / "raw.json").write_text(json.dumps(raw, indent=1))
    import report
    report.write(raw, BENCH)
    log(f"done in {raw['bench_seconds']:.0f}s: bench/results.md, bench/results.png")


def spare_state(k: Kernel) -> tuple[int | None, bool]:
    """The warm spare's pid and whether its Spark is up, as our kernel's %%info reports it."""
    m = re.search(r"warm spare driver pid (\d+) (ready|starting)", k.run_text("%%info"))
    return (int(m.group(1)), m.group(2) == "ready") if m else (None, False)


def bench_restart(env: dict, rounds: int, ep: Endpoint, python: str) -> dict:
    """First cell after a restart (Restart & Run All). Ours on the embedded endpoint, with its warm
    spare (the default) and without; sparkmagic on the standalone endpoint through its proxy, where
    its restart is cheap but the first cell after it creates a Livy session. Each kernel first ran
    a cell (its session exists) and, for ours with the spare, has a warm spare; then restart,
    then `import time`: the restart (until kernel_info answers) and that cell are timed apart."""
    embedded = {k: v for k, v in env[OURS].items() if k not in ("LIVY_URL", "LIVY_USERNAME", "LIVY_PASSWORD")}
    embedded["LIVY_KERNEL_PYTHON"] = python
    # sparkmagic's config names its proxy, which our kernel would read too: none for the embedded one.
    (WORK / "no-sparkmagic").mkdir(exist_ok=True)
    embedded["SPARKMAGIC_CONF_DIR"] = str(WORK / "no-sparkmagic")
    variants = {
        "ours_spare": (OURS, dict(embedded, LIVY_KERNEL_WARM_SPARE="true")),
        "ours_no_spare": (OURS, dict(embedded, LIVY_KERNEL_WARM_SPARE="false")),
        "theirs": (THEIRS, env[THEIRS]),
    }
    out = {v: {"restart_s": [], "first_cell_s": [], "adopted": []} for v in variants}
    out["rss_spare"] = []
    for r in range(rounds):
        names = list(variants) if r % 2 == 0 else list(reversed(variants))
        for v in names:
            name, kenv = variants[v]
            k = Kernel(name, kenv)
            try:
                k.start()
                wall, reply = k.run("import time")
                if reply["status"] != "ok":
                    raise RuntimeError(f"{v}: first cell failed: {reply} {k.outputs()}")
                spare = None
                if v == "ours_spare":
                    deadline = time.time() + 180
                    while time.time() < deadline:  # waits on the spare's state, polled
                        spare, up = spare_state(k)
                        if up:
                            break
                        time.sleep(0.5)
                    else:
                        raise RuntimeError("no warm spare became ready")
                    out["rss_spare"].append(tree_rss(spare))
                k.outputs()
                out[v]["restart_s"].append(k.restart())
                wall, reply = k.run("import os; print(os.getpid())")
                if reply["status"] != "ok":
                    raise RuntimeError(f"{v}: first cell after restart failed: {reply} {k.outputs()}")
                out[v]["first_cell_s"].append(wall)
                if spare is not None:
                    out[v]["adopted"].append(str(spare) in k.run_text("print(os.getpid())").split())
                log(f"restart {v}: restart {out[v]['restart_s'][-1]:.2f}s, first cell {wall:.2f}s"
                    + (f", ran in the spare: {out[v]['adopted'][-1]}" if spare is not None else ""))
            finally:
                k.stop()
                time.sleep(1)
                ep.delete_all_sessions()
    return out


def run_progress_hook(ep, prox, env, quick) -> dict:
    """If bench/progress_cost.py exists, run it against the same endpoint and kernels.

    Contract: it gets LIVY_URL/LIVY_USERNAME/LIVY_PASSWORD (the endpoint), JUPYTER_PATH and
    JUPYTER_DATA_DIR (both kernelspecs), SPARKMAGIC_CONF_DIR, BENCH_QUICK=1|0 and BENCH_PROGRESS_JSON.
    Its stdout (Markdown) goes into results.md. If it writes JSON {"rows": [{"measure", "median",
    "min", "max", "target"}]} to BENCH_PROGRESS_JSON, those rows join the ratios table.
    """
    script = BENCH / "progress_cost.py"
    if not script.exists():
        return {"present": False}
    out_json = WORK / "progress_cost.json"
    out_json.unlink(missing_ok=True)
    e = dict(env[THEIRS], LIVY_URL=ep.url, LIVY_USERNAME=ep.username, LIVY_PASSWORD=ep.password,
             BENCH_QUICK="1" if quick else "0", BENCH_PROGRESS_JSON=str(out_json))
    log("running bench/progress_cost.py")
    try:
        p = subprocess.run([sys.executable, str(script)], env=e, capture_output=True, text=True, timeout=600)
        res = {"present": True, "exit": p.returncode, "stdout": p.stdout, "stderr": p.stderr[-3000:]}
    except subprocess.TimeoutExpired:
        res = {"present": True, "exit": None, "stdout": "", "stderr": "timed out after 600 s"}
    if out_json.exists():
        try:
            res["json"] = json.loads(out_json.read_text())
        except ValueError as err:
            res["json_error"] = str(err)
    return res


def run_many_kernels(jar, python, quick) -> dict:
    """bench/many_kernels.py in its own process (its own endpoint; the kernelspecs from JUPYTER_PATH)."""
    out_json = WORK / "many_kernels.json"
    out_json.unlink(missing_ok=True)
    log("running bench/many_kernels.py (8 kernels of each kind at once)")
    cmd = [sys.executable, str(BENCH / "many_kernels.py"), "--jar", str(jar), "--python", python,
           "--json", str(out_json)] + (["--quick"] if quick else [])
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
        res = {"exit": p.returncode, "stderr": p.stderr[-3000:]}
    except subprocess.TimeoutExpired:
        res = {"exit": None, "stderr": "timed out after 1800 s"}
    if out_json.exists():
        res["json"] = json.loads(out_json.read_text())
    return res


if __name__ == "__main__":
    sys.path.insert(0, str(BENCH))
    main()
