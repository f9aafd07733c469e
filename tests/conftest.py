"""Shared fixtures for the end-to-end tests.

The kernelspec is installed once per run into a temporary prefix (never into the user's own
Jupyter dirs). PySpark sessions are expensive, so modules share one kernel or one standalone
local Livy endpoint where they can.
"""
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from livy_helpers import JAR, ROOT, LocalLivy  # noqa: F401 (test modules import these from conftest)

KERNEL_NAME = "pyspark-livy"
VENV_BIN = Path(sys.executable).parent
# The kernel's exit status when a port of its connection file is taken (EX_TEMPFAIL: start it again).
PORT_TAKEN_EXIT = 75


def _start_new_kernel(startup_timeout=60, kernel_name="python", **kwargs):
    """jupyter_client's start_new_kernel, started again (with new ports) when the kernel exited
    because another process took one of its ports between the client choosing them and the kernel
    binding them. With Spark JVMs opening ephemeral ports in parallel test modules that race is
    real; jupyter_server's restarter answers it the same way (random_ports_until_alive)."""
    from jupyter_client.manager import KernelManager
    for attempt in range(3):
        km = KernelManager(kernel_name=kernel_name)
        km.start_kernel(**kwargs)
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=startup_timeout)
            return km, kc
        except RuntimeError:
            kc.stop_channels()
            process = getattr(km.provisioner, "process", None)
            code = process.poll() if process is not None else None
            km.shutdown_kernel(now=True)
            if code != PORT_TAKEN_EXIT or attempt == 2:
                raise


# Every test (and helper) that imports start_new_kernel gets the retrying one.
import jupyter_client.manager  # noqa: E402
jupyter_client.manager.start_new_kernel = _start_new_kernel


@pytest.fixture(scope="session", autouse=True)
def kernelspec(tmp_path_factory):
    """Installs the kernelspec with the project's own install script into a temp prefix."""
    prefix = tmp_path_factory.mktemp("jupyter-prefix")
    subprocess.run([str(ROOT / "install"), "--prefix", str(prefix)], check=True, cwd=ROOT,
                   env={**os.environ, "PYTHON": sys.executable})
    data = prefix / "share" / "jupyter"
    os.environ["JUPYTER_PATH"] = str(data)
    # Kernels of one test run must not pick up a developer's own Livy settings.
    for var in ("LIVY_URL", "LIVY_USERNAME", "LIVY_PASSWORD", "LIVY_AUTH", "LIVY_KERNEL_CONFIG",
                "LIVY_CA_BUNDLE", "LIVY_CLIENT_CERT", "LIVY_CLIENT_KEY", "LIVY_CLIENT_KEY_PASSWORD",
                "LIVY_PROXY_USER", "LIVY_KERNEL_PROXY_USER_FROM_NOTEBOOK_USER", "EMR_SERVERLESS_SESSION_RUNTIME_ROLE_ARN",
                "LIVY_KERBEROS_PRINCIPAL", "LIVY_KERBEROS_KEYTAB"):
        os.environ.pop(var, None)
    os.environ["SPARKMAGIC_CONF_DIR"] = str(tmp_path_factory.mktemp("no-sparkmagic"))
    # A warm spare per kernel would double the Spark JVMs of every module on a 2-core machine;
    # test_warm_spare turns it on for its own kernels.
    os.environ["LIVY_KERNEL_WARM_SPARE"] = "false"
    spec = data / "kernels" / KERNEL_NAME
    assert (spec / "kernel.json").is_file()
    return spec


@pytest.fixture(scope="module")
def local_livy():
    livy = LocalLivy()
    yield livy
    livy.stop()


def warmed_kernel(warm_code, env=None):
    """Generator for a module fixture: a kernel whose Spark session ran `warm_code`, shut down after."""
    from jupyter_client.manager import start_new_kernel
    km, kc = start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=60,
                              **({"env": {**os.environ, **env}} if env else {}))
    reply, _ = run_cell(kc, warm_code, timeout=300)
    assert reply["status"] == "ok", reply
    yield km, kc
    kc.stop_channels()
    km.shutdown_kernel(now=False)


def request_messages(kc, msg_id, timeout=300, until=None):
    """Full iopub messages of one request (status messages left out) until its idle status, or,
    with `until`, up to and including the first message for which until(msg) holds."""
    out = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        msg = kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status":
            if msg["content"]["execution_state"] == "idle":
                if until is not None:
                    raise AssertionError("the request ended before the awaited message: %s" % out)
                return out
            continue
        out.append(msg)
        if until is not None and until(msg):
            return out
    raise TimeoutError("no idle for " + msg_id if until is None else "awaited message never came for " + msg_id)


def wait_for_iopub(kc, matches, timeout=30):
    """The first iopub message (of any request) for which matches(msg) holds; the ones before it are dropped."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        msg = kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
        if matches(msg):
            return msg
    raise TimeoutError("no such iopub message within %s s" % timeout)


def collect_outputs(kc, msg_id, timeout=300):
    """IOPub messages of one request until its idle status, as (msg_type, content) pairs."""
    return [(m["msg_type"], m["content"]) for m in request_messages(kc, msg_id, timeout)]


def run_cell(kc, code, timeout=300):
    """Executes code and returns (reply content, outputs)."""
    msg_id = kc.execute(code)
    reply = kc.get_shell_msg(timeout=timeout)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=timeout)
    outputs = collect_outputs(kc, msg_id, timeout=30)
    return reply["content"], outputs


def stderr_of(outputs):
    return "".join(c["text"] for t, c in outputs if t == "stream" and c["name"] == "stderr")


def stdout_of(outputs):
    return "".join(c["text"] for t, c in outputs if t == "stream" and c["name"] == "stdout")


def free_port():
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(what, condition, timeout=180):
    """Polls condition() until it returns something truthy; the bounded wait on a condition the tests order events with."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out waiting until " + what)


FAULT_TABLE = ROOT / "tests" / "output" / "fault-table.md"


def record_fault(fault, reply, outputs, started):
    """Appends what the user saw of a fault to tests/output/fault-table.md (the closing notes' fault
    table): the fault, the reply's status, the cell's stderr and error or output, and how long from
    the cell's start until it ended."""
    FAULT_TABLE.parent.mkdir(exist_ok=True)
    seen = (stderr_of(outputs) + " | " + (reply.get("evalue") or "ok: " + stdout_of(outputs))).replace("\n", " ")
    with FAULT_TABLE.open("a") as f:
        f.write("| %s | %s | %s | %.1f s |\n" % (fault, reply["status"], seen.strip(" |"), time.time() - started))
