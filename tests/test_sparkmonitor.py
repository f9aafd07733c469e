"""The sparkmonitor comm (target "SparkMonitor") through jupyter_client on one kernel: the front end
opens the comm, and while a Spark cell runs the kernel sends {"msgtype": "fromscala", "msg": "<JSON>"}
listener events on it (protocol: shared/reference/sparkmonitor.md)."""
import json
import time
import uuid

import pytest

from progress_helpers import MULTI_JOB, progress_kernel


kernel = progress_kernel()


@pytest.fixture(scope="module")
def comm_id(kernel):
    """Opens the comm as the sparkmonitor front end does and checks the kernel's commopen ack."""
    _, kc = kernel
    cid = uuid.uuid4().hex
    msg = kc.session.msg("comm_open", {"comm_id": cid, "target_name": "SparkMonitor",
                                       "data": {"msgtype": "openfromfrontend"}})
    kc.shell_channel.send(msg)
    ack = None
    for m in iopub_until_idle(kc, msg["header"]["msg_id"]):
        assert m["msg_type"] != "comm_close", "SparkMonitor target must be known"
        if m["msg_type"] == "comm_msg":
            ack = m
    assert ack is not None, "no commopen ack"
    assert ack["content"]["comm_id"] == cid
    assert ack["content"]["data"] == {"msgtype": "commopen"}
    return cid


def iopub_until_idle(kc, msg_id, timeout=300):
    """All iopub messages (any parent) until the idle status of msg_id."""
    out = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        m = kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
        if (m["msg_type"] == "status" and m["parent_header"].get("msg_id") == msg_id
                and m["content"]["execution_state"] == "idle"):
            return out
        out.append(m)
    raise TimeoutError("no idle for " + msg_id)


def run_with_events(kc, cid, code, seen=None):
    """Runs a cell; returns (reply content, parsed SparkMonitor events sent before its idle).
    `seen`, a list, receives all the cell's iopub messages."""
    msg_id = kc.execute(code)
    msgs = iopub_until_idle(kc, msg_id)
    if seen is not None:
        seen.extend(msgs)
    reply = kc.get_shell_msg(timeout=30)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=30)
    events = []
    for m in msgs:
        if m["msg_type"] != "comm_msg" or m["content"]["comm_id"] != cid:
            continue
        assert m["parent_header"].get("msg_id") == msg_id, "events belong to the running cell"
        data = m["content"]["data"]
        assert data["msgtype"] == "fromscala", data
        assert isinstance(data["msg"], str), "msg must be a JSON string"
        events.append(json.loads(data["msg"]))
    return reply["content"], events


MULTI_JOB_MESSAGES = []


@pytest.fixture(scope="module")
def multi_job_events(kernel, comm_id):
    _, kc = kernel
    reply, events = run_with_events(kc, comm_id, MULTI_JOB, seen=MULTI_JOB_MESSAGES)
    assert reply["status"] == "ok", reply
    return events


def test_sparkmonitors_panel_is_the_only_progress_display(multi_job_events):
    assert multi_job_events, "sparkmonitor got the cell's jobs"
    # Only this cell's messages: a display of the warm-up cell may still be followed up meanwhile.
    cell = next(m["parent_header"]["msg_id"] for m in MULTI_JOB_MESSAGES if m["msg_type"] == "execute_input")
    kinds = [m["msg_type"] for m in MULTI_JOB_MESSAGES if m["parent_header"].get("msg_id") == cell]
    assert "stream" in kinds, kinds
    assert "display_data" not in kinds and "update_display_data" not in kinds, kinds
    assert not [m for m in MULTI_JOB_MESSAGES if m["msg_type"] == "comm_open"
                and m["parent_header"].get("msg_id") == cell], "no widget of the kernel's own"


def test_application_start_comes_before_the_first_job(multi_job_events):
    types = [e["msgtype"] for e in multi_job_events]
    assert "sparkJobStart" in types, types
    assert types.count("sparkApplicationStart") == 1, types
    assert types.index("sparkApplicationStart") < types.index("sparkJobStart")
    app = multi_job_events[types.index("sparkApplicationStart")]
    assert app["appId"] and app["appName"] and isinstance(app["appAttemptId"], str)


def test_each_job_starts_and_ends_once_completed(multi_job_events):
    starts = [e for e in multi_job_events if e["msgtype"] == "sparkJobStart"]
    ends = [e for e in multi_job_events if e["msgtype"] == "sparkJobEnd"]
    assert len(starts) == 2, starts   # count, then reduceByKey + collect
    assert sorted(e["jobId"] for e in starts) == sorted(e["jobId"] for e in ends)
    assert len({e["jobId"] for e in ends}) == len(ends), "job end once"
    for s in starts:
        assert s["status"] == "RUNNING"
        assert isinstance(s["submissionTime"], int) and s["submissionTime"] > 1_600_000_000_000
        assert s["stageIds"] and set(s["stageInfos"]) == {str(i) for i in s["stageIds"]}
        for info in s["stageInfos"].values():
            assert info["numTasks"] > 0 and info["name"]
        assert s["numTasks"] > 0 and s["totalCores"] > 0 and s["numExecutors"] >= 1
        end = next(e for e in ends if e["jobId"] == s["jobId"])
        assert end["status"] == "COMPLETED"
        assert end["completionTime"] >= s["submissionTime"]
        assert multi_job_events.index(s) < multi_job_events.index(end)
    assert len(starts[1]["stageIds"]) == 2, "the reduceByKey job has a shuffle stage"


def test_stage_events_refer_to_the_cells_jobs_and_every_stage_ends_completed(multi_job_events):
    # A job is announced after its stages' events of the same poll (sparkmonitor fixes a job row's
    # stage counts at its first render), so stage events may precede their job's sparkJobStart.
    starts = [e for e in multi_job_events if e["msgtype"] == "sparkJobStart"]
    known = {i for e in starts for i in e["stageIds"]}
    last = {}
    for e in multi_job_events:
        if e["msgtype"].startswith("sparkStage"):
            assert e["stageId"] in known, (e, known)
            if e["msgtype"] == "sparkStageCompleted":
                assert e["status"] == "COMPLETED"
                assert e["numCompletedTasks"] == e["numTasks"] > 0 and e["numFailedTasks"] == 0
                assert e["completionTime"] >= e["submissionTime"] > 0
                last[e["stageId"]] = e["status"]
    assert last == {i: "COMPLETED" for i in known}, "every stage of the jobs ran and completed"
    submitted = [e["stageId"] for e in multi_job_events if e["msgtype"] == "sparkStageSubmitted"]
    assert sorted(submitted) == sorted(known), "each stage submitted once (jupyter_client records no timing: no rebuild)"


def test_no_sparkmonitor_messages_for_a_non_spark_cell(kernel, comm_id, multi_job_events):
    _, kc = kernel
    reply, events = run_with_events(kc, comm_id, "print(sum(range(10)))")
    assert reply["status"] == "ok"
    assert events == []


def sparkmonitor_events(msgs, cid):
    return [json.loads(m["content"]["data"]["msg"]) for m in msgs
            if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == cid]


def test_an_interrupted_cells_job_ends_failed_in_sparkmonitor(kernel, comm_id, multi_job_events):
    km, kc = kernel
    msg_id = kc.execute("import time\nsc.parallelize(range(2), 2).map(lambda x: time.sleep(60) or x).count()")
    seen, deadline = [], time.time() + 120
    while not any(e["msgtype"] == "sparkJobStart" for e in sparkmonitor_events(seen, comm_id)):
        assert time.time() < deadline, "the job never started"
        seen.append(kc.get_iopub_msg(timeout=120))
    job = next(e["jobId"] for e in sparkmonitor_events(seen, comm_id) if e["msgtype"] == "sparkJobStart")
    km.interrupt_kernel()
    reply = kc.get_shell_msg(timeout=60)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=60)
    assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "KeyboardInterrupt", reply["content"]
    # The job's end may come after the cell's reply (Spark ends a cancelled job asynchronously):
    # sparkmonitor must still hear of it, or its UI shows the job running forever.
    deadline = time.time() + 45   # the kernel follows a statement's jobs for 30 s after it ended
    while not any(e["msgtype"] == "sparkJobEnd" and e["jobId"] == job for e in sparkmonitor_events(seen, comm_id)):
        assert time.time() < deadline, [e["msgtype"] for e in sparkmonitor_events(seen, comm_id)]
        try:
            seen.append(kc.get_iopub_msg(timeout=1))
        except Exception:
            pass
    end = next(e for e in sparkmonitor_events(seen, comm_id) if e["msgtype"] == "sparkJobEnd" and e["jobId"] == job)
    assert end["status"] == "FAILED", end
