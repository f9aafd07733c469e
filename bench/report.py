"""Turns bench/work/raw.json into bench/results.md and bench/results.png.

`python bench/report.py` re-renders from the last raw.json without re-running the bench.
"""
from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

OURS, THEIRS = "pyspark-livy", "pysparkkernel"
LABEL = {OURS: "livy-kernel", THEIRS: "sparkmagic 0.23"}
DURATIONS = [0, 0.1, 0.3, 1, 2, 6]
MiB = 2 ** 20


def st(xs):
    xs = [x for x in xs if x is not None]
    return (statistics.median(xs), min(xs), max(xs)) if xs else (float("nan"),) * 3


def paired_ratios(a, b):
    """Ratios of interleaved samples a[i] / b[i] (same round), falling back to all pairs."""
    n = min(len(a), len(b))
    return [a[i] / b[i] for i in range(n) if b[i]]


def overhead_target(d):
    return max(0.030, 0.05 * d)


def fmt_ratio(rs):
    m, lo, hi = st(rs)
    return f"{m:.2f}× | {lo:.2f}× | {hi:.2f}×"


def write(raw: dict, bench: Path):
    rows = []  # measure, ours, theirs, ratio cells, target, met
    def row(measure, ours, theirs, ratios, target, met, unit_fmt):
        mo, mt = st(ours), st(theirs)
        rows.append((measure, unit_fmt(mo), unit_fmt(mt), fmt_ratio(ratios) if ratios else "–", target,
                     "" if met is None else ("yes" if met else "**no**")))

    s = lambda v: f"{v[0]:.3f} s ({v[1]:.3f}–{v[2]:.3f})"
    mib = lambda v: f"{v[0] / MiB:.0f} MiB ({v[1] / MiB:.0f}–{v[2] / MiB:.0f})"
    ms = lambda v: f"{v[0] * 1000:.0f} ms ({v[1] * 1000:.0f}–{v[2] * 1000:.0f})"
    num = lambda v: f"{v[0]:.0f} ({v[1]:.0f}–{v[2]:.0f})"

    r_ready = paired_ratios(raw["ready_s"][OURS], raw["ready_s"][THEIRS])
    row("Kernel ready (start → kernel_info_reply)", raw["ready_s"][OURS], raw["ready_s"][THEIRS], r_ready,
        "≤ 0.35×", st(r_ready)[0] <= 0.35, s)
    if "ready_stock_s" in raw:
        r_stock = paired_ratios(raw["ready_stock_s"][OURS], raw["ready_stock_s"][THEIRS])
        row("Kernel ready, jupyter_client's stock start_new_kernel", raw["ready_stock_s"][OURS],
            raw["ready_stock_s"][THEIRS], r_stock, "≤ 0.3×", st(r_stock)[0] <= 0.3, s)
    if "ready_server_s" in raw:
        r_server = paired_ratios(raw["ready_server_s"][OURS], raw["ready_server_s"][THEIRS])
        row("Kernel ready through jupyter_server, as JupyterLab starts it (POST /api/kernels → kernel_info_reply on its websocket)",
            raw["ready_server_s"][OURS], raw["ready_server_s"][THEIRS], r_server, "", None, s)
    r_mem0 = paired_ratios(raw["rss_start"][OURS], raw["rss_start"][THEIRS])
    row("Idle RSS of kernel process tree, after start", raw["rss_start"][OURS], raw["rss_start"][THEIRS], r_mem0,
        "≤ 0.5×", st(r_mem0)[0] <= 0.5, mib)
    r_mem = paired_ratios(raw["rss_idle"][OURS], raw["rss_idle"][THEIRS])
    row("Idle RSS of kernel process tree, after session + cells", raw["rss_idle"][OURS], raw["rss_idle"][THEIRS],
        r_mem, "≤ 0.5×", st(r_mem)[0] <= 0.5, mib)
    r_first = paired_ratios(raw["first_cell_s"][OURS], raw["first_cell_s"][THEIRS])
    row("First cell incl. Livy session start", raw["first_cell_s"][OURS], raw["first_cell_s"][THEIRS], r_first,
        "", None, s)
    row("HTTP requests, first cell", raw["first_cell_requests"][OURS], raw["first_cell_requests"][THEIRS],
        paired_ratios(raw["first_cell_requests"][OURS], raw["first_cell_requests"][THEIRS]), "", None, num)
    if raw.get("first_cell_after_pause_s"):
        po, pt = raw["first_cell_after_pause_s"][OURS], raw["first_cell_after_pause_s"][THEIRS]
        r_pause = paired_ratios(po, pt)
        row("First cell after a 10 s pause since kernel start (session pre-start)", po, pt, r_pause,
            "≤ 0.2×", st(r_pause)[0] <= 0.2, s)
    if raw.get("restart"):
        rs = raw["restart"]
        o, t, n = rs["ours_spare"]["first_cell_s"], rs["theirs"]["first_cell_s"], rs["ours_no_spare"]["first_cell_s"]
        row("First cell after restart (embedded endpoint, warm spare; sparkmagic: its new Livy session)", o, t,
            paired_ratios(o, t), "≤ 1.5 s", st(o)[0] <= 1.5, s)
        row("First cell after restart, ours without the spare (`local_warm_spare` off)", n, t, paired_ratios(n, t),
            "", None, s)
        ro, rt = rs["ours_spare"]["restart_s"], rs["theirs"]["restart_s"]
        row("Restart itself (restart_kernel → kernel_info_reply)", ro, rt, paired_ratios(ro, rt), "", None, s)
        if rs.get("rss_spare"):
            row("RSS of the warm spare (driver + its Spark JVM; sparkmagic has none)", rs["rss_spare"], [0], None,
                "", None, mib)
    over_met = {}
    for d in DURATIONS:
        o, t = raw["overhead_s"][OURS][str(d)], raw["overhead_s"][THEIRS][str(d)]
        rr = [x / y for x, y in zip(o, t) if y > 0.001]
        tgt = overhead_target(d)
        over_met[d] = st(o)[0] <= tgt
        row(f"Per-cell overhead, `time.sleep({d})`", o, t, rr, f"≤ {tgt * 1000:.0f} ms", over_met[d], ms)
    for d in DURATIONS:
        o, t = raw["requests"][OURS][str(d)], raw["requests"][THEIRS][str(d)]
        row(f"HTTP requests per cell, `time.sleep({d})`", o, t, paired_ratios(o, t), "", None, num)
    import polling
    rows.extend(polling.rows(raw))
    prog = raw.get("progress", {})
    for pr in (prog.get("json") or {}).get("rows", []):
        rows.append((pr.get("measure", "progress"), "", "", f"{pr.get('median', float('nan')):.2f}× | "
                     f"{pr.get('min', float('nan')):.2f}× | {pr.get('max', float('nan')):.2f}×",
                     pr.get("target", ""), ""))

    L = []
    L.append("# livy-kernel vs sparkmagic 0.23: benchmark results\n")
    L.append(f"Run {raw['when']} on this machine ({raw['machine']['cpus']} CPUs, {raw['machine']['mem_gib']} GiB), "
             f"{'`--quick`, ' if raw['quick'] else ''}{raw['bench_seconds'] / 60:.1f} min, by `bench/run`. "
             "Both kernels talk to one standalone local endpoint (`livy-kernel.jar local-livy`, real PySpark "
             "in local mode), each through its own counting reverse proxy in the bench script; they are run "
             "interleaved (A B, B A, …). Values are median (min–max); ratios are livy-kernel / sparkmagic "
             "of samples taken in the same round. Raw samples: `bench/work/raw.json` (not committed).\n")
    L.append("| Measure | livy-kernel | sparkmagic 0.23 | ratio median | min | max | target | met |")
    L.append("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for measure, o, t, ratio, tgt, met in rows:
        L.append(f"| {measure} | {o} | {t} | {ratio} | {tgt} | {met} |")
    L.append("")
    L.append("Samples: " + ", ".join([
        f"ready {len(raw['ready_s'][OURS])}+{len(raw['ready_s'][THEIRS])}",
        f"first cell {len(raw['first_cell_s'][OURS])}+{len(raw['first_cell_s'][THEIRS])}",
        f"each cell duration {len(raw['overhead_s'][OURS]['0'])}+{len(raw['overhead_s'][THEIRS]['0'])}"]) + ".\n")

    eps = raw["endpoint_sessions"]
    if eps and "floor_s" in eps[0]:
        L.append("## Per-cell overhead against the endpoint's own floor\n")
        L.append("Floor = the same `time.sleep(d)` statement sent by a bare REST client that polls every 2 ms "
                 "(what no client can beat on this endpoint). Medians.\n")
        L.append("| d (s) | endpoint floor | livy-kernel | livy-kernel − floor | sparkmagic | target |")
        L.append("| --- | --- | --- | --- | --- | --- |")
        for d in DURATIONS:
            fl = st([e["floor_s"][str(d)] for e in eps])[0]
            o = st(raw["overhead_s"][OURS][str(d)])[0]
            t = st(raw["overhead_s"][THEIRS][str(d)])[0]
            L.append(f"| {d} | {fl * 1000:.0f} ms | {o * 1000:.0f} ms | {(o - fl) * 1000:.0f} ms | {t * 1000:.0f} ms "
                     f"| ≤ {overhead_target(d) * 1000:.0f} ms |")
        L.append("")

    L.append("## Which requests each kernel makes per cell (all measured cells together)\n")
    for name, label in ((OURS, "livy-kernel"), (THEIRS, "sparkmagic")):
        routes = raw["routes"][name]
        n = sum(len(v) for v in raw["requests"][name].values())
        L.append(f"- {label}: " + ", ".join(f"`{k}` {v / n:.1f}/cell" for k, v in sorted(routes.items(),
                                                                                          key=lambda kv: -kv[1])))
    L.append("")

    L.append("## JVM flags of the kernel (ready time and RSS after start, our kernel only)\n")
    L.append("| Variant | ready | RSS after start |")
    L.append("| --- | --- | --- |")
    for v, d in raw["variants"].items():
        L.append(f"| {v} | {s(st(d['ready_s']))} | {mib(st(d['rss']))} |")
    L.append("")
    L.append("Flags from `./install`: `" + " ".join(raw["install_flags"]) + "`.\n")

    L.append("## The local endpoint itself (issue 3)\n")
    eps = raw["endpoint_sessions"]
    L.append("One `pyspark` session created straight over REST (polled every 50 ms), measured "
             f"{len(eps)}×: its Python driver plus Spark JVM, children of the endpoint.\n")
    L.append("| Measure | median (min–max) |")
    L.append("| --- | --- |")
    L.append(f"| Session start (POST /sessions → idle) | {s(st([e['start_s'] for e in eps]))} |")
    L.append(f"| Session process tree RSS, idle | {mib(st([e['session_rss'] for e in eps]))} |")
    L.append(f"| Session process tree RSS after `spark.range(100000).count()` | "
             f"{mib(st([e['session_rss_after_job'] for e in eps]))} |")
    L.append(f"| Endpoint JVM RSS (REST server, one session) | {mib(st([e['endpoint_rss'] for e in eps]))} |")
    L.append("")

    L.append("## Progress widget cost\n")
    if not prog.get("present"):
        L.append("Not measured yet: `bench/progress_cost.py` does not exist. When it does, `bench/run` runs it "
                 "against the same endpoint and kernelspecs (contract in `run_progress_hook` in bench/bench.py) "
                 "and puts its output here.\n")
    else:
        out = prog.get("stdout", "").strip()
        try:
            cells = json.loads(out)
        except ValueError:
            cells = None
        if isinstance(cells, dict) and all(isinstance(v, dict) for v in cells.values()):
            L.append("The same Spark cell timed (execute_request → idle) with `%%progress off` and on, "
                     "interleaved, by `bench/progress_cost.py`.\n")
            L.append("| Cell | progress off | progress on | cost | ratio | repeats |")
            L.append("| --- | --- | --- | --- | --- | --- |")
            for name, c in cells.items():
                L.append(f"| {name} | {c['off_median_s']:.3f} s | {c['on_median_s']:.3f} s | "
                         f"{c['diff_ms']:+.0f} ms | {c['ratio']:.2f}× | {c['repeats']} |")
        else:
            L.append(out or "(no output)")
        if prog.get("exit") not in (0, None) or prog.get("exit") is None:
            L.append(f"\n`progress_cost.py` exited {prog.get('exit')}: ```{prog.get('stderr', '')[-800:]}```")
        L.append("")

    L.extend(many_kernels_section(raw.get("many_kernels") or {}))

    notes = bench / "notes.md"
    if notes.exists():
        L.append(notes.read_text().strip())
        L.append("")
    L.append("![results](results.png)\n")
    (bench / "results.md").write_text("\n".join(L))
    plot(raw, bench / "results.png")


def many_kernels_section(mk: dict) -> list[str]:
    """The 8-kernel run of bench/many_kernels.py: per kernel kind, all at once against one endpoint."""
    L = ["## Many notebooks at once\n"]
    res = (mk.get("json") or {}).get("results")
    if not res:
        L.append(f"Not measured in this run (`bench/many_kernels.py` exited {mk.get('exit')}: "
                 f"```{mk.get('stderr', '')[-500:]}```).\n")
        return L
    n = next(iter(res.values()))["kernels"]
    L.append(f"{n} kernels of one kind against one `local-livy` endpoint (sessions in `local[1]`), each behind "
             "its own counting proxy; first cells all at once, then every kernel runs the same `time.sleep(d)` "
             "cells in its own thread at the same time. Overhead = wall − d, median over all kernels' cells, "
             "and the median of the slowest kernel; *alone* is one of them with the others idle. "
             "By `bench/many_kernels.py`.\n")
    kinds = [k for k in (OURS, THEIRS) if k in res]
    L.append("| Measure | " + " | ".join(LABEL[k] for k in kinds) + (" | ratio |" if len(kinds) == 2 else " |"))
    L.append("| --- " * (len(kinds) + 1 + (len(kinds) == 2)) + "|")

    def line(measure, values, fmt):
        cells = [fmt(v) for v in values]
        ratio = [f"{values[0] / values[1]:.2f}×"] if len(values) == 2 and values[1] else ([] if len(values) < 2 else ["–"])
        L.append(f"| {measure} | " + " | ".join(cells + ratio) + " |")

    samples = {k: res[k].get("first_cell_all_samples_s") or [res[k]["first_cell_all_s"]] for k in kinds}
    L.append(f"| First cell, {n} sessions starting at once (mean of {len(samples[kinds[0]])}, order A B B A) | "
             + " | ".join(f"{statistics.mean(samples[k]):.1f} s (" + ", ".join(f"{x:.1f}" for x in samples[k]) + ")"
                          for k in kinds)
             + (f" | {statistics.mean(samples[kinds[0]]) / statistics.mean(samples[kinds[1]]):.2f}× |"
                if len(kinds) == 2 else " |"))
    line("Requests per second against the endpoint, all kernels", [res[k]["requests_per_s"] for k in kinds],
         lambda v: f"{v:.1f}/s")
    for d in sorted(next(iter(res.values()))["overhead_concurrent_s"], key=float):
        line(f"Overhead of a `time.sleep({d})` cell, {n} at once",
             [statistics.median(res[k]["overhead_concurrent_s"][d]) for k in kinds], lambda v: f"{v * 1000:.0f} ms")
        line("… the slowest kernel's median", [max(o[d] for o in res[k]["overhead_by_kernel_s"]) for k in kinds],
             lambda v: f"{v * 1000:.0f} ms")
        line("… the same cell alone", [statistics.median(res[k]["overhead_alone_s"][d]) for k in kinds],
             lambda v: f"{v * 1000:.0f} ms")
        line(f"Requests per `time.sleep({d})` cell", [statistics.median(res[k]["requests_per_cell"][d]) for k in kinds],
             lambda v: f"{v:.0f}")
    L.append(f"\nLoad average {mk['json'].get('load_before', float('nan')):.1f} before the run on "
             f"{mk['json'].get('cpus')} CPUs.\n")
    return L


def plot(raw, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    c = {OURS: "#1f77b4", THEIRS: "#d62728"}
    lab = {OURS: "livy-kernel", THEIRS: "sparkmagic 0.23"}
    fig, ax = plt.subplots(2, 3, figsize=(15, 8.5))

    def bars(a, key, scale, title, unit):
        names = [OURS, THEIRS]
        meds = [st(raw[key][n])[0] * scale for n in names]
        lo = [meds[i] - st(raw[key][n])[1] * scale for i, n in enumerate(names)]
        hi = [st(raw[key][n])[2] * scale - meds[i] for i, n in enumerate(names)]
        a.bar([lab[n] for n in names], meds, yerr=[lo, hi], capsize=6, color=[c[n] for n in names])
        for i, m in enumerate(meds):
            a.text(i, m, f" {m:.2f}" if m < 10 else f" {m:.0f}", ha="center", va="bottom", fontsize=10)
        a.set_title(title)
        a.set_ylabel(unit)

    bars(ax[0, 0], "ready_s", 1, "Kernel ready (start → kernel_info_reply)", "s")
    bars(ax[0, 1], "rss_idle", 1 / MiB, "Idle RSS of kernel process tree", "MiB")
    bars(ax[0, 2], "first_cell_s", 1, "First cell incl. Livy session start", "s")

    a = ax[1, 0]
    for n in (OURS, THEIRS):
        m = [st(raw["overhead_s"][n][str(d)])[0] * 1000 for d in DURATIONS]
        lo = [st(raw["overhead_s"][n][str(d)])[1] * 1000 for d in DURATIONS]
        hi = [st(raw["overhead_s"][n][str(d)])[2] * 1000 for d in DURATIONS]
        a.plot(DURATIONS, m, "o-", color=c[n], label=lab[n])
        a.fill_between(DURATIONS, lo, hi, color=c[n], alpha=0.2)
    eps = raw["endpoint_sessions"]
    if eps and "floor_s" in eps[0]:
        a.plot(DURATIONS, [st([e["floor_s"][str(d)] for e in eps])[0] * 1000 for d in DURATIONS], "s:",
               color="grey", label="endpoint floor (bare client)")
    xs = [i / 10 for i in range(61)]
    a.plot(xs, [overhead_target(x) * 1000 for x in xs], "k--", lw=1, label="target max(30 ms, 5 %)")
    a.set_yscale("symlog", linthresh=100)
    a.set_title("Per-cell overhead (wall − duration; band = min–max)")
    a.set_xlabel("statement duration `time.sleep(d)` (s)")
    a.set_ylabel("ms")
    a.legend()

    a = ax[1, 1]
    for n in (OURS, THEIRS):
        a.plot(DURATIONS, [st(raw["requests"][n][str(d)])[0] for d in DURATIONS], "o-", color=c[n], label=lab[n])
    a.set_title("HTTP requests per cell (counted at the endpoint)")
    a.set_xlabel("statement duration (s)")
    a.set_ylabel("requests")
    a.legend()

    a = ax[1, 2]
    names, vals, targets = [], [], []
    names.append("ready"); vals.append(st(paired_ratios(raw["ready_s"][OURS], raw["ready_s"][THEIRS]))[0]); targets.append(0.35)
    names.append("idle RSS"); vals.append(st(paired_ratios(raw["rss_idle"][OURS], raw["rss_idle"][THEIRS]))[0]); targets.append(0.5)
    names.append("first cell"); vals.append(st(paired_ratios(raw["first_cell_s"][OURS], raw["first_cell_s"][THEIRS]))[0]); targets.append(None)
    for d in (0.3, 2, 6):
        o, t = raw["overhead_s"][OURS][str(d)], raw["overhead_s"][THEIRS][str(d)]
        names.append(f"overhead {d}s"); vals.append(st([x / y for x, y in zip(o, t) if y > 0.001])[0]); targets.append(None)
    y = list(range(len(names)))[::-1]
    a.barh(y, vals, color=[c[OURS] if (tt is None or v <= tt) else "#ff7f0e" for v, tt in zip(vals, targets)])
    for yi, v, tt in zip(y, vals, targets):
        a.text(v, yi, f" {v:.2f}×", va="center")
        if tt:
            a.plot([tt, tt], [yi - 0.4, yi + 0.4], "k-", lw=2)
    a.axvline(1, color="grey", lw=1, ls=":")
    a.set_yticks(y, names)
    a.set_xscale("log")
    a.set_title("Ratio livy-kernel / sparkmagic (median; bar = target)")
    fig.suptitle(f"livy-kernel vs sparkmagic 0.23 on one local Livy endpoint ({raw['when']})", fontsize=13)
    fig.tight_layout()
    fig.savefig(path, dpi=90)


if __name__ == "__main__":
    bench = Path(__file__).resolve().parent
    write(json.loads((bench / "work" / "raw.json").read_text()), bench)
    print("wrote", bench / "results.md", bench / "results.png", file=sys.stderr)
