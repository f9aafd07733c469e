"""The Spark job progress widget (ipywidgets 8 over comms) through jupyter_client, on one kernel
with the default progress mode (on: widget with a text fallback, then a static snapshot)."""
import re
from collections import Counter, defaultdict
from datetime import datetime

import pytest

from conftest import run_cell, stdout_of
from progress_helpers import MULTI_JOB, progress_kernel, run_full

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
CONTROLS = "@jupyter-widgets/controls"
BASE = "@jupyter-widgets/base"


kernel = progress_kernel()


@pytest.fixture(scope="module")
def multi_job(kernel):
    _, kc = kernel
    reply, msgs = run_full(kc, MULTI_JOB)
    assert reply["status"] == "ok", reply
    return msgs


def test_plain_python_cells_show_no_progress(kernel):
    _, kc = kernel
    reply, outputs = run_cell(kc, "print(1 + 1)")
    assert reply["status"] == "ok"
    assert [t for t, _ in outputs] == ["execute_input", "stream"]
    reply, outputs = run_cell(kc, "x = 1")
    assert [t for t, _ in outputs] == ["execute_input"]
    reply, outputs = run_cell(kc, "raise ValueError('nope')")
    assert reply["status"] == "error"
    assert [t for t, _ in outputs] == ["execute_input", "error"]


def test_widget_models_are_opened_with_full_ipywidgets_state(multi_job):
    opens = [m for m in multi_job if m["msg_type"] == "comm_open"]
    assert opens, [m["msg_type"] for m in multi_job]
    names = Counter()
    opened = set()
    for m in opens:
        c = m["content"]
        assert c["target_name"] == "jupyter.widget"
        assert m["metadata"] == {"version": "2.1.0"}
        assert c["data"]["buffer_paths"] == []
        st = c["data"]["state"]
        names[st["_model_name"]] += 1
        if st["_model_name"] == "LayoutModel":
            assert (st["_model_module"], st["_view_module"], st["_view_name"]) == (BASE, BASE, "LayoutView")
            assert st["width"] is None and "grid_template_areas" in st
        elif st["_model_name"].endswith("StyleModel"):
            assert (st["_model_module"], st["_view_module"], st["_view_name"]) == (CONTROLS, BASE, "StyleView")
        else:
            assert st["_model_module"] == CONTROLS and st["_view_module"] == CONTROLS
        assert st["_model_module_version"] == "2.0.0" and st["_view_module_version"] == "2.0.0"
        # Referenced models are opened before the models that refer to them.
        refs = [v for k, v in st.items() if isinstance(v, str) and v.startswith("IPY_MODEL_")]
        refs += [r for r in st.get("children", [])]
        for r in refs:
            assert r[len("IPY_MODEL_"):] in opened, (st["_model_name"], r)
        opened.add(c["comm_id"])
        if st["_model_name"] == "IntProgressModel":
            assert set(st) >= {"value", "min", "max", "bar_style", "orientation", "description", "style", "layout",
                               "description_allow_html", "tabbable", "tooltip", "_dom_classes"}
            assert st["bar_style"] in ("info", "success", "danger", "warning")
    assert names["AccordionModel"] == 1
    # Overall bar plus one bar per job (two jobs: count, reduceByKey/collect).
    assert names["IntProgressModel"] == 3, names
    assert names["HTMLModel"] >= 5 and names["VBoxModel"] == 2 and names["HBoxModel"] == 3
    accordion = [m["content"]["data"]["state"] for m in opens if m["content"]["data"]["state"]["_model_name"] == "AccordionModel"][0]
    assert accordion["titles"] == ["Spark Job Progress"] and accordion["selected_index"] == 0


def test_widget_is_displayed_with_text_fallback_then_replaced_by_a_snapshot(multi_job):
    types = [m["msg_type"] for m in multi_job]
    assert types[0] == "execute_input"
    displays = [m for m in multi_job if m["msg_type"] == "display_data"]
    assert len(displays) == 1
    d = displays[0]["content"]
    accordion_id = [m["content"]["comm_id"] for m in multi_job if m["msg_type"] == "comm_open"
                    and m["content"]["data"]["state"]["_model_name"] == "AccordionModel"][0]
    assert d["data"][WIDGET_MIME] == {"version_major": 2, "version_minor": 0, "model_id": accordion_id}
    assert d["data"]["text/plain"].startswith("Spark [")
    display_id = d["transient"]["display_id"]
    updates = [m for m in multi_job if m["msg_type"] == "update_display_data"]
    assert len(updates) == 1
    u = updates[0]["content"]
    assert u["transient"]["display_id"] == display_id
    assert set(u["data"]) == {"text/html", "text/plain"}
    assert re.fullmatch(r"Spark: 2 jobs succeeded, 12/12 tasks, 3 stages in \d+\.\ds", u["data"]["text/plain"]), u["data"]
    html = u["data"]["text/html"]
    assert html.startswith("<details open") and "Spark Job Progress" in html
    assert html.count("width:100%") == 3 and "COMPLETE" in html
    # The snapshot comes before the cell's own output, and every widget model is closed.
    assert types.index("update_display_data") < types.index("stream")
    opened = {m["content"]["comm_id"] for m in multi_job if m["msg_type"] == "comm_open"}
    closed = {m["content"]["comm_id"] for m in multi_job if m["msg_type"] == "comm_close"}
    assert opened == closed
    assert stdout_of([(m["msg_type"], m["content"]) for m in multi_job]) == "120\n[(0, 40), (1, 40), (2, 40)]\n"


def test_updates_are_partial_and_throttled(multi_job):
    updates = [m for m in multi_job if m["msg_type"] == "comm_msg"]
    assert updates, "a multi-second cell sends updates"
    per_model = defaultdict(list)
    for m in updates:
        data = m["content"]["data"]
        assert data["method"] == "update" and data["buffer_paths"] == []
        assert "_model_name" not in data["state"], "only changed keys are sent"
        date = m["header"]["date"]
        per_model[m["content"]["comm_id"]].append(
            date if isinstance(date, datetime) else datetime.fromisoformat(date.replace("Z", "+00:00")))
    for comm_id, dates in per_model.items():
        span = (dates[-1] - dates[0]).total_seconds()
        # At most ~4 per second per model (one per 250 ms poll), plus the first.
        assert len(dates) <= 4 * span + 2, (comm_id, len(dates), span)
    bar_values = [m["content"]["data"]["state"] for m in updates if "value" in m["content"]["data"]["state"]
                  and isinstance(m["content"]["data"]["state"]["value"], int)]
    assert bar_values, "bars move"


def test_failed_spark_job_ends_red_with_the_failing_stage(kernel):
    _, kc = kernel
    code = ("import time\ndef boom(i):\n    time.sleep(0.3)\n    if i == 3:\n        raise ValueError('boom')\n    return i\n"
            "sc.parallelize(range(8), 4).map(boom).count()")
    reply, msgs = run_full(kc, code)
    assert reply["status"] == "error"
    final = [m for m in msgs if m["msg_type"] == "update_display_data"]
    assert len(final) == 1, [m["msg_type"] for m in msgs]
    text = final[0]["content"]["data"]["text/plain"]
    assert re.match(r"Spark: failed in stage \d+ \(count at <stdin>:7\)", text), text
    assert "#f44336" in final[0]["content"]["data"]["text/html"]
    assert [m["msg_type"] for m in msgs].count("error") == 1


def test_widget_control_comm_answers_request_states(kernel):
    _, kc = kernel
    msg = kc.session.msg("comm_open", {"comm_id": "ctl-1", "target_name": "jupyter.widget.control", "data": {}},
                         metadata={"version": "1.0.0"})
    kc.shell_channel.send(msg)
    req = kc.session.msg("comm_msg", {"comm_id": "ctl-1", "data": {"method": "request_states"}})
    kc.shell_channel.send(req)
    while True:
        m = kc.get_iopub_msg(timeout=10)
        if m["parent_header"].get("msg_id") == req["header"]["msg_id"] and m["msg_type"] == "comm_msg":
            break
    assert m["content"]["comm_id"] == "ctl-1"
    data = m["content"]["data"]
    assert data["method"] == "update_states" and data["buffer_paths"] == []
    assert data["states"] == {}, "finished cells leave no live widgets"
