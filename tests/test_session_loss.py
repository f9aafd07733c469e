"""A session reaped by Livy's idle timeout, end to end: one kernel on a standalone embedded
endpoint whose idle timeout is seconds. The cell that meets the reaped session says why it went
(the idle timeout, and how to raise it), runs in a new session, and %%replay restores the
earlier cells' namespace."""
import time

import pytest

from conftest import LocalLivy, record_fault, run_cell, stderr_of, stdout_of, warmed_kernel

# Long enough that the kernel's own cells (a few ms apart) never meet a reaper, short enough to wait for.
IDLE_TIMEOUT_S = 8


@pytest.fixture(scope="module")
def reaping():
    livy = LocalLivy("--session-timeout", "%ds" % IDLE_TIMEOUT_S)
    env = {**livy.env(), "LIVY_KERNEL_PROGRESS": "off"}
    try:
        for km_kc in warmed_kernel("x = 41", env=env):
            yield livy, km_kc
    finally:
        livy.stop()


def live_sessions(livy):
    return [s for s in livy.get("/sessions").json()["sessions"] if s["state"] not in ("dead", "killed", "error")]


def wait_until_reaped(livy, timeout=IDLE_TIMEOUT_S + 60):
    """Polls the endpoint (GET /sessions does not count as activity) until no live session is left."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if not live_sessions(livy):
            return
        time.sleep(0.2)
    raise AssertionError("the endpoint did not reap the idle session: %s" % livy.get("/sessions").json())


def test_a_reaped_session_is_explained_recreated_and_replayed(reaping):
    livy, (_, kc) = reaping
    [old] = live_sessions(livy)
    wait_until_reaped(livy)

    started = time.time()
    reply, outputs = run_cell(kc, "print('after')")
    record_fault("Livy's idle timeout reaped the session (%d s here)" % IDLE_TIMEOUT_S, reply, outputs, started)
    assert reply["status"] == "ok", (reply, outputs)
    assert "after" in stdout_of(outputs), outputs
    notice = stderr_of(outputs)
    assert "The Spark session %d is gone: Livy ended it after it had been idle for" % old["id"] in notice, outputs
    assert "livy.server.session.timeout" in notice and "livy-conf" in notice, notice
    assert "Starting a new session with the same configuration" in notice, notice
    assert "%%replay re-runs the cell that ran in the lost session" in notice, notice
    [new] = live_sessions(livy)
    assert new["id"] != old["id"]

    reply, outputs = run_cell(kc, "%%replay -n")
    assert reply["status"] == "ok", (reply, outputs)
    assert "1. x = 41" in stdout_of(outputs), outputs

    reply, outputs = run_cell(kc, "%%replay\n")
    assert reply["status"] == "ok", (reply, outputs)
    assert "Replayed 1 cell in session %d" % new["id"] in stdout_of(outputs), outputs

    reply, outputs = run_cell(kc, "print(x + 1)")
    assert reply["status"] == "ok", (reply, outputs)
    assert "42" in stdout_of(outputs), outputs


def test_without_auto_recreate_the_cell_explains_and_the_next_starts_a_new_session():
    livy = LocalLivy("--session-timeout", "%ds" % IDLE_TIMEOUT_S)
    env = {**livy.env(), "LIVY_KERNEL_PROGRESS": "off", "LIVY_KERNEL_SESSION_AUTO_RECREATE": "false"}
    try:
        for _, kc in warmed_kernel("x = 41", env=env):
            wait_until_reaped(livy)
            reply, outputs = run_cell(kc, "print(x)")
            assert reply["status"] == "error", (reply, outputs)
            assert reply["ename"] == "SessionLost", reply
            assert "idle for" in reply["evalue"] and "The cell did not run" in reply["evalue"], reply
            assert not live_sessions(livy), "no new session without auto-recreate"
            reply, outputs = run_cell(kc, "print('fresh')")
            assert reply["status"] == "ok", (reply, outputs)
            assert "fresh" in stdout_of(outputs)
    finally:
        livy.stop()
