"""Writes and removes livy-kernel's Jupyter kernelspecs: where they go, what their kernel.json
says, and the AppCDS archive each one starts from. The one implementation behind both
`./install` (from a source tree) and `livy-kernel install` (from the wheel)."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_NAME = "pyspark-livy"
DEFAULT_DISPLAY_NAME = "PySpark (Livy)"
RESOURCES = Path(__file__).with_name("resources")
LAUNCH = Path(__file__).with_name("launch")
LOGOS = ("logo-32x32.png", "logo-64x64.png", "logo-svg.svg")
AWS_LIB = "aws-lib"

# Serial GC and C1-only JIT with one compiler thread, a small heap floor and young generation:
# the kernel is I/O bound, so a fast start and a small footprint beat peak throughput
# (measured in bench/, see bench/results.md: -Xms8m -Xmn2m -XX:CICompilerCount=1 took the
# RSS after 40 cells from 75 to 70 MiB).
# -Xlog:cds…=off keeps a stale-archive warning off stdout (the JVM then just runs without it).
JVM_FLAGS = ["-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-Xss512k",
             "-Xms8m", "-Xmn2m", "-Xmx512m", "-XX:-UsePerfData", "-Xshare:auto", "-Xlog:cds=off",
             "-Xlog:cds+dynamic=off"]

_NAME = re.compile(r"^[A-Za-z0-9._-]+$")


def jupyter_data_dir(location, prefix=None):
    """share/jupyter of the chosen location: 'user' (Jupyter's user data dir), 'sys-prefix', or 'prefix'."""
    if location == "prefix":
        return Path(prefix).resolve() / "share" / "jupyter"
    if location == "sys-prefix":
        return Path(sys.prefix) / "share" / "jupyter"
    try:
        from jupyter_core.paths import jupyter_data_dir as from_jupyter
        return Path(from_jupyter())
    except ImportError:
        # The wheel depends on nothing: without jupyter_core, its rule for the user data dir.
        if os.environ.get("JUPYTER_DATA_DIR"):
            return Path(os.environ["JUPYTER_DATA_DIR"])
        if sys.platform == "darwin":
            return Path.home() / "Library" / "Jupyter"
        if os.name == "nt":
            return Path(os.environ.get("APPDATA", Path.home())) / "jupyter"
        return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "jupyter"


def check_name(name):
    if not _NAME.match(name):
        raise ValueError("the kernel name '%s' may hold only letters, digits, '.', '_' and '-'." % name)


def install(dest, java, display_name, env, jar=None, logos=None):
    """Writes the kernelspec directory dest. jar/logos default to the ones in this package; a jar
    given from elsewhere (a build tree) is copied in, so rebuilding it leaves the kernel alone."""
    dest.mkdir(parents=True, exist_ok=True)
    if jar is None:
        jar = RESOURCES / "livy-kernel.jar"
    else:
        shutil.copyfile(jar, dest / "livy-kernel.jar")
        # The AWS SDK for the EMR log archive sits beside the jar, which loads it only for %%logs --s3.
        aws_lib = Path(jar).parent / AWS_LIB
        if aws_lib.is_dir():
            shutil.rmtree(dest / AWS_LIB, ignore_errors=True)
            shutil.copytree(aws_lib, dest / AWS_LIB)
        jar = dest / "livy-kernel.jar"
    for logo in LOGOS:
        shutil.copyfile(Path(logos or RESOURCES) / logo, dest / logo)
    launch = dest / "launch"
    shutil.copyfile(LAUNCH, launch)
    launch.chmod(0o755)
    argv = [str(launch), java, *JVM_FLAGS, "-jar", str(Path(jar).resolve()), "{connection_file}"]
    jsa = dest / "livy-kernel.jsa"
    if make_appcds(argv, jsa):
        argv[-3:-3] = ["-XX:SharedArchiveFile=" + str(jsa)]
    spec = {"argv": argv, "display_name": display_name, "language": "python",
            "interrupt_mode": "message", "env": dict(env),
            "metadata": {"livy_kernel": {"session_kind": "pyspark"}}}
    (dest / "kernel.json").write_text(json.dumps(spec, indent=1) + "\n")
    return spec


def uninstall(dest):
    """True when there was a kernelspec at dest to remove."""
    if not (dest / "kernel.json").is_file():
        return False
    shutil.rmtree(dest)
    return True


def make_appcds(argv, jsa):
    """Archives the classes the kernel loads up to its first kernel_info (Jackson, JeroMQ, ours)
    by running it once with -XX:ArchiveClassesAtExit, so every kernel starts from that archive:
    ready time -0.2 s on 2 cores (bench/results.md). The archive is tied to this copy of the jar,
    so it is made again on every install; if it cannot be written the kernel starts without it."""
    if jsa.exists():
        jsa.unlink()
    socks = [socket.socket() for _ in range(5)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    with tempfile.TemporaryDirectory() as tmp:
        conn = Path(tmp) / "connection.json"
        conn.write_text(json.dumps({
            "shell_port": ports[0], "iopub_port": ports[1], "stdin_port": ports[2], "control_port": ports[3],
            "hb_port": ports[4], "ip": "127.0.0.1", "key": "appcds", "transport": "tcp",
            "signature_scheme": "hmac-sha256"}))
        cmd = argv[:-3] + ["-XX:ArchiveClassesAtExit=" + str(jsa)] + argv[-3:-1] + [str(conn)]
        # A Livy nobody listens on: the run must not reach a real cluster or start local Spark.
        env = dict(os.environ, LIVY_URL="http://127.0.0.1:9")
        try:
            p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.time() + 30
            while time.time() < deadline and p.poll() is None:
                try:
                    socket.create_connection(("127.0.0.1", ports[0]), timeout=0.2).close()
                    time.sleep(1)
                    break
                except OSError:
                    time.sleep(0.05)
            p.send_signal(signal.SIGTERM)
            p.wait(60)
        except (OSError, subprocess.TimeoutExpired) as e:
            print("livy-kernel: no AppCDS archive (%s); the kernel starts without it" % e, file=sys.stderr)
    return jsa.exists()
