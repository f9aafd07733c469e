"""Shutdown, restart and crash: no Livy session and no process left behind."""
import os
import signal
import time

import psutil
import pytest
import requests
from jupyter_client.manager import start_new_kernel

from conftest import KERNEL_NAME, run_cell, stdout_of


def _sessions(livy):
    r = requests.get(livy.url + "/sessions", auth=livy.auth, timeout=10)
    r.raise_for_status()
    return r.json()["sessions"]


def _wait_gone(pids, seconds):
    deadline = time.time() + seconds
    alive = pids
    while time.time() < deadline:
        alive = [p for p in pids if psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE]
        if not alive:
            return []
        time.sleep(0.5)
    return alive


def _descendants(km):
    return [p.pid for p in psutil.Process(km.provisioner.process.pid).children(recursive=True)]


def test_shutdown_and_restart_delete_the_livy_session(local_livy):
    env = {**os.environ, **local_livy.env()}
    km, kc = start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=60, env=env)
    try:
        reply, _ = run_cell(kc, "x = 1", timeout=300)
        assert reply["status"] == "ok"
        first = [s["id"] for s in _sessions(local_livy)]
        assert len(first) == 1
        km.restart_kernel(now=False)
        kc.wait_for_ready(timeout=60)
        assert [s for s in _sessions(local_livy) if s["id"] in first] == [], "restart left the old session"
        reply, outputs = run_cell(kc, "print('x' in dir())", timeout=300)
        assert reply["status"] == "ok" and stdout_of(outputs) == "False\n", "restart must give a fresh session"
        second = [s["id"] for s in _sessions(local_livy)]
        assert len(second) == 1 and second != first
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
    assert _sessions(local_livy) == [], "shutdown left the session behind"


def test_shutdown_of_embedded_endpoint_leaves_no_process():
    km, kc = start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=60)
    reply, _ = run_cell(kc, "spark.range(5).count()", timeout=300)
    assert reply["status"] == "ok"
    pids = _descendants(km)
    assert pids, "the embedded endpoint should run a Python driver and a Spark JVM"
    kernel_pid = km.provisioner.process.pid
    kc.stop_channels()
    km.shutdown_kernel(now=False)
    assert _wait_gone(pids + [kernel_pid], 30) == []


def test_sigkill_of_the_kernel_leaves_no_process():
    km, kc = start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=60)
    reply, _ = run_cell(kc, "spark.range(5).count()", timeout=300)
    assert reply["status"] == "ok"
    pids = _descendants(km)
    assert pids
    kc.stop_channels()
    os.kill(km.provisioner.process.pid, signal.SIGKILL)
    assert _wait_gone(pids, 30) == [], "processes outlived a SIGKILLed kernel"
    km.cleanup_resources()


def test_kernel_exits_when_its_front_end_is_killed(tmp_path):
    """A front end killed by force (no shutdown_request) must not leave the kernel and its Spark behind."""
    script = tmp_path / "frontend.py"
    script.write_text(
        "import sys, time\n"
        "from jupyter_client.manager import start_new_kernel\n"
        f"km, kc = start_new_kernel(kernel_name={KERNEL_NAME!r}, startup_timeout=60)\n"
        "kc.execute_interactive('spark.range(3).count()', timeout=300, output_hook=lambda m: None)\n"
        "print('PID', km.provisioner.process.pid, flush=True)\n"
        "time.sleep(600)\n")
    import subprocess
    import sys
    front = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        kernel_pid = int(front.stdout.readline().split()[1])
        tree = [kernel_pid] + [p.pid for p in psutil.Process(kernel_pid).children(recursive=True)]
        assert len(tree) > 1, "the embedded endpoint should run Spark processes"
    finally:
        front.kill()
        front.wait(10)
    assert _wait_gone(tree, 30) == [], "the kernel or its Spark processes outlived the front end"


def test_a_port_taken_before_the_kernel_binds_it_is_one_sentence_and_exit_75(tmp_path, kernelspec):
    """Jupyter chooses the ports and the kernel binds them later; another process can take one in
    between. The kernel then says so in one sentence and exits with EX_TEMPFAIL, no stack trace."""
    import json
    import socket
    import subprocess
    from jupyter_client.connect import write_connection_file
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    try:
        path, info = write_connection_file(str(tmp_path / "kernel.json"), ip="127.0.0.1", shell_port=taken.getsockname()[1])
        argv = [a.replace("{connection_file}", path) for a in json.loads((kernelspec / "kernel.json").read_text())["argv"]]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60,
                              env={**os.environ, "LIVY_KERNEL_SESSION_PRESTART": "false"})
    finally:
        taken.close()
    assert done.returncode == 75, (done.returncode, done.stderr)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines == [f"livy-kernel: the shell port of the connection file (tcp://127.0.0.1:{info['shell_port']}) is taken"
                     " by another process; start the kernel again (the front end then picks new ports)."], done.stderr
