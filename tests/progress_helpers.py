"""Helpers shared by the progress display tests."""
from conftest import request_messages

MULTI_JOB = """import time
def slow(i):
    time.sleep(0.02)
    return i
rdd = sc.parallelize(range(120), 4).map(slow)
print(rdd.count())
print(sorted(rdd.map(lambda x: (x % 3, 1)).reduceByKey(lambda a, b: a + b).collect()))
"""


def run_full(kc, code, timeout=300):
    """Executes code; returns (reply content, full iopub messages of that request up to idle)."""
    msg_id = kc.execute(code)
    reply = kc.get_shell_msg(timeout=timeout)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=timeout)
    return reply["content"], request_messages(kc, msg_id, timeout=60)
