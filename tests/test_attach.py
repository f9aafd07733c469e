"""%%attach and %%detach end to end on a standalone embedded endpoint: a kernel attaches to a session
made by someone else, shares its variables, leaves it alone at %%detach and shutdown, and a kernel
configured with attach_session_id starts in it."""
import os

import pytest
from jupyter_client.manager import start_new_kernel

from conftest import KERNEL_NAME, LocalLivy, run_cell, stdout_of

pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def shared():
    """The endpoint and a session on it that a colleague created and put `y` in."""
    livy = LocalLivy()
    sid = livy.create()["id"]
    livy.wait_state(sid, ("idle",), timeout=300)
    assert livy.run(sid, "y = 5")["output"]["status"] == "ok"
    try:
        yield livy, sid
    finally:
        livy.stop()


def kernel(livy, **extra):
    env = {**os.environ, **livy.env(), "LIVY_KERNEL_PROGRESS": "off", **extra}
    return start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=60, env=env)


def state_of(livy, sid):
    r = livy.get("/sessions/%d" % sid)
    return r.json()["state"] if r.status_code == 200 else r.status_code


def test_attach_shares_the_session_and_detach_and_shutdown_leave_it(shared):
    livy, sid = shared
    km, kc = kernel(livy)
    try:
        reply, outputs = run_cell(kc, "x = 1")
        assert reply["status"] == "ok", outputs
        own = [s["id"] for s in livy.get("/sessions").json()["sessions"] if s["id"] != sid and state_of(livy, s["id"]) == "idle"]
        assert own, "the kernel has a session of its own"

        reply, _ = run_cell(kc, "%%%%attach %d" % sid)
        assert reply["status"] == "error" and "holds your variables" in reply["evalue"], reply
        reply, outputs = run_cell(kc, "%%%%attach -f %d" % sid)
        assert reply["status"] == "ok", reply
        assert "Attached to Livy session %d" % sid in stdout_of(outputs), outputs
        assert state_of(livy, own[-1]) in (404, "dead", "killed", "shutting_down"), "the own session was deleted"

        reply, outputs = run_cell(kc, "print('y is', y); z = y * 2")
        assert "y is 5" in stdout_of(outputs), outputs
        assert "z = 10" in livy.run(sid, "print('z =', z)")["output"]["data"]["text/plain"], "the colleague sees z"

        reply, outputs = run_cell(kc, "%%info")
        text = "".join(c["data"].get("text/plain", "") for t, c in outputs if t == "display_data")
        assert "Attached (%%attach)" in text and "never deletes" in text, text

        reply, _ = run_cell(kc, "%%%%delete -f -s %d" % sid)
        assert reply["status"] == "error" and "%%detach first" in reply["evalue"], reply

        reply, outputs = run_cell(kc, "%%detach")
        assert reply["status"] == "ok" and "Detached from Livy session %d" % sid in stdout_of(outputs), outputs
        assert state_of(livy, sid) == "idle"
        reply, outputs = run_cell(kc, "print('y' in dir())")
        assert "False" in stdout_of(outputs), "the next cell runs in a new session of the kernel's own"

        reply, outputs = run_cell(kc, "%%%%attach %d" % sid)
        assert reply["status"] == "error", "the new own session holds code that ran: -f needed"
        reply, outputs = run_cell(kc, "%%%%attach -f %d" % sid)
        assert reply["status"] == "ok", reply
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
    assert state_of(livy, sid) == "idle", "shutting the kernel down left the attached session alone"


def test_a_kernel_configured_to_attach_starts_in_that_session(shared):
    livy, sid = shared
    before = {s["id"] for s in livy.get("/sessions").json()["sessions"]}
    km, kc = kernel(livy, LIVY_KERNEL_ATTACH_SESSION=str(sid))
    try:
        reply, outputs = run_cell(kc, "print('y is', y)")
        assert reply["status"] == "ok" and "y is 5" in stdout_of(outputs), (reply, outputs)
        assert {s["id"] for s in livy.get("/sessions").json()["sessions"]} == before, "no session of its own"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
    assert state_of(livy, sid) == "idle"

    km, kc = kernel(livy, LIVY_KERNEL_ATTACH_SESSION="999")
    try:
        reply, _ = run_cell(kc, "print(1)")
        assert reply["status"] == "error"
        assert "Could not attach to Livy session 999 (attach_session_id)" in reply["evalue"], reply
        reply, outputs = run_cell(kc, "print('own', 2)")
        assert reply["status"] == "ok" and "own 2" in stdout_of(outputs), outputs
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
