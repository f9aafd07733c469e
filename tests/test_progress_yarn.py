"""The progress display and %%info on EMR's addresses, with loopback stand-ins (yarn_standins.py):
Livy reports the Spark UI as YARN's web proxy (`/proxy/<appId>/` on a standby ResourceManager that
redirects to the active one), which serves the embedded endpoint's real Spark UI; a Spark history
server stand-in serves the same JSON at attempt 1. One kernel in text progress mode, with
LIVY_KERNEL_SPARK_HISTORY_URL, against the standalone embedded endpoint behind a rewriting proxy.
The tests run in order: the last ones stop the proxy and delete the session."""
import re

import pytest
import requests

from conftest import LocalLivy, request_messages, run_cell, warmed_kernel
from progress_helpers import MULTI_JOB, WARM, multi_job, run_full
from yarn_standins import HistoryServer, SparkUiRewriter, YarnProxy

SUMMARY = r"Spark: 2 jobs succeeded, 12/12 tasks, 3 stages in \d+\.\ds"


@pytest.fixture(scope="module")
def emr():
    livy = LocalLivy()
    spark_uis = {}
    history = HistoryServer(spark_uis)
    yarn = YarnProxy(spark_uis, history.url)
    rewriter = SparkUiRewriter(livy.url, yarn.url, spark_uis)
    env = {**livy.env(), "LIVY_URL": rewriter.url, "LIVY_KERNEL_PROGRESS": "text",
           "LIVY_KERNEL_SPARK_HISTORY_URL": history.url + "/"}
    gen = warmed_kernel(WARM, env=env)
    km, kc = next(gen)
    app_id = next(iter(spark_uis))
    # Spark's REST API starts Jersey on its first requests (seconds on a busy machine), longer than
    # the kernel's 3 s per progress request; the proxy's path is what the tests check, not that.
    for path in ("/jobs", "", "/stages", "/executors"):
        requests.get(f"{spark_uis[app_id]}/api/v1/applications/{app_id}{path}", timeout=120)
    yield {"kc": kc, "yarn": yarn, "history": history, "app": app_id, "livy": livy}
    next(gen, None)   # the kernel's shutdown
    rewriter.close()
    yarn.stop()
    history.stop()
    livy.stop()


def summary_of(msgs):
    updates = [m["content"]["data"]["text/plain"] for m in msgs if m["msg_type"] == "update_display_data"]
    assert updates, [m["msg_type"] for m in msgs]
    return updates[-1]


def modes(emr, yarn="running", history="parsed"):
    emr["yarn"].mode = yarn
    emr["history"].mode = history
    emr["yarn"].clear()
    emr["history"].clear()


def test_the_widget_reads_spark_through_yarns_proxy_and_its_redirect(emr):
    modes(emr)
    app = emr["app"]
    reply, msgs = run_full(emr["kc"], MULTI_JOB)
    assert reply["status"] == "ok"
    assert re.fullmatch(SUMMARY, summary_of(msgs))
    yarn = emr["yarn"]
    api = f"/proxy/{app}/api/v1/applications/{app}/"
    standby, active = yarn.paths(yarn.standby.port), yarn.paths(yarn.active.port)
    assert f"{api}jobs?status=running" in standby, standby
    assert f"{api}jobs?status=running" in active, "the standby's redirect was followed to the active proxy"
    assert any(p.startswith(f"{api}stages?status=active&status=pending") for p in active), active
    assert all(p.startswith(api) for p in standby + active), "every call kept the proxy's path"


def test_info_links_the_spark_ui_through_the_proxy(emr):
    reply, outputs = run_cell(emr["kc"], "%%info")
    assert reply["status"] == "ok"
    text = next(c["data"]["text/plain"] for t, c in outputs if t == "display_data")
    assert re.search(r"Spark UI:\s+" + re.escape(emr["yarn"].url(emr["app"])) + r"\n", text), text
    assert "Spark history" not in text, "a live session gets no history link"


def test_a_finished_application_is_followed_through_the_proxys_redirect_to_the_history_server(emr):
    modes(emr, yarn="finished")
    app = emr["app"]
    reply, msgs = run_full(emr["kc"], MULTI_JOB)
    assert reply["status"] == "ok"
    assert re.fullmatch(SUMMARY, summary_of(msgs))
    seen = emr["history"].paths()
    assert f"/history/{app}/1/api/v1/applications/{app}/jobs?status=running" in seen, seen


def test_an_html_answer_of_the_proxy_is_the_reason_in_the_fallback_not_a_crash(emr):
    # An application YARN has not started yet: the proxy redirects to the ResourceManager's page.
    modes(emr, yarn="accepted", history="unparsed")
    app = emr["app"]
    reply, msgs = run_full(emr["kc"], multi_job(0.03))
    assert reply["status"] == "ok"
    final = summary_of(msgs)
    assert final.startswith("Spark: finished in "), final
    assert f"the Spark UI at {emr['yarn'].url(app).rstrip('/')} could not be reached" in final, final
    assert f"/cluster/app/{app}) answered an HTML page, not Spark's JSON" in final, final
    assert "State: ACCEPTED" in final and "var a" not in final, final
    # (does not list the application, or, when an earlier cell found it there, answers 404 for its jobs)
    assert f"; the Spark history server at {emr['history'].url}" in final, final
    assert not re.search(r"\d+/\d+ tasks", final), final


def test_a_job_whose_live_ui_went_away_mid_cell_gets_its_final_counts_from_the_history_server(emr):
    modes(emr)
    app = emr["app"]
    kc = emr["kc"]
    msg_id = kc.execute(multi_job(0.06))
    first = request_messages(kc, msg_id, until=lambda m: m["msg_type"] in ("display_data", "update_display_data")
                             and "tasks" in m["content"]["data"].get("text/plain", ""))
    assert first[-1]["content"]["data"]["text/plain"].startswith("Spark ["), "the live line came before the end"
    emr["yarn"].mode = "unknown"   # YARN no longer knows the application: its proxy answers a 404 page
    rest = request_messages(kc, msg_id)
    final = summary_of(first + rest)
    assert re.fullmatch(SUMMARY, final), final
    seen = emr["history"].paths()
    assert any(p.startswith(f"/api/v1/applications/{app}/1/jobs") for p in seen), "read at the attempt: %s" % seen


def test_an_unreachable_proxy_is_named_in_the_fallback(emr):
    modes(emr, history="unparsed")
    emr["yarn"].stop()
    app = emr["app"]
    reply, msgs = run_full(emr["kc"], multi_job(0.03))
    assert reply["status"] == "ok"
    final = summary_of(msgs)
    address = emr["yarn"].url(app).rstrip("/")
    assert final.startswith("Spark: finished in "), final
    assert f"the Spark UI at {address} could not be reached from the kernel (" in final, final
    assert f"127.0.0.1:{emr['yarn'].standby.port}" in final.split("could not be reached")[1], final


def test_info_of_a_gone_session_links_its_application_on_the_history_server(emr):
    modes(emr)
    livy = emr["livy"]
    sessions = livy.get("/sessions").json()["sessions"]
    assert len(sessions) == 1
    sid = sessions[0]["id"]
    assert livy.delete(f"/sessions/{sid}").status_code == 200
    livy.wait_gone(sid, 60)
    reply, outputs = run_cell(emr["kc"], "%%info")
    assert reply["status"] == "ok"
    text = next(c["data"]["text/plain"] for t, c in outputs if t == "display_data")
    assert f"Session {sid} is gone from Livy" in text, text
    link = f"{emr['history'].url}/history/{emr['app']}/1/"
    assert f"Its application {emr['app']} on the Spark history server: {link}" in text, text
