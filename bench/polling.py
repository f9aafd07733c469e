"""Issue 14's load and big-output rows: requests per cell and overhead at each duration for
livy-kernel with held GETs (our endpoint, as it advertises them), without them (the same endpoint
behind a proxy that drops the advertisement, so the kernel sees a plain Livy) and sparkmagic; and
the kernel's peak RSS while a 10 MB and a 100 MB print arrive.

Called from bench.py (`bench/run`, or `bench/run --only polling` for just this part).
"""
from __future__ import annotations

import re
import statistics
import threading
import time

import psutil

OURS, THEIRS = "pyspark-livy", "pysparkkernel"
HELD, PLAIN = "held", "plain"
MODES = [HELD, PLAIN, THEIRS]
LABEL = {HELD: "livy-kernel, held GETs", PLAIN: "livy-kernel, plain Livy", THEIRS: "sparkmagic 0.23"}
DURATIONS = [0, 0.1, 0.3, 1, 2, 6]
OUTPUT_MB = [10, 100]
WAIT_HEADER = "X-Livy-Kernel-Wait-For-Change-Max-Ms"


def _peak_rss(pid: int, done: threading.Event, box: list):
    """Peak RSS of the kernel process alone (sparkmagic's is one Python process too)."""
    p = psutil.Process(pid)
    peak = p.memory_info().rss
    while not done.wait(0.02):
        try:
            peak = max(peak, p.memory_info().rss)
        except psutil.NoSuchProcess:
            break
    box.append(peak)


def run(ep, env: dict, theirs_proxy, quick: bool, Kernel, CountingProxy, log) -> dict:
    """`theirs_proxy`: the counting proxy sparkmagic's config already points at."""
    repeats = 1 if quick else 3
    prox = {HELD: CountingProxy(ep.url, HELD), PLAIN: CountingProxy(ep.url, PLAIN, drop_headers=[WAIT_HEADER]),
            THEIRS: theirs_proxy}
    envs = {HELD: dict(env[OURS], LIVY_URL=prox[HELD].url), PLAIN: dict(env[OURS], LIVY_URL=prox[PLAIN].url),
            THEIRS: dict(env[THEIRS])}
    cells = {m: {str(d): {"overhead_s": [], "requests": [], "routes": {}} for d in DURATIONS} for m in MODES}
    rss = {m: {str(mb): [] for mb in OUTPUT_MB} for m in MODES}
    ks = {}
    try:
        for m in MODES:
            ks[m] = Kernel(OURS if m != THEIRS else THEIRS, envs[m])
            ks[m].start()
            wall, reply = ks[m].run("import time")
            if reply["status"] != "ok":
                raise RuntimeError(f"{LABEL[m]} first cell failed: {reply} {ks[m].outputs()}")
            ks[m].run("time.sleep(0)")
        for rep in range(repeats):
            for d in DURATIONS:
                order = MODES if rep % 2 == 0 else list(reversed(MODES))
                for m in order:
                    i0 = prox[m].count()
                    wall, reply = ks[m].run(f"time.sleep({d})")
                    if reply["status"] != "ok":
                        raise RuntimeError(f"{LABEL[m]} cell failed: {reply}")
                    got = prox[m].since(i0)
                    c = cells[m][str(d)]
                    c["overhead_s"].append(wall - d)
                    c["requests"].append(len(got))
                    for _, method, path in got:
                        route = method + " " + re.sub(r"/\d+", "/{id}", path.split("?")[0])
                        c["routes"][route] = c["routes"].get(route, 0) + 1
            log("polling repeat %d: " % rep + "; ".join(
                f"{LABEL[m]} " + " ".join(f"{cells[m][str(d)]['requests'][-1]}r/"
                                          f"{cells[m][str(d)]['overhead_s'][-1] * 1000:.0f}ms" for d in DURATIONS)
                for m in MODES))
        for mb in OUTPUT_MB:
            for m in (HELD, THEIRS):
                done, box = threading.Event(), []
                t = threading.Thread(target=_peak_rss, args=(ks[m].pid, done, box), daemon=True)
                t.start()
                wall, reply = ks[m].run(f"print('x' * {mb} * 1024 * 1024)", timeout=900)
                ks[m].outputs()
                done.set()
                t.join()
                rss[m][str(mb)].append(box[0])
                log(f"{mb} MB print {LABEL[m]}: {wall:.1f}s, peak kernel RSS {box[0] / 2**20:.0f} MiB "
                    f"({reply['status']})")
    finally:
        for k in ks.values():
            k.stop()
        prox[HELD].close()
        prox[PLAIN].close()
        time.sleep(1)
        ep.delete_all_sessions()
    return {"cells": cells, "rss_peak": rss, "repeats": repeats}


def _st(xs):
    return (statistics.median(xs), min(xs), max(xs)) if xs else (float("nan"),) * 3


def rows(raw: dict) -> list[tuple]:
    """Rows for results.md's table: measure, ours, theirs, ratio cells, target, met."""
    p = raw.get("polling")
    if not p:
        return []
    out = []
    cells = p["cells"]

    def ratio(a, b):
        rs = [x / y for x, y in zip(a, b) if y]
        m, lo, hi = _st(rs)
        return f"{m:.2f}× | {lo:.2f}× | {hi:.2f}×" if rs else "–"

    num = lambda v: f"{v[0]:.0f} ({v[1]:.0f}–{v[2]:.0f})"
    ms = lambda v: f"{v[0] * 1000:.0f} ms ({v[1] * 1000:.0f}–{v[2] * 1000:.0f})"
    mib = lambda v: f"{v[0] / 2**20:.0f} MiB ({v[1] / 2**20:.0f}–{v[2] / 2**20:.0f})"
    for d in DURATIONS:
        t = cells[THEIRS][str(d)]["requests"]
        for m, what in ((HELD, "held GETs (our endpoint)"), (PLAIN, "plain Livy")):
            o = cells[m][str(d)]["requests"]
            target, met = "", None
            if d >= 2:
                if m == HELD:
                    target, met = "≈ 2", _st(o)[0] <= 3
                else:
                    target, met = "≤ 2× sparkmagic", _st(o)[0] <= 2 * _st(t)[0]
            out.append((f"HTTP requests per cell, `time.sleep({d})`, {what}", num(_st(o)), num(_st(t)),
                        ratio(o, t), target, "" if met is None else ("yes" if met else "**no**")))
    for d in DURATIONS:
        t = cells[THEIRS][str(d)]["overhead_s"]
        tgt = max(0.030, 0.05 * d)
        for m, what in ((HELD, "held GETs"), (PLAIN, "plain Livy")):
            o = cells[m][str(d)]["overhead_s"]
            met = _st(o)[0] <= tgt
            out.append((f"Per-cell overhead, `time.sleep({d})`, {what}", ms(_st(o)), ms(_st(t)), ratio(o, t),
                        f"≤ {tgt * 1000:.0f} ms", "yes" if met else "**no**"))
    for mb in OUTPUT_MB:
        o, t = p["rss_peak"][HELD][str(mb)], p["rss_peak"][THEIRS][str(mb)]
        out.append((f"Peak kernel RSS while a {mb} MB print arrives", mib(_st(o)), mib(_st(t)), ratio(o, t), "", ""))
    return out


def markdown(raw: dict) -> str:
    L = ["| Measure | livy-kernel | sparkmagic 0.23 | ratio median | min | max | target | met |",
         "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows(raw):
        L.append("| " + " | ".join(r) + " |")
    routes = []
    for m in (HELD, PLAIN, THEIRS):
        for d in ("2", "6"):
            c = raw["polling"]["cells"][m][d]
            n = max(1, len(c["requests"]))
            routes.append(f"- {LABEL[m]}, {d} s: " + ", ".join(
                f"`{r}` {v / n:.1f}" for r, v in sorted(c["routes"].items(), key=lambda kv: -kv[1])))
    return "\n".join(L) + "\n\nRequests per cell by route:\n\n" + "\n".join(routes) + "\n"
