"""Shared fixtures for the end-to-end tests.

The kernelspec is installed once per run into a temporary prefix (never into the user's own
Jupyter dirs). PySpark sessions are expensive, so modules share one kernel or one standalone
local Livy endpoint where they can.
"""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
JAR = Path(os.environ.get("LIVY_KERNEL_JAR", ROOT / "target" / "livy-kernel.jar"))
KERNEL_NAME = "pyspark-livy"
VENV_BIN = Path(sys.executable).parent


@pytest.fixture(scope="session", autouse=True)
def kernelspec(tmp_path_factory):
    """Installs the kernelspec with the project's own install script into a temp prefix."""
    prefix = tmp_path_factory.mktemp("jupyter-prefix")
    subprocess.run([str(ROOT / "install"), "--prefix", str(prefix)], check=True, cwd=ROOT,
                   env={**os.environ, "PYTHON": sys.executable})
    data = prefix / "share" / "jupyter"
    os.environ["JUPYTER_PATH"] = str(data)
    # Kernels of one test run must not pick up a developer's own Livy settings.
    for var in ("LIVY_URL", "LIVY_USERNAME", "LIVY_PASSWORD", "LIVY_AUTH", "LIVY_KERNEL_CONFIG"):
        os.environ.pop(var, None)
    os.environ["SPARKMAGIC_CONF_DIR"] = str(tmp_path_factory.mktemp("no-sparkmagic"))
    spec = data / "kernels" / KERNEL_NAME
    assert (spec / "kernel.json").is_file()
    return spec


class LocalLivy:
    """A standalone embedded endpoint (`java -jar livy-kernel.jar local-livy`)."""

    def __init__(self, *extra_args, env=None):
        self.proc = subprocess.Popen(
            ["java", "-jar", str(JAR), "local-livy", "--port", "0", *extra_args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "LIVY_KERNEL_PYTHON": sys.executable, **(env or {})})
        self.info = None
        deadline = time.time() + 60
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            line = line.strip()
            if line.startswith("{"):
                try:
                    self.info = json.loads(line)
                    break
                except ValueError:
                    continue
        if not self.info:
            self.proc.kill()
            raise RuntimeError("local-livy did not print its URL: " + self.proc.stderr.read()[-2000:])
        self.url = self.info["url"]
        self.username = self.info.get("username")
        self.password = self.info.get("password")

    @property
    def auth(self):
        return (self.username, self.password) if self.password else None

    def env(self):
        """Environment that points a kernel at this endpoint."""
        env = {"LIVY_URL": self.url}
        if self.password:
            env.update(LIVY_USERNAME=self.username, LIVY_PASSWORD=self.password)
        return env

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()


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


def request_messages(kc, msg_id, timeout=300):
    """Full iopub messages of one request (status messages left out) until its idle status."""
    out = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        msg = kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status":
            if msg["content"]["execution_state"] == "idle":
                return out
            continue
        out.append(msg)
    raise TimeoutError("no idle for " + msg_id)


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


def stdout_of(outputs):
    return "".join(c["text"] for t, c in outputs if t == "stream" and c["name"] == "stdout")
