"""Helpers shared by the progress display tests."""
import pytest

from conftest import request_messages, warmed_kernel

# The first cell of every progress test's kernel: it starts the Spark session with a small job.
WARM = "warm = sc.parallelize(range(4), 2).count()"


def multi_job(task_seconds):
    """A cell of two Spark jobs (count: one stage; reduceByKey collect: two) of 120 tasks each
    taking `task_seconds`, printing 120 and [(0, 40), (1, 40), (2, 40)]."""
    return f"""import time
def slow(i):
    time.sleep({task_seconds})
    return i
rdd = sc.parallelize(range(120), 4).map(slow)
print(rdd.count())
print(sorted(rdd.map(lambda x: (x % 3, 1)).reduceByKey(lambda a, b: a + b).collect()))
"""


MULTI_JOB = multi_job(0.02)


def progress_kernel(env=None):
    """A module fixture named by assignment (`kernel = progress_kernel()`): one kernel, started
    with `env`, whose Spark session ran WARM; shut down after the module."""
    @pytest.fixture(scope="module")
    def kernel():
        yield from warmed_kernel(WARM, env=env)
    return kernel


def run_full(kc, code, timeout=300):
    """Executes code; returns (reply content, full iopub messages of that request up to idle)."""
    msg_id = kc.execute(code)
    reply = kc.get_shell_msg(timeout=timeout)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=timeout)
    return reply["content"], request_messages(kc, msg_id, timeout=60)
