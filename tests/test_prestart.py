"""Session pre-start end to end: a kernel pointed at a standalone endpoint creates its session as
soon as it starts, the first cell uses it without starting another, and a top %%configure with
other settings replaces it without -f."""
import os

import pytest
from jupyter_client.manager import start_new_kernel

from conftest import KERNEL_NAME, run_cell, stdout_of, wait_until

pytestmark = pytest.mark.timeout(600)


def live_sessions(livy):
    """Sessions of the endpoint that are not gone, by id."""
    got = livy.get("/sessions").json()["sessions"]
    return {s["id"]: s for s in got if s["state"] not in ("dead", "killed", "error", "success", "shutting_down")}


def start_kernel(livy):
    env = {**os.environ, **livy.env(), "LIVY_KERNEL_SESSION_PRESTART": "true"}
    return start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=60, env=env)


def status_lines(outputs):
    return [c["data"].get("text/plain", "") for t, c in outputs if t in ("display_data", "update_display_data")]


@pytest.fixture
def kernel(local_livy):
    before = set(live_sessions(local_livy))
    km, kc = start_kernel(local_livy)
    yield km, kc, before
    kc.stop_channels()
    if km.is_alive():
        km.shutdown_kernel(now=False)


def new_sessions(livy, before):
    return {i: s for i, s in live_sessions(livy).items() if i not in before}


def test_the_first_cell_uses_the_session_started_with_the_kernel(kernel, local_livy):
    km, kc, before = kernel
    # No cell has run: the session exists only because the kernel pre-started it.
    idle = wait_until("the pre-started session is idle",
                      lambda: [s for s in new_sessions(local_livy, before).values() if s["state"] == "idle"])
    assert len(idle) == 1, idle
    reply, outputs = run_cell(kc, "print(1)")
    assert reply["status"] == "ok", reply
    assert stdout_of(outputs).strip() == "1"
    assert not [line for line in status_lines(outputs) if "Starting Spark session" in line], outputs
    assert list(new_sessions(local_livy, before)) == [idle[0]["id"]], "no second session"


def test_a_top_configure_replaces_the_prestarted_session(kernel, local_livy):
    km, kc, before = kernel
    first = wait_until("the pre-started session exists", lambda: list(new_sessions(local_livy, before)))
    assert len(first) == 1, first
    reply, outputs = run_cell(kc, '%%configure\n{"conf": {"spark.sql.shuffle.partitions": "7"}}')
    assert reply["status"] == "ok", reply
    text = " ".join(status_lines(outputs))
    assert "deleted and a new one is starting" in text, outputs
    reply, outputs = run_cell(kc, 'print(spark.conf.get("spark.sql.shuffle.partitions"))')
    assert reply["status"] == "ok", reply
    assert stdout_of(outputs).strip() == "7", outputs
    now = new_sessions(local_livy, before)
    assert first[0] not in now, "the pre-started session was deleted"
    assert len(now) == 1, now
    # Shutting the kernel down deletes the session it holds.
    kc.stop_channels()
    km.shutdown_kernel(now=False)
    wait_until("the session is deleted on shutdown", lambda: not new_sessions(local_livy, before), timeout=60)
