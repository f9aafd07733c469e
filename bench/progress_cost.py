"""What the Spark progress display costs a cell: the same Spark cell timed (execute_request to
idle, through jupyter_client) with %%progress off and on, interleaved, medians over repeats.

    scripts/setup-python-env test && ./install && .venv/bin/python bench/progress_cost.py [--repeats 9]

Runs on the embedded local endpoint (real PySpark); prints one JSON line with the numbers.
"""
import argparse
import json
import statistics
import sys
import time

from jupyter_client.manager import start_new_kernel

CELLS = {
    "short (1 job, ~0.3 s)": "sc.parallelize(range(4000), 4).map(lambda x: x * 2).sum()",
    "multi-job (~2 s)": ("import time\nr = sc.parallelize(range(80), 4).map(lambda x: (time.sleep(0.02), x)[1])\n"
                         "r.count(); sorted(r.map(lambda x: (x % 3, 1)).reduceByKey(lambda a, b: a + b).collect())"),
    # A long-lived session: the Spark UI then holds hundreds of jobs and stages.
    "1 job of ~1 s, after 400 more jobs in the session":
        "import time\nsc.parallelize(range(4), 4).map(lambda x: (time.sleep(0.8), x)[1]).sum()",
}
# Run once (display off) before the named cell is measured.
SETUP = {"1 job of ~1 s, after 400 more jobs in the session": "for _ in range(400):\n    sc.parallelize(range(2), 1).count()"}


def run(kc, code):
    start = time.perf_counter()
    msg_id = kc.execute(code)
    status = None
    while True:
        msg = kc.get_iopub_msg(timeout=300)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    elapsed = time.perf_counter() - start
    reply = kc.get_shell_msg(timeout=60)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=60)
    if reply["content"]["status"] != "ok":
        sys.exit("cell failed: " + json.dumps(reply["content"])[:500])
    return elapsed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=9)
    ap.add_argument("--kernel", default="pyspark-livy")
    args = ap.parse_args()
    km, kc = start_new_kernel(kernel_name=args.kernel, startup_timeout=60)
    try:
        run(kc, "sc.parallelize(range(10), 2).count()")
        results = {}
        for name, code in CELLS.items():
            if name in SETUP:
                run(kc, "%%progress off")
                run(kc, SETUP[name])
            run(kc, code)   # warm the JIT and the Python workers
            times = {"off": [], "on": []}
            for _ in range(args.repeats):
                for mode in ("off", "on"):
                    run(kc, "%%progress " + mode)
                    times[mode].append(run(kc, code))
            off, on = statistics.median(times["off"]), statistics.median(times["on"])
            results[name] = {"off_median_s": round(off, 3), "on_median_s": round(on, 3),
                             "diff_ms": round((on - off) * 1000, 1), "ratio": round(on / off, 3),
                             "repeats": args.repeats}
        run(kc, "%%progress on")
        print(json.dumps(results, indent=1))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)


if __name__ == "__main__":
    main()
