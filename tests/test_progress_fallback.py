"""The progress display when Livy reports no Spark UI (as Apache Livy in local mode does): only
Livy's statement `progress` is known. Driven through jupyter_client on a kernel whose sessions
run with `spark.ui.enabled=false`, so the embedded endpoint, like Livy, reports no `sparkUiUrl`."""
import json
import re

import pytest

from conftest import run_cell, stdout_of, warmed_kernel
from progress_helpers import WARM, multi_job, run_full

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    config = tmp_path_factory.mktemp("no-ui") / "config.json"
    config.write_text(json.dumps({"session_configs": {"conf": {"spark.ui.enabled": "false"}}}))
    yield from warmed_kernel(WARM, env={"LIVY_KERNEL_CONFIG": str(config)})


def test_session_reports_no_spark_ui(kernel):
    _, kc = kernel
    reply, outputs = run_cell(kc, "print(sc.uiWebUrl)")
    assert reply["status"] == "ok"
    assert stdout_of(outputs).strip() == "None"


def test_livys_fraction_is_shown_as_a_percentage_that_never_falls_and_ends_complete(kernel):
    _, kc = kernel
    # Two jobs of a few seconds: Livy's fraction drops when the second job appears.
    reply, msgs = run_full(kc, multi_job(0.06))
    assert reply["status"] == "ok"
    displays = [m["content"] for m in msgs if m["msg_type"] == "display_data"
                and m["content"].get("transient", {}).get("display_id", "").startswith("livy-progress-")]
    assert len(displays) == 1, displays
    display_id = displays[0]["transient"]["display_id"]
    assert WIDGET_MIME in displays[0]["data"]
    updates = [m["content"] for m in msgs if m["msg_type"] == "update_display_data"
               and m["content"]["transient"]["display_id"] == display_id]
    lines = [displays[0]["data"]["text/plain"]] + [u["data"]["text/plain"] for u in updates[:-1]]
    percents = [int(re.search(r"(\d+)% of the jobs so far", line).group(1)) for line in lines]
    assert percents == sorted(percents), f"the bar went backwards: {lines}"
    final = updates[-1]["data"]
    assert final["text/plain"].startswith("Spark: finished in "), final
    assert "Livy reports no Spark UI for this session" in final["text/plain"]
    assert "Livy reports no Spark UI for this session" in final["text/html"]
    assert "Spark UI at" not in final["text/plain"], "no UI is not an unreachable UI"
    # Nothing invents task counts from Livy's fraction: not the text, the snapshot or the widget captions.
    captions = [m["content"]["data"]["state"].get("value", "") for m in msgs if m["msg_type"] == "comm_msg"
                and isinstance(m["content"]["data"].get("state", {}).get("value"), str)]
    for text in lines + [final["text/plain"], final["text/html"]] + captions:
        assert not re.search(r"\d+/\d+ tasks", text), text
    # The widget models are closed at the final state, not at their last running value.
    progress_models = {m["content"]["comm_id"] for m in msgs if m["msg_type"] == "comm_open"
                       and m["content"]["data"]["state"].get("_model_name") == "IntProgressModel"}
    assert progress_models
    last_value = {}
    for m in msgs:
        c = m["content"]
        if m["msg_type"] in ("comm_open", "comm_msg") and c.get("comm_id") in progress_models:
            value = c["data"].get("state", {}).get("value")
            if value is not None:
                last_value[c["comm_id"]] = value
    assert set(last_value.values()) == {100}, last_value
    closed = {m["content"]["comm_id"] for m in msgs if m["msg_type"] == "comm_close"}
    assert progress_models <= closed
