"""Many notebooks at once: N kernels (8) against ONE standalone endpoint (`local-livy`, sessions in
local[1]), each behind its own request-counting proxy. Measures, per kernel kind:

- the first cell of all N at once (N sessions starting together), twice per kind in the order
  A B B A (once with --quick), after one warm-up session so the first kind does not pay cold caches;
- per-cell overhead (wall − d for `time.sleep(d)`) of one kernel alone, then of all N running the
  same cells at the same time (one thread per kernel), and the ratio between the two;
- requests per cell, and the total requests per second the N kernels make against the endpoint
  while their cells run.

    ./install --prefix /tmp/lk && JUPYTER_PATH=/tmp/lk/share/jupyter \\
        .venv/bin/python bench/many_kernels.py --jar target/livy-kernel.jar [--kernels 8] [--quick] [--json out.json]

`bench/run` runs it too (after the rest, against both kernelspecs) and puts its rows in results.md.
sparkmagic is measured when its kernelspec `pysparkkernel` is installed (bench/setup does that).
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from jupyter_client.kernelspec import KernelSpecManager

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import LABEL, OURS, THEIRS, CountingProxy, Endpoint, Kernel, log  # noqa: E402

DURATIONS = [0, 1, 2]


def local1_endpoint(jar: str, python: str) -> Endpoint:
    """`local-livy` on a free port with sessions in local[1]: N drivers share 2 cores."""
    return Endpoint(Path(jar), python, extra_args=("--spark-master", "local[1]"), log_name="many-local-livy.log")


def envs(ep: Endpoint, proxies: list[CountingProxy], name: str, scratch: Path) -> list[dict]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("LIVY_", "SPARKMAGIC_"))}
    out = []
    for i, p in enumerate(proxies):
        if name == OURS:
            (scratch / "livy-kernel.json").write_text("{}")
            out.append(dict(base, LIVY_URL=p.url, LIVY_USERNAME=ep.username, LIVY_PASSWORD=ep.password,
                            LIVY_KERNEL_CONFIG=str(scratch / "livy-kernel.json")))
        else:
            conf = scratch / f"sparkmagic-{i}"
            conf.mkdir(exist_ok=True)
            (conf / "config.json").write_text(json.dumps({
                "kernel_python_credentials": {"username": ep.username, "password": ep.password,
                                              "url": p.url, "auth": "Basic_Access"},
                "livy_session_startup_timeout_seconds": 600}))
            out.append(dict(base, SPARKMAGIC_CONF_DIR=str(conf)))
    return out


def first_cells(name: str, kernels: list, pool) -> float:
    """The first cell of every kernel at once (each starts its session): the wall time until the last ends."""
    t0 = time.perf_counter()
    firsts = list(pool.map(lambda k: k.run("import time", timeout=900), kernels))
    took = time.perf_counter() - t0
    bad = [r for _, r in firsts if r["status"] != "ok"]
    if bad:
        raise RuntimeError(f"{LABEL[name]}: first cells failed: {bad[:2]}")
    log(f"{LABEL[name]}: {len(kernels)} first cells at once in {took:.1f}s")
    return took


@contextlib.contextmanager
def fleet(name: str, ep: Endpoint, n: int, scratch: Path, tag: str = ""):
    """N started kernels of one kind, each behind its own counting proxy; all stopped after."""
    proxies = [CountingProxy(ep.url, f"{name}{tag}-{i}") for i in range(n)]
    kernels = [Kernel(name, e) for e in envs(ep, proxies, name, scratch)]
    try:
        for k in kernels:
            k.start()
        yield proxies, kernels
    finally:
        for k in kernels:
            k.stop()
        for p in proxies:
            p.close()


def first_cells_again(name: str, ep: Endpoint, n: int, scratch: Path) -> float:
    """Another sample of first_cells with new kernels: the machine's noise spreads one sample by 20 %."""
    with fleet(name, ep, n, scratch, "-again") as (_, kernels), ThreadPoolExecutor(n) as pool:
        return first_cells(name, kernels, pool)


def measure(name: str, ep: Endpoint, n: int, rounds: int, scratch: Path) -> dict:
    res: dict = {"kernels": n, "rounds": rounds}
    with fleet(name, ep, n, scratch) as (proxies, kernels):
        with ThreadPoolExecutor(n) as pool:
            res["first_cell_all_samples_s"] = [first_cells(name, kernels, pool)]
            for k in kernels:
                k.run("time.sleep(0)")  # warm-up, not measured

            alone = {str(d): [] for d in DURATIONS}
            for _ in range(rounds):
                for d in DURATIONS:
                    wall, _ = kernels[0].run(f"time.sleep({d})")
                    alone[str(d)].append(wall - d)
            res["overhead_alone_s"] = alone

            def cells(i):
                k, over, reqs = kernels[i], {str(d): [] for d in DURATIONS}, {str(d): [] for d in DURATIONS}
                for _ in range(rounds):
                    for d in DURATIONS:
                        c0 = proxies[i].count()
                        wall, reply = k.run(f"time.sleep({d})")
                        if reply["status"] != "ok":
                            raise RuntimeError(f"{LABEL[name]} kernel {i}: {reply}")
                        over[str(d)].append(wall - d)
                        reqs[str(d)].append(proxies[i].count() - c0)
                return over, reqs

            before = sum(p.count() for p in proxies)
            t0 = time.perf_counter()
            per_kernel = list(pool.map(cells, range(n)))
            phase = time.perf_counter() - t0
            total = sum(p.count() for p in proxies) - before
        res["concurrent_phase_s"] = phase
        res["requests_total"] = total
        res["requests_per_s"] = total / phase
        res["overhead_concurrent_s"] = {str(d): [x for o, _ in per_kernel for x in o[str(d)]] for d in DURATIONS}
        res["overhead_by_kernel_s"] = [{d: statistics.median(v) for d, v in o.items()} for o, _ in per_kernel]
        res["requests_per_cell"] = {str(d): [x for _, r in per_kernel for x in r[str(d)]] for d in DURATIONS}
        log(f"{LABEL[name]}: {n} kernels, {total} requests in {phase:.1f}s = {res['requests_per_s']:.1f}/s; "
            + ", ".join(f"{d}s cell +{statistics.median(res['overhead_concurrent_s'][str(d)]) * 1000:.0f} ms "
                        f"(alone +{statistics.median(alone[str(d)]) * 1000:.0f} ms)" for d in DURATIONS))
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jar", required=True)
    ap.add_argument("--python", default=str(Path(__file__).resolve().parents[1] / ".venv" / "bin" / "python"))
    ap.add_argument("--kernels", type=int, default=8)
    ap.add_argument("--quick", action="store_true", help="one round of cells instead of three")
    ap.add_argument("--json", help="also write the numbers here")
    ap.add_argument("--theirs-first", action="store_true", help="measure sparkmagic before livy-kernel")
    a = ap.parse_args()
    specs = KernelSpecManager().find_kernel_specs()
    names = [k for k in ((THEIRS, OURS) if a.theirs_first else (OURS, THEIRS)) if k in specs]
    if OURS not in names:
        sys.exit(f"no {OURS} kernelspec on JUPYTER_PATH (run ./install --prefix DIR and set JUPYTER_PATH)")
    out = {"when": time.strftime("%Y-%m-%d %H:%M:%S"), "cpus": os.cpu_count(), "order": names,
           "load_before": os.getloadavg()[0], "results": {}}
    ep = local1_endpoint(a.jar, a.python)
    try:
        ep.warm()
        with tempfile.TemporaryDirectory() as scratch:
            for name in names:
                out["results"][name] = measure(name, ep, a.kernels, 1 if a.quick else 3, Path(scratch))
            # A B, then B A: neither kind always goes first (or last) on the shared endpoint.
            if not a.quick and len(names) == 2:
                for name in reversed(names):
                    out["results"][name]["first_cell_all_samples_s"].append(
                        first_cells_again(name, ep, a.kernels, Path(scratch)))
            for r in out["results"].values():
                r["first_cell_all_s"] = statistics.median(r["first_cell_all_samples_s"])
    finally:
        ep.close()
    out["load_after"] = os.getloadavg()[0]
    text = json.dumps(out, indent=1)
    if a.json:
        Path(a.json).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
