"""Faults between the kernel and Livy, end to end: the kernel reaches a standalone embedded endpoint
through the project's fault-injecting proxy (tests/fault_proxy.py), which answers 5xx, holds a
request forever, cuts or garbles a body, resets a connection, refuses connections, or forwards to a
restarted endpoint. For each fault the test checks what the user sees, the reply's status, that the
kernel still answers kernel_info while and after it happens, and that the next cell works."""
import json
import os
import signal
import time

import psutil
import pytest
from jupyter_client.manager import start_new_kernel

from conftest import KERNEL_NAME, LocalLivy, record_fault as record, request_messages, run_cell, stderr_of, stdout_of
from fault_proxy import FaultProxy

pytestmark = pytest.mark.timeout(600)

STATEMENT = r"/sessions/\d+/statements/\d+"
READ_TIMEOUT_S = 8


def kernel_env(tmp_path, url):
    config = tmp_path / "livy-kernel.json"
    # A short read timeout so that a request that never gets an answer costs seconds, not a minute.
    config.write_text(json.dumps({"http_read_timeout_seconds": READ_TIMEOUT_S}))
    return {**os.environ, "LIVY_URL": url, "LIVY_KERNEL_CONFIG": str(config), "LIVY_KERNEL_PROGRESS": "off"}


def answers_kernel_info(kc, timeout=10):
    msg_id = kc.kernel_info()
    deadline = time.time() + timeout
    while time.time() < deadline:
        reply = kc.get_shell_msg(timeout=max(0.1, deadline - time.time()))
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply["content"]["status"] == "ok"
    return False


def reply_of(kc, msg_id, timeout=300):
    deadline = time.time() + timeout
    while time.time() < deadline:
        reply = kc.get_shell_msg(timeout=max(0.1, deadline - time.time()))
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply["content"]
    raise TimeoutError("no execute_reply for " + msg_id)


def wait_for(what, condition, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    """One kernel behind one proxy in front of one endpoint, its session started; the endpoint can be replaced."""
    state = {"livy": LocalLivy("--no-auth")}
    proxy = FaultProxy(state["livy"].url)
    km, kc = start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=60,
                              env=kernel_env(tmp_path_factory.mktemp("faults"), proxy.url))
    try:
        reply, _ = run_cell(kc, "x = 41", timeout=300)
        assert reply["status"] == "ok", reply
        yield proxy, state, kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        proxy.close()
        state["livy"].stop()


def execute_and_wait_until_polled(kc, proxy, code):
    """Sends code and returns its msg_id once the endpoint has this statement and the kernel polls it."""
    posts = proxy.count("POST", r"/statements$")
    polls = proxy.count("GET", STATEMENT)   # before: a held GET may go out at once and be the only one
    msg_id = kc.execute(code)
    wait_for("the statement's submission", lambda: proxy.count("POST", r"/statements$") > posts)
    wait_for("a poll of the running statement", lambda: proxy.count("GET", STATEMENT) > polls)
    return msg_id


def run_with_fault(kc, proxy, code, *rule):
    """Runs code with one fault rule armed; returns (rule, reply, outputs) once the cell ended."""
    armed = proxy.add(*rule)
    started = time.time()
    msg_id = kc.execute(code)
    reply = reply_of(kc, msg_id)
    outputs = [(m["msg_type"], m["content"]) for m in request_messages(kc, msg_id, timeout=30)]
    method, path, action = rule[:3]
    record("%s (%s×) on %s %s" % (action if action != "status" else "HTTP %s" % rule[4], rule[3], method,
                                   "statement" if path == STATEMENT else "statements"), reply, outputs, started)
    return armed, reply, outputs


def assert_session_loss_explained(kc, msg_id, fault, started, why):
    """The cell that met a lost session ends saying so and why; the kernel answers; the next cell gets a new session."""
    reply = reply_of(kc, msg_id, timeout=300)
    outputs = [(m["msg_type"], m["content"]) for m in request_messages(kc, msg_id, timeout=30)]
    record(fault, reply, outputs, started)
    text = stderr_of(outputs) + reply.get("evalue", "")
    assert "is gone" in text and why in text, (reply, outputs)
    assert answers_kernel_info(kc)
    reply, outputs = run_cell(kc, "x = 41; print('next', x)")
    assert reply["status"] == "ok" and "next 41" in stdout_of(outputs), (reply, outputs)


def assert_next_cell_works(kc, value="x"):
    reply, outputs = run_cell(kc, "print('next', %s)" % value, timeout=300)
    assert reply["status"] == "ok", (reply, outputs)
    assert "next" in stdout_of(outputs), outputs


@pytest.mark.parametrize("action,status", [("status", 503), ("reset", None), ("garbage", None), ("short", None)])
def test_transient_faults_on_polls_are_ridden_out(faulty, action, status):
    proxy, _, kc = faulty
    rule, reply, outputs = run_with_fault(kc, proxy, "import time; time.sleep(1.5); print('survived', x)",
                                          "GET", STATEMENT, action, 3, status or 503)
    assert rule.fired >= 1, "the fault never fired"
    assert reply["status"] == "ok", (reply, outputs)
    assert "survived 41" in stdout_of(outputs), outputs
    assert answers_kernel_info(kc)


@pytest.mark.parametrize("action", ["truncate", "badjson"])
def test_a_malformed_answer_to_a_poll_is_retried(faulty, action):
    proxy, _, kc = faulty
    rule, reply, outputs = run_with_fault(kc, proxy, "import time; time.sleep(1.5); print('parsed', x)",
                                          "GET", STATEMENT, action, 2)
    assert rule.fired >= 1
    assert reply["status"] == "ok", (reply, outputs)
    assert "parsed 41" in stdout_of(outputs), outputs


def test_a_poll_that_never_gets_an_answer_times_out_and_the_cell_goes_on(faulty):
    proxy, _, kc = faulty
    rule, reply, outputs = run_with_fault(kc, proxy, "import time; time.sleep(1); print('after the hang', x)",
                                          "GET", STATEMENT, "hang", 1)
    assert rule.fired == 1
    assert reply["status"] == "ok", (reply, outputs)
    assert "after the hang 41" in stdout_of(outputs), outputs


def test_a_failed_submission_is_one_clear_error_and_nothing_runs_twice(faulty):
    proxy, _, kc = faulty
    before = proxy.count("POST", r"/statements$")
    rule, reply, outputs = run_with_fault(kc, proxy, "x = x + 1", "POST", r"/statements$", "status", 1, 500)
    assert rule.fired == 1
    assert reply["status"] == "error", reply
    assert "500" in reply["evalue"] or "Livy" in reply["evalue"], reply
    assert not any("at livykernel." in line or "Exception:" in line for line in reply["traceback"]), reply
    assert proxy.count("POST", r"/statements$") == before + 1, "the statement was sent again"
    assert_next_cell_works(kc)
    reply, outputs = run_cell(kc, "print('x is', x)")
    assert "x is 41" in stdout_of(outputs), "the refused statement ran anyway"


def test_a_hung_submission_ends_the_cell_with_a_message(faulty):
    proxy, _, kc = faulty
    rule, reply, outputs = run_with_fault(kc, proxy, "print('never')", "POST", r"/statements$", "hang", 1)
    assert rule.fired == 1
    assert reply["status"] == "error", reply
    assert "Livy" in reply["evalue"], reply
    assert not any("at livykernel." in line for line in reply["traceback"]), reply
    assert_next_cell_works(kc)


def test_a_flood_of_interrupts_cancels_once_and_the_kernel_keeps_serving(faulty):
    proxy, _, kc = faulty
    started = time.time()
    msg_id = execute_and_wait_until_polled(kc, proxy, "import time; time.sleep(60); print('not interrupted')")
    for _ in range(40):
        kc.session.send(kc.control_channel.socket, kc.session.msg("interrupt_request", {}))
    reply = reply_of(kc, msg_id, timeout=120)
    outputs = [(m["msg_type"], m["content"]) for m in request_messages(kc, msg_id, timeout=30)]
    record("40 interrupts during a running statement", reply, outputs, started)
    assert reply["status"] == "error", reply
    assert "not interrupted" not in stdout_of(outputs)
    assert answers_kernel_info(kc)
    assert_next_cell_works(kc)


def test_the_spark_driver_dying_is_explained_and_the_cell_runs_in_a_new_session(faulty):
    proxy, state, kc = faulty
    livy = state["livy"]
    started = time.time()
    # Long while the session holds x, so the kill always lands mid-statement; no wait where x is gone.
    msg_id = execute_and_wait_until_polled(kc, proxy, "import time; time.sleep(60 if 'x' in globals() else 0); print('rerun', 1)")
    drivers = [p for p in livy.tree() if "python" in p.name().lower()]
    assert drivers, [p.cmdline() for p in livy.tree()]
    for p in drivers:
        p.send_signal(signal.SIGKILL)
    assert_session_loss_explained(kc, msg_id, "the Spark driver (Python) killed mid-statement", started,
                                  "Livy reports state 'dead'")


def test_livy_killed_mid_statement_and_restarted(faulty):
    proxy, state, kc = faulty
    started = time.time()
    msg_id = execute_and_wait_until_polled(kc, proxy,
                                           "import time; time.sleep(60 if 'x' in globals() else 0); print('after restart')")
    old = state["livy"]
    drivers = old.tree()
    os.kill(old.proc.pid, signal.SIGKILL)
    old.proc.wait(30)
    _, alive = psutil.wait_procs(drivers, timeout=60)
    assert not alive, "a killed endpoint must take its drivers with it: %s" % [p.cmdline() for p in alive]
    state["livy"] = LocalLivy("--no-auth")
    proxy.point_at(state["livy"].url)
    assert_session_loss_explained(kc, msg_id, "Livy killed (SIGKILL) mid-statement and restarted", started,
                                  "Livy no longer has it")


def test_livy_down_at_kernel_start_then_up(tmp_path):
    livy = LocalLivy("--no-auth")
    proxy = FaultProxy(livy.url, listening=False)
    km, kc = start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=60, env=kernel_env(tmp_path, proxy.url))
    try:
        assert answers_kernel_info(kc)
        started = time.time()
        reply, outputs = run_cell(kc, "print(1)", timeout=120)
        record("Livy down at kernel start (first cell)", reply, outputs, started)
        assert reply["status"] == "error"
        assert f"Cannot reach Livy at {proxy.url}" in reply["evalue"], reply
        assert "refused" in reply["evalue"].lower(), reply
        proxy.up()
        reply, outputs = run_cell(kc, "print('up now')", timeout=300)
        assert reply["status"] == "ok", (reply, outputs)
        assert "up now" in stdout_of(outputs)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        proxy.close()
        livy.stop()
