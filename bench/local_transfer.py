"""Speed and memory of `%%sql -o` (Spark session → local pandas) and `%%send_to_spark -t df`
(back) for 10,000 and 100,000 rows: livy-kernel, and with --sparkmagic also sparkmagic 0.23's
PySpark kernel, both on one standalone embedded endpoint (`livy-kernel.jar local-livy`).

    JUPYTER_PATH=<prefix>/share/jupyter .venv/bin/python bench/local_transfer.py [--sparkmagic]

Needs our kernelspec (./install) and, for --sparkmagic, the `pysparkkernel` kernelspec of
bench/.venv (bench/setup, then `bench/.venv/bin/jupyter-kernelspec install`). Prints one Markdown
table. RSS is that of the kernel's process tree after each transfer (psutil; for livy-kernel the
JVM plus its local Python, for sparkmagic its one IPython process).
"""
import json
import sys
import tempfile
import time
from pathlib import Path

import psutil
from jupyter_client.manager import start_new_kernel

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from conftest import run_cell, stdout_of  # noqa: E402
from livy_helpers import LocalLivy  # noqa: E402

ROWS = (10_000, 100_000)
VIEW = ("spark.range({n}).selectExpr('id', 'id * 0.5 AS half', \"concat('row ', id) AS label\", "
        "'id % 2 = 0 AS even', 'current_date() AS day', 'current_timestamp() AS ts').createOrReplaceTempView('t{n}')")


def tree_rss(pid):
    proc = psutil.Process(pid)
    total = proc.memory_info().rss
    for child in proc.children(recursive=True):
        try:
            # The embedded endpoint's Spark is not part of either kernel here (it runs standalone).
            total += child.memory_info().rss
        except psutil.Error:
            pass
    return total / 2**20


def timed(kc, code):
    start = time.perf_counter()
    reply, outputs = run_cell(kc, code, timeout=1800)
    took = time.perf_counter() - start
    assert reply["status"] == "ok", (code, reply, outputs)
    return took, outputs


def measure(label, kernel_name, env, rows):
    km, kc = start_new_kernel(kernel_name=kernel_name, startup_timeout=120, env=env)
    try:
        pid = km.provisioner.process.pid
        run_cell(kc, "1", timeout=600)
        # Warm: the local side and Spark's first SQL / toJSON job, which any first query pays.
        run_cell(kc, "%%local\nimport pandas", timeout=120)
        run_cell(kc, "%%sql -o warm -q\nSELECT 1 AS x", timeout=600)
        for n in ROWS:
            run_cell(kc, VIEW.format(n=n), timeout=600)
            run_cell(kc, f"spark.table('t{n}').count()", timeout=600)
            took, _ = timed(kc, f"%%sql -o pulled -n -1 -q\nSELECT * FROM t{n}")
            _, out = timed(kc, "%%local\nprint(len(pulled))")
            assert stdout_of(out).strip().endswith(str(n)), out
            rows.append((label, f"`%%sql -o` {n:,} rows", took, n / took, tree_rss(pid)))
            took, _ = timed(kc, f"%%send_to_spark -i pulled -t df -n pushed -m {n}")
            _, out = timed(kc, "print(pushed.count())")
            assert stdout_of(out).strip().endswith(str(n)), out
            rows.append((label, f"`%%send_to_spark -t df` {n:,} rows", took, n / took, tree_rss(pid)))
            run_cell(kc, "%%local\ndel pulled\nimport gc; gc.collect()")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)


def main():
    import os
    # Apache Livy passes a statement's whole output on; the endpoint cuts it at 10 MB by default,
    # which sparkmagic's -o of 100,000 rows (one JSON line per row, ~15 MB) would not survive.
    os.environ.setdefault("LIVY_KERNEL_ENDPOINT_MAX_OUTPUT", str(1 << 30))
    livy = LocalLivy()
    rows = []
    try:
        base = {k: v for k, v in os.environ.items() if not k.startswith(("LIVY_", "SPARKMAGIC_"))}
        conf = Path(tempfile.mkdtemp(prefix="bench-sm-"))
        creds = {"url": livy.url, "username": livy.username or "", "password": livy.password or "",
                 "auth": "Basic_Access" if livy.password else "None"}
        (conf / "config.json").write_text(json.dumps({"kernel_python_credentials": creds,
                                                      "livy_session_startup_timeout_seconds": 300}))
        ours = dict(base, SPARKMAGIC_CONF_DIR=str(conf), LIVY_URL=livy.url, LIVY_USERNAME=livy.username or "",
                    LIVY_PASSWORD=livy.password or "", LIVY_KERNEL_SESSION_PRESTART="false")
        measure("livy-kernel", "pyspark-livy", ours, rows)
        if "--sparkmagic" in sys.argv:
            measure("sparkmagic 0.23", "pysparkkernel", dict(base, SPARKMAGIC_CONF_DIR=str(conf)), rows)
    finally:
        livy.stop()
    print("| kernel | transfer | time | rows/s | kernel process tree RSS after |")
    print("| --- | --- | --- | --- | --- |")
    for label, name, took, rate, rss in rows:
        print(f"| {label} | {name} | {took:.2f} s | {rate:,.0f} | {rss:.0f} MiB |")


if __name__ == "__main__":
    main()
