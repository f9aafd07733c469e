"""The embedded endpoint's warm spare driver (`local_warm_spare`), end to end and not timed.

Facts checked, never durations: after Restart the first cell runs in the process that was the
spare before the restart (its pid); the spare serves the next session inside one kernel too
(%%cleanup), not a %%configure with other settings; it is gone after a shutdown without restart,
after SIGKILL of the kernel, and at the end of its lease when no kernel adopts it; with the
setting off there is none. Processes are followed with psutil by the pids this test learnt, since
other kernels may run drivers on this machine at the same time.
"""
import json
import os
import re
import signal
import socket
import stat

import psutil
import pytest
from jupyter_client.manager import start_new_kernel

from conftest import KERNEL_NAME, run_cell, stdout_of, wait_until

pytestmark = pytest.mark.timeout(900)

DRIVER = "livy_repl_driver"


def start_kernel(**env):
    full = {**os.environ, "LIVY_KERNEL_WARM_SPARE": "true", **env}
    return start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=60, env=full)


def run_ok(kc, code):
    reply, outputs = run_cell(kc, code)
    assert reply["status"] == "ok", (reply, outputs)
    return stdout_of(outputs), outputs


def session_pid(kc):
    out, _ = run_ok(kc, "import os\nprint(os.getpid())")
    return int(out.strip())


def info_text(kc):
    _, outputs = run_ok(kc, "%%info")
    return " ".join(c.get("data", {}).get("text/plain", "") + c.get("text", "") for t, c in outputs)


def ready_spare(kc):
    """The pid of this kernel's warm spare once its Spark is up, as %%info reports it."""
    m = re.search(r"warm spare driver pid (\d+) ready", info_text(kc))
    return int(m.group(1)) if m else None


def driver_tree(pid):
    """The driver and what it started (its Spark JVM), as psutil processes."""
    p = psutil.Process(pid)
    return [p, *p.children(recursive=True)]


def cmdline(p):
    try:
        return " ".join(p.cmdline())
    except psutil.Error:  # gone, or a zombie not reaped yet
        return ""


def all_gone(procs, timeout=60):
    gone, alive = psutil.wait_procs(procs, timeout=timeout)
    return [p.pid for p in alive]


def handoff_file(km):
    return re.sub(r"\.json$", "", km.connection_file) + ".livy-spare"


@pytest.fixture(scope="module")
def restarted():
    """A kernel whose spare is warm, restarted once; yields what the test needs to know."""
    km, kc = start_kernel()
    before = session_pid(kc)
    run_ok(kc, "marker_before_restart = 1")
    spare = wait_until("the kernel has a warm spare", lambda: ready_spare(kc))
    assert spare != before
    spare_tree = driver_tree(spare)
    assert os.getpid() not in {p.pid for p in spare_tree}
    before_tree = driver_tree(before)
    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=60)
    yield {"km": km, "kc": kc, "before": before, "spare": spare, "spare_tree": spare_tree, "before_tree": before_tree}
    kc.stop_channels()
    if km.is_alive():
        km.shutdown_kernel(now=False)


def test_the_first_cell_after_restart_runs_in_the_spare(restarted):
    kc = restarted["kc"]
    assert session_pid(kc) == restarted["spare"], "the first cell ran in the driver that was the spare"
    out, _ = run_ok(kc, "print('marker_before_restart' in dir(), spark.range(5).count())")
    assert out.split() == ["False", "5"], "a fresh namespace with a working SparkSession"
    assert not os.path.exists(handoff_file(restarted["km"])), "the hand-off file is used once and removed"
    assert all_gone(restarted["before_tree"]) == [], "the old session's driver and JVM ended"
    assert all(p.is_running() for p in restarted["spare_tree"]), "the spare kept its Spark JVM"
    _, outputs = run_ok(kc, "%%logs")
    assert "runs on the warm spare driver pid %d" % restarted["spare"] in str(outputs)


def test_the_spare_serves_the_next_session_but_not_a_configure_with_other_settings(restarted):
    kc = restarted["kc"]
    spare = wait_until("the restarted kernel has its own warm spare", lambda: ready_spare(kc))
    run_ok(kc, "%%cleanup -f")
    assert session_pid(kc) == spare, "the session after %%cleanup runs on the spare"

    other = wait_until("a new warm spare", lambda: ready_spare(kc))
    run_ok(kc, '%%configure -f\n{"conf": {"spark.sql.shuffle.partitions": "7"}}')
    out, _ = run_ok(kc, 'import os\nprint(os.getpid(), spark.conf.get("spark.sql.shuffle.partitions"))')
    pid, partitions = out.split()
    assert int(pid) != other, "a %%configure with other settings starts its own driver"
    assert partitions == "7"
    assert psutil.pid_exists(other), "the unused spare stays for a default session"
    restarted["last_spare"] = other
    restarted["last_session"] = int(pid)


def test_shutdown_without_restart_ends_the_spare_and_the_session(restarted):
    km, kc = restarted["km"], restarted["kc"]
    trees = driver_tree(restarted["last_spare"]) + driver_tree(restarted["last_session"])
    assert len(trees) >= 4, "both drivers have their Spark JVMs"
    kc.stop_channels()
    km.shutdown_kernel(now=False)
    assert all_gone(trees) == []
    assert not os.path.exists(handoff_file(km))


def test_sigkill_of_the_kernel_ends_its_spare():
    km, kc = start_kernel()
    try:
        session = session_pid(kc)
        spare = wait_until("a warm spare", lambda: ready_spare(kc))
        trees = driver_tree(spare) + driver_tree(session)
        km.provisioner.process.send_signal(signal.SIGKILL)
        assert all_gone(trees) == [], "the spare's pipe closed with the kernel and it ended itself"
    finally:
        kc.stop_channels()
        km.cleanup_resources()


def test_a_spare_no_kernel_adopts_ends_at_its_lease():
    km, kc = start_kernel(LIVY_KERNEL_WARM_SPARE_LEASE="30s")
    session_pid(kc)
    spare = wait_until("a warm spare", lambda: ready_spare(kc))
    tree = driver_tree(spare)
    kc.stop_channels()
    # A restart whose new kernel never comes: the spare is left waiting for it.
    km.shutdown_kernel(now=False, restart=True)
    path = handoff_file(km)
    try:
        assert os.path.exists(path)
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert psutil.pid_exists(spare)
        with open(path) as f:
            port = json.load(f)["port"]
        listening = [c for c in psutil.Process(spare).net_connections(kind="tcp")
                     if c.status == psutil.CONN_LISTEN and c.laddr.port == port]
        assert [c.laddr.ip for c in listening] == ["127.0.0.1"], "loopback only"
        # A caller without the token is turned away; the spare keeps waiting for its kernel.
        with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
            s.sendall(b"not-the-token\n")
            assert s.recv(100) == b""
        assert psutil.pid_exists(spare)
        assert all_gone(tree, timeout=90) == [], "the lease ended and the spare with its JVM exited"
    finally:
        if os.path.exists(path):
            os.remove(path)
        km.cleanup_resources()


def test_off_means_no_spare():
    km, kc = start_kernel(LIVY_KERNEL_WARM_SPARE="false")
    try:
        session = session_pid(kc)
        assert "warm spare off" in info_text(kc)
        kernel = psutil.Process(km.provisioner.process.pid)
        drivers = [p for p in kernel.children(recursive=True) if DRIVER in cmdline(p)]
        assert [p.pid for p in drivers] == [session]
        km.restart_kernel(now=False)
        kc.wait_for_ready(timeout=60)
        assert not os.path.exists(handoff_file(km))
        assert session_pid(kc) != session
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
