"""Helpers shared by the progress display tests."""
import time

MULTI_JOB = """import time
def slow(i):
    time.sleep(0.02)
    return i
rdd = sc.parallelize(range(120), 4).map(slow)
print(rdd.count())
print(sorted(rdd.map(lambda x: (x % 3, 1)).reduceByKey(lambda a, b: a + b).collect()))
"""


def run_full(kc, code, timeout=300):
    """Executes code; returns (reply content, iopub messages of that request up to idle, full messages)."""
    msg_id = kc.execute(code)
    reply = kc.get_shell_msg(timeout=timeout)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=timeout)
    msgs = []
    deadline = time.time() + 60
    while time.time() < deadline:
        msg = kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status":
            if msg["content"]["execution_state"] == "idle":
                return reply["content"], msgs
            continue
        msgs.append(msg)
    raise TimeoutError("no idle for " + msg_id)
