"""The text form of the Spark progress display (consoles, nbconvert to text, papermill logs) and
the off switch, through jupyter_client on one kernel started with LIVY_KERNEL_PROGRESS=text."""
import re

import pytest

from conftest import run_cell
from progress_helpers import MULTI_JOB, progress_kernel, run_full


kernel = progress_kernel(env={"LIVY_KERNEL_PROGRESS": "text"})


def test_text_line_updates_in_place_and_ends_as_one_summary(kernel):
    _, kc = kernel
    reply, msgs = run_full(kc, MULTI_JOB)
    assert reply["status"] == "ok"
    types = [m["msg_type"] for m in msgs]
    assert not any(t.startswith("comm_") for t in types), types
    displays = [m["content"] for m in msgs if m["msg_type"] == "display_data"]
    assert len(displays) == 1
    assert list(displays[0]["data"]) == ["text/plain"]
    assert re.match(r"Spark \[[=> ]{20}\] \d+% \d+/\d+ tasks", displays[0]["data"]["text/plain"])
    display_id = displays[0]["transient"]["display_id"]
    updates = [m["content"] for m in msgs if m["msg_type"] == "update_display_data"]
    assert updates and all(u["transient"]["display_id"] == display_id for u in updates)
    assert all(list(u["data"]) == ["text/plain"] for u in updates)
    assert all("Model" not in u["data"]["text/plain"] for u in updates), "no widget reprs in text"
    assert re.fullmatch(r"Spark: 2 jobs succeeded, 12/12 tasks, 3 stages in \d+\.\ds", updates[-1]["data"]["text/plain"])
    assert types.index("display_data") < types.index("stream")


def test_jobs_that_start_and_end_between_polls_all_reach_the_summary(kernel):
    # Each job takes a few tens of ms and the display polls every 250 ms, so most of these jobs are
    # never seen running: the poller must find them by their ids, not by listing running jobs.
    _, kc = kernel
    reply, msgs = run_full(kc, "import time\nfor i in range(8):\n    sc.parallelize(range(10), 2).count()\n"
                               "    time.sleep(0.12)\n")
    assert reply["status"] == "ok"
    updates = [m["content"] for m in msgs if m["msg_type"] == "update_display_data"]
    assert updates, [m["msg_type"] for m in msgs]
    assert re.fullmatch(r"Spark: 8 jobs succeeded, 16/16 tasks, 8 stages in \d+\.\ds", updates[-1]["data"]["text/plain"])


def test_off_means_no_display_and_no_comm(kernel):
    _, kc = kernel
    reply, outputs = run_cell(kc, "%%progress off")
    if reply["status"] != "ok":
        pytest.skip("the %%progress magic is not wired into this build yet: " + str(reply.get("evalue")))
    reply, msgs = run_full(kc, MULTI_JOB)
    assert reply["status"] == "ok"
    assert [m["msg_type"] for m in msgs] == ["execute_input", "stream"]
