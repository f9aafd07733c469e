"""What AWS SigV4 support costs a kernel that does not use it, and what it costs once it signs:
the kernel JVM (the kernelspec's flags, no AppCDS, so both jars are timed alike) started against
an http Livy, timed to its kernel_info reply, its RSS 3 s later, and the classes it loaded
(-Xlog:class+load), AWS SDK classes counted apart. Modes: http Livy; auth AWS_SigV4 idle; AWS_SigV4
after one signed request (to a stand-in http server, with throw-away credentials).

    .venv/bin/python bench/sigv4_cost.py BASE_JAR [JAR] [--repeats 7]

BASE_JAR is a build without the change (e.g. a copy of main's target/livy-kernel.jar); JAR defaults
to this tree's target/livy-kernel.jar (with its aws-lib/ beside it). Prints one line per mode and jar.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from jupyter_client import BlockingKernelClient
from jupyter_client.connect import write_connection_file

FLAGS = ["-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-Xss512k",
         "-Xms8m", "-Xmn2m", "-Xmx512m", "-XX:-UsePerfData", "-Xshare:auto", "-Xlog:cds=off"]
SIGNING = {"LIVY_AUTH": "AWS_SigV4", "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "AKIABENCH",
           "AWS_SECRET_ACCESS_KEY": "bench-only", "AWS_EC2_METADATA_DISABLED": "true"}
MODES = {"http Livy": ({}, False), "auth AWS_SigV4, idle": (SIGNING, False),
         "auth AWS_SigV4, after one signed request": (SIGNING, True)}


def start_kernel(jar, port, env_extra, cell, classlog=None):
    d = tempfile.mkdtemp()
    cf, _ = write_connection_file(os.path.join(d, "k.json"))
    argv = ["java", *FLAGS, *(["-Xlog:class+load=info:file=" + classlog] if classlog else []), "-jar", jar, cf]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "LIVY_"))}
    env.update({"LIVY_URL": "http://127.0.0.1:%d" % port, "LIVY_KERNEL_PROGRESS": "off", "SPARKMAGIC_CONF_DIR": d,
                "HOME": d, **env_extra})
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kc = BlockingKernelClient(connection_file=cf)
    kc.load_connection_file()
    kc.start_channels()
    try:
        kc.kernel_info()
        kc.get_shell_msg(timeout=60)
        ready = time.perf_counter() - t0
        if cell:
            kc.execute_interactive("print(1)", timeout=60, output_hook=lambda m: None)
        time.sleep(3)
        return ready, psutil.Process(p.pid).memory_info().rss
    finally:
        kc.stop_channels()
        p.terminate()
        p.wait(20)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("jar", nargs="?", default=str(Path(__file__).resolve().parents[1] / "target" / "livy-kernel.jar"))
    ap.add_argument("--repeats", type=int, default=7)
    a = ap.parse_args()
    # Something that answers HTTP, so that a signed request is really sent (nothing is signed before a connection).
    srv = subprocess.Popen([sys.executable, "-m", "http.server", "-b", "127.0.0.1", "0"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True)
    try:
        port = int(re.search(r"port (\d+)", srv.stdout.readline()).group(1))
        for mode, (extra, cell) in MODES.items():
            jars = [("base", a.base), ("this", a.jar)] if not extra else [("this", a.jar)]
            # interleaved, so that the machine's other load falls on both alike
            runs = {name: [] for name, _ in jars}
            for _ in range(a.repeats):
                for name, jar in jars:
                    runs[name].append(start_kernel(jar, port, extra, cell))
            for name, jar in jars:
                with tempfile.NamedTemporaryFile(suffix=".log") as log:
                    start_kernel(jar, port, extra, cell, classlog=log.name)
                    lines = Path(log.name).read_text().splitlines()
                sdk = sum("software.amazon" in line for line in lines)
                print("%-42s %-4s ready %.2f s, RSS %.1f MiB (medians of %d), classes %d, of them AWS SDK %d"
                      % (mode, name, statistics.median(r for r, _ in runs[name]),
                         statistics.median(m for _, m in runs[name]) / 2**20, len(runs[name]), len(lines), sdk), flush=True)
    finally:
        srv.terminate()


main()
