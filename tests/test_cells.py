"""Cells, errors, outputs, interrupts and the protocol's safety rules, through jupyter_client,
on one kernel that runs its own embedded Livy endpoint with real PySpark."""
import json
import queue
import time

import pytest
import zmq
from jupyter_client.session import Session

from conftest import collect_outputs, request_messages, run_cell, stdout_of, wait_for_iopub, warmed_kernel


@pytest.fixture(scope="module")
def kernel():
    yield from warmed_kernel("warm = 'up'")


def test_first_cell_showed_session_status(kernel):
    km, kc = kernel
    # The module fixture's first cell started the session; later cells show no status line.
    reply, outputs = run_cell(kc, "print(1 + 1)")
    assert reply["status"] == "ok"
    assert [t for t, _ in outputs] == ["execute_input", "stream"]
    assert stdout_of(outputs) == "2\n"


def test_spark_job_result(kernel):
    _, kc = kernel
    reply, outputs = run_cell(kc, "spark.range(1000).selectExpr('sum(id) AS s').collect()[0].s")
    assert reply["status"] == "ok"
    assert "499500" in stdout_of(outputs)


def test_execution_count_increments(kernel):
    _, kc = kernel
    r1, _ = run_cell(kc, "a = 1")
    r2, outputs = run_cell(kc, "a + 1")
    assert r2["execution_count"] == r1["execution_count"] + 1
    inputs = [c for t, c in outputs if t == "execute_input"]
    assert inputs[0]["execution_count"] == r2["execution_count"]


def test_spark_error_is_an_error_reply(kernel):
    _, kc = kernel
    reply, outputs = run_cell(kc, "spark.sql('SELECT * FROM no_such_table').show()")
    assert reply["status"] == "error"
    assert reply["ename"] == "AnalysisException"
    assert "no_such_table" in reply["evalue"].lower()
    errors = [c for t, c in outputs if t == "error"]
    assert len(errors) == 1 and errors[0]["ename"] == "AnalysisException"
    assert isinstance(errors[0]["traceback"], list) and errors[0]["traceback"]


def test_python_error_traceback_names_the_line(kernel):
    _, kc = kernel
    reply, _ = run_cell(kc, "def f():\n    return 1 / 0\nf()")
    assert reply["status"] == "error"
    assert reply["ename"] == "ZeroDivisionError"
    assert any("line 2" in line for line in reply["traceback"]), reply["traceback"]


def test_table_json_and_png_outputs(kernel):
    _, kc = kernel
    _, outputs = run_cell(kc, "rows = [{'id': 1, 'name': 'a<b'}, {'id': 2, 'name': 'c'}]\n%table rows")
    results = [c for t, c in outputs if t == "execute_result"]
    assert len(results) == 1
    data = results[0]["data"]
    assert "<td>a&lt;b</td>" in data["text/html"]
    assert "| id | name |" in data["text/plain"]
    _, outputs = run_cell(kc, "d = {'k': [1, 2]}\n%json d")
    data = [c for t, c in outputs if t == "execute_result"][0]["data"]
    assert data["application/json"] == {"k": [1, 2]}
    _, outputs = run_cell(kc, "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
                              "plt.figure(); plt.plot([1, 2])\n%matplot plt")
    displays = [c for t, c in outputs if t == "display_data"]
    assert displays and displays[0]["data"]["image/png"].startswith("iVBOR")


def test_queued_cells_are_aborted_after_an_error(kernel):
    _, kc = kernel
    ids = [kc.execute("raise RuntimeError('first fails')"), kc.execute("print('never')"), kc.execute("print('never 2')")]
    replies = {}
    while len(replies) < 3:
        msg = kc.get_shell_msg(timeout=120)
        replies[msg["parent_header"]["msg_id"]] = msg["content"]
    assert [replies[i]["status"] for i in ids] == ["error", "aborted", "aborted"]
    for i in ids:
        collect_outputs(kc, i, timeout=30)
    reply, outputs = run_cell(kc, "print('after abort')")
    assert reply["status"] == "ok" and stdout_of(outputs) == "after abort\n"


def _run_interrupted(km, kc, code, ready, timeout=120):
    """Runs code and interrupts it once ready() holds (polled; it is passed the cell's iopub
    messages so far); returns (reply content, outputs) as run_cell does."""
    msg_id = kc.execute(code)
    deadline = time.time() + timeout
    early = []
    while not ready(early):
        assert time.time() < deadline, "the cell never got to the point of being interrupted: %s" % early
        try:
            msg = kc.get_iopub_msg(timeout=0.05)
        except queue.Empty:
            continue
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] != "status":
            early.append(msg)
    km.interrupt_kernel()
    rest = request_messages(kc, msg_id, timeout=max(1, deadline - time.time()))
    reply = kc.get_shell_msg(timeout=30)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=30)
    return reply["content"], [(m["msg_type"], m["content"]) for m in early + rest]


def test_interrupt_stops_plain_python_and_keeps_the_session(kernel, tmp_path):
    km, kc = kernel
    run_cell(kc, "kept = 'still here'")
    # The session's Python runs on this machine (embedded endpoint): the file says the sleep began.
    sleeping = tmp_path / "sleeping"
    started = time.time()
    reply, outputs = _run_interrupted(km, kc, f"import time\nopen({str(sleeping)!r}, 'w').close()\ntime.sleep(60)",
                                      lambda _: sleeping.exists(), timeout=90)
    assert reply["status"] == "error"
    assert reply["ename"] == "KeyboardInterrupt"
    assert time.time() - started < 45, "the sleep was not interrupted"
    assert [t for t, _ in outputs if t == "error"], outputs
    reply, outputs = run_cell(kc, "print(kept)")
    assert reply["status"] == "ok" and stdout_of(outputs) == "still here\n"


def test_interrupt_cancels_a_spark_job(kernel):
    km, kc = kernel
    started = time.time()
    # The progress display's first message says the kernel has seen the Spark job running.
    reply, _ = _run_interrupted(km, kc, "spark.range(0, 10**12, numPartitions=200).selectExpr('sum(id * id)').collect()",
                                lambda msgs: any(m["msg_type"] in ("comm_open", "display_data") for m in msgs))
    assert reply["status"] == "error"
    assert reply["ename"] == "KeyboardInterrupt"
    assert time.time() - started < 60
    reply, outputs = run_cell(kc, "spark.range(10).count()")
    assert reply["status"] == "ok" and "10" in stdout_of(outputs)


def test_interrupt_when_idle_is_harmless(kernel):
    km, kc = kernel
    km.interrupt_kernel()
    # Control requests are bracketed by busy/idle on iopub: the idle says the interrupt was handled.
    wait_for_iopub(kc, lambda m: m["msg_type"] == "status" and m["content"]["execution_state"] == "idle"
                   and m["parent_header"].get("msg_type") == "interrupt_request")
    reply, outputs = run_cell(kc, "print('fine')")
    assert reply["status"] == "ok" and stdout_of(outputs) == "fine\n"


def test_badly_signed_messages_are_never_executed(kernel, tmp_path):
    km, kc = kernel
    marker = tmp_path / "executed"
    code = f"open({str(marker)!r}, 'w').write('x')"
    info = km.get_connection_info()
    forger = Session(key=b"not-the-key", signature_scheme="hmac-sha256")
    unsigned = Session(key=b"")
    sock = zmq.Context.instance().socket(zmq.DEALER)
    sock.connect(f"{info['transport']}://{info['ip']}:{info['shell_port']}")
    try:
        for i in range(200):
            s = forger if i % 2 else unsigned
            s.send(sock, s.msg("execute_request", {"code": code, "silent": False, "store_history": True,
                                                   "user_expressions": {}, "allow_stdin": False}))
        sock.send_multipart([b"<IDS|MSG>", b"garbage", b"{not json", b"{}", b"{}", b"{}"])
        sock.send_multipart([b"only-one-frame"])
        # A signed request after them on the same socket: its reply means the kernel has read
        # (and dropped, or queued before the cells below) every message sent before it.
        probe = kc.session.msg("kernel_info_request")
        kc.session.send(sock, probe)
        assert sock.poll(30_000), "no reply to a signed kernel_info_request"
        _, frames = kc.session.feed_identities(sock.recv_multipart())
        assert kc.session.deserialize(frames)["parent_header"]["msg_id"] == probe["header"]["msg_id"]
    finally:
        sock.close(linger=0)
    reply, outputs = run_cell(kc, "print('still answering')")
    assert reply["status"] == "ok" and stdout_of(outputs) == "still answering\n"
    reply, outputs = run_cell(kc, f"import os\nprint(os.path.exists({str(marker)!r}))")
    assert stdout_of(outputs) == "False\n"
    assert not marker.exists()


def test_kernel_info_on_control_while_a_cell_runs(kernel):
    km, kc = kernel
    msg_id = kc.execute("import time\ntime.sleep(8)")
    request_messages(kc, msg_id, timeout=60, until=lambda m: m["msg_type"] == "execute_input")
    control = kc.control_channel
    control.send(kc.session.msg("kernel_info_request"))
    reply = control.get_msg(timeout=30)
    assert reply["msg_type"] == "kernel_info_reply"
    assert reply["content"]["language_info"]["name"] == "python"
    # The reply came while the cell still ran: its execute_reply is not there yet.
    assert not kc.shell_channel.msg_ready(), "control waited for the running cell"
    while True:
        msg = kc.get_shell_msg(timeout=30)
        if msg["parent_header"]["msg_id"] == msg_id:
            break
    collect_outputs(kc, msg_id)



def test_a_100_mb_print_ends_cut_to_the_cap_with_a_note(kernel):
    # Once this cell never ended: the embedded endpoint could not take the driver's 100 MB result line.
    _, kc = kernel
    reply, outputs = run_cell(kc, "print('x' * 100_000_000)", timeout=600)
    assert reply["status"] == "ok", reply
    out = stdout_of(outputs)
    assert len(out) == 10 * 1024 * 1024, len(out)
    assert out.endswith("\n[The output was cut: the first 10.0 MB of its 95.4 MB are shown (the embedded endpoint's "
                        "LIVY_KERNEL_ENDPOINT_MAX_OUTPUT).]\n"), out[-300:]
    reply, outputs = run_cell(kc, "print('next')")
    assert stdout_of(outputs) == "next\n"
