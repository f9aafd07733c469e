"""Eight kernels at once against one standalone endpoint (`local-livy`): each runs its cells in
its own thread, all at the same time, and every output must be its own (a marker unique per
kernel and cell), none lost, none crossed. Sessions run local[1], so eight PySpark drivers
(~300 MiB each) fit; CPU on 2 cores is what makes it slow, so it can be left out with
LIVY_KERNEL_SKIP_MANY_KERNELS=1."""
import json
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from jupyter_client.manager import start_new_kernel

from conftest import KERNEL_NAME, LocalLivy, wait_until

KERNELS = 8
CELLS = 4

pytestmark = pytest.mark.skipif(os.environ.get("LIVY_KERNEL_SKIP_MANY_KERNELS") == "1",
                                reason="LIVY_KERNEL_SKIP_MANY_KERNELS=1")


def cell(k, c):
    """Code of cell c of kernel k, and the exact stdout and result it must give (the marker of kernel k is mk{k}x)."""
    if c % 2 == 0:
        # The session's own variable: a kernel that reached another kernel's session would print its marker.
        # Livy gives the printed text and the last expression's repr as one text/plain, so both are stdout.
        return (f"print(marker, 'c{c}-out')\nmarker + '-c{c}-result'",
                f"mk{k}x c{c}-out\n'mk{k}x-c{c}-result'\n", None)
    return (f"print(marker, 'c{c}', sc.parallelize(range(10), 2).map(lambda x: x + {k}).sum())",
            f"mk{k}x c{c} {45 + 10 * k}\n", None)


def run(kc, code, timeout):
    """(reply content, every iopub message seen until this request's idle), messages of any parent."""
    msg_id = kc.execute(code)
    seen = []
    deadline = time.time() + timeout
    while True:
        msg = kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
        seen.append(msg)
        if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status"
                and msg["content"]["execution_state"] == "idle"):
            break
    reply = kc.get_shell_msg(timeout=60)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=60)
    return msg_id, reply["content"], seen


def outputs_of(msg_id, seen):
    own = [m for m in seen if m["parent_header"].get("msg_id") == msg_id]
    stdout = "".join(m["content"]["text"] for m in own if m["msg_type"] == "stream" and m["content"]["name"] == "stdout")
    results = [m["content"]["data"]["text/plain"] for m in own if m["msg_type"] == "execute_result"]
    return stdout, results


@pytest.fixture(scope="module")
def endpoint():
    livy = LocalLivy("--spark-master", "local[1]")
    yield livy
    livy.stop()


@pytest.fixture(scope="module")
def kernels(endpoint):
    # 8 Spark sessions start at once on 2 cores (and the other test worker's Spark): more than the
    # kernel's default 180 s for a session start may pass on a loaded machine.
    env = {**os.environ, **endpoint.env(), "LIVY_SESSION_STARTUP_TIMEOUT": "600"}
    started = []
    try:
        for _ in range(KERNELS):
            started.append(start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=60, env=env))
        yield started
    finally:
        for km, kc in started:
            kc.stop_channels()
            km.shutdown_kernel(now=False)


def test_eight_kernels_running_cells_at_once_keep_their_own_outputs(endpoint, kernels):
    gate = threading.Barrier(KERNELS)
    t0 = time.time()

    def notebook(k):
        km, kc = kernels[k]
        problems = []
        # The first cell creates the kernel's session: eight sessions start at once.
        msg_id, reply, seen = run(kc, f"marker = 'mk{k}x'\nprint(marker)", timeout=600)
        if reply["status"] != "ok" or outputs_of(msg_id, seen)[0] != f"mk{k}x\n":
            problems.append(("first cell", reply, outputs_of(msg_id, seen)))
        gate.wait(timeout=600)
        for c in range(CELLS):
            code, stdout, result = cell(k, c)
            msg_id, reply, seen = run(kc, code, timeout=300)
            got_stdout, got_results = outputs_of(msg_id, seen)
            if reply["status"] != "ok" or got_stdout != stdout or got_results != ([result] if result else []):
                problems.append((c, reply.get("status"), got_stdout, got_results))
            crossed = [m for m in seen if any(f"mk{o}x" in json.dumps(m["content"]) for o in range(KERNELS) if o != k)]
            if crossed:
                problems.append((c, "another kernel's output", crossed))
        return problems

    with ThreadPoolExecutor(KERNELS) as pool:
        results = list(pool.map(notebook, range(KERNELS)))
    wall = time.time() - t0
    assert results == [[]] * KERNELS, [r for r in results if r]
    sessions = [s for s in endpoint.get("/sessions").json()["sessions"] if s["state"] == "idle"]
    assert len(sessions) == KERNELS, sessions
    print(f"{KERNELS} kernels x {CELLS + 1} cells at once: {wall:.1f} s wall")


def test_each_kernel_deletes_its_own_session_at_shutdown(endpoint, kernels):
    km, kc = kernels.pop()
    before = {s["id"] for s in endpoint.get("/sessions").json()["sessions"] if s["state"] == "idle"}
    kc.stop_channels()
    km.shutdown_kernel(now=False)
    wait_until("one session fewer", lambda: len({s["id"] for s in endpoint.get("/sessions").json()["sessions"]
                                                 if s["state"] == "idle"} & before) == KERNELS - 1, 60)
