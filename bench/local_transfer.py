"""Speed and memory of `%%sql -o` (Spark session → local pandas) and `%%send_to_spark -t df`
(back) for 10,000 and 100,000 rows, through a real kernel on the embedded endpoint.

    LIVY_KERNEL_JAR=target/livy-kernel.jar .venv/bin/python bench/local_transfer.py

Needs the kernelspec installed (./install). Prints one Markdown table; RSS is that of the kernel
JVM and of the local Python after each transfer (psutil), the JVM's peak as VmHWM.
"""
import sys
import time
from pathlib import Path

import psutil
from jupyter_client.manager import start_new_kernel

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from conftest import run_cell, stdout_of  # noqa: E402

ROWS = (10_000, 100_000)
VIEW = ("spark.range({n}).selectExpr('id', 'id * 0.5 AS half', \"concat('row ', id) AS label\", "
        "'id % 2 = 0 AS even', 'current_date() AS day', 'current_timestamp() AS ts').createOrReplaceTempView('t{n}')")


def mib(b):
    return b / 1024 / 1024


def hwm(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def local_child(kernel):
    for p in kernel.children(recursive=True):
        try:
            if "livy-kernel-local" in " ".join(p.cmdline()):
                return p
        except psutil.Error:
            continue
    return None


def timed(kc, code):
    start = time.perf_counter()
    reply, outputs = run_cell(kc, code, timeout=900)
    took = time.perf_counter() - start
    assert reply["status"] == "ok", (reply, outputs)
    return took, outputs


def main():
    km, kc = start_new_kernel(kernel_name="pyspark-livy", startup_timeout=60)
    try:
        kernel = psutil.Process(km.provisioner.process.pid)
        run_cell(kc, "1", timeout=300)
        # Started once before timing: the first %%local or -o also starts the local Python (about 1-2 s).
        run_cell(kc, "%%local\nimport pandas", timeout=120)
        # And Spark's first SQL and toJSON job (about 3 s on this machine), which any first query pays.
        run_cell(kc, "%%sql -o warm -q\nSELECT 1 AS x", timeout=300)
        rows = []
        for n in ROWS:
            run_cell(kc, VIEW.format(n=n), timeout=300)
            # The view's Spark job once before timing, so both sides time the transfer, not Spark's warm-up.
            run_cell(kc, f"spark.table('t{n}').count()", timeout=300)
            took, outputs = timed(kc, f"%%sql -o pulled -n -1 -q\nSELECT * FROM t{n}")
            assert f"Brought {n} rows" in stdout_of(outputs), outputs
            child = local_child(kernel)
            rows.append((f"`%%sql -o` {n:,} rows", took, n / took, mib(kernel.memory_info().rss), hwm(kernel.pid),
                         mib(child.memory_info().rss)))
            took, outputs = timed(kc, "%%send_to_spark -i pulled -t df -m -1 -n pushed")
            rows.append((f"`%%send_to_spark -t df` {n:,} rows", took, n / took, mib(kernel.memory_info().rss),
                         hwm(kernel.pid), mib(child.memory_info().rss)))
            run_cell(kc, "%%local\ndel pulled\nimport gc; gc.collect()")
        print("| transfer | time | rows/s | kernel RSS after | kernel peak RSS | local Python RSS after |")
        print("| --- | --- | --- | --- | --- | --- |")
        for name, took, rate, rss, peak, child_rss in rows:
            print(f"| {name} | {took:.2f} s | {rate:,.0f} | {rss:.0f} MiB | {peak:.0f} MiB | {child_rss:.0f} MiB |")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)


if __name__ == "__main__":
    main()
