"""The kernel against a real Apache Livy (built from source by ../shared/livy, Spark in local mode):
what a remote user meets, using only what Livy's REST API and PySpark REPL return. Skipped unless
LIVY_KERNEL_TEST_LIVY_URL names a running Livy; `scripts/test-real-livy` starts one and runs this."""
import os
import re
import subprocess
import threading

import nbformat
import pytest
import requests

from conftest import ROOT, VENV_BIN, run_cell, stdout_of, warmed_kernel
from progress_helpers import multi_job, run_full

LIVY = os.environ.get("LIVY_KERNEL_TEST_LIVY_URL")
pytestmark = pytest.mark.skipif(not LIVY, reason="needs a real Apache Livy: run scripts/test-real-livy")


def livy_sessions():
    r = requests.get(LIVY.rstrip("/") + "/sessions", timeout=10)
    r.raise_for_status()
    return r.json()["sessions"]


@pytest.fixture(scope="module")
def kernel():
    yield from warmed_kernel("warm = sc.parallelize(range(4), 2).count()", env={"LIVY_URL": LIVY})


def displays(outputs):
    return [c for t, c in outputs if t == "display_data" and not c.get("transient", {}).get("display_id")]


def test_a_cell_runs_and_its_last_expression_is_the_result(kernel):
    _, kc = kernel
    reply, outputs = run_cell(kc, "print('hello')\nspark.range(5).count()")
    assert reply["status"] == "ok", reply
    assert stdout_of(outputs) == "hello\n"
    [result] = [c for t, c in outputs if t == "execute_result"]
    assert result["data"]["text/plain"] == "5"


def test_a_python_error_is_an_error_reply_with_livys_traceback(kernel):
    _, kc = kernel
    reply, outputs = run_cell(kc, "1/0")
    assert reply["status"] == "error"
    assert reply["ename"] == "ZeroDivisionError"
    [error] = [c for t, c in outputs if t == "error"]
    assert error["ename"] == "ZeroDivisionError" and "division by zero" in error["evalue"]


def test_rich_displays_travel_through_livys_text_output(kernel):
    _, kc = kernel
    code = ("print('before')\n"
            "display(spark.range(3).toDF('n'))\n"
            "displayHTML('<b>bold</b>')\n"
            "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
            "fig, ax = plt.subplots(); ax.plot([1, 2, 3])\ndisplay(fig)\n"
            "print('after')\n")
    reply, outputs = run_cell(kc, code)
    assert reply["status"] == "ok", reply
    shown = displays(outputs)
    assert len(shown) == 3, shown
    table = shown[0]["data"]["application/vnd.dataresource+json"]["data"]
    assert [r["n"] for r in table] == [0, 1, 2]
    assert shown[1]["data"]["text/html"] == "<b>bold</b>"
    assert shown[2]["data"]["image/png"]
    texts = "".join(c.get("text", "") for t, c in outputs if t == "stream")
    assert texts == "before\nafter\n", "the transport never shows: " + texts
    order = [t if t != "stream" else c["text"].strip() for t, c in outputs
             if t == "stream" or (t == "display_data" and not c.get("transient", {}).get("display_id"))]
    assert order[0] == "before" and order[-1] == "after", order


def test_sql_shows_a_table(kernel):
    _, kc = kernel
    reply, outputs = run_cell(kc, "%%sql\nSELECT 1 AS one, 'x' AS letter")
    assert reply["status"] == "ok", reply
    [result] = [c for t, c in outputs if t in ("execute_result", "display_data")
                and "text/html" in c["data"]]
    assert "one" in result["data"]["text/html"] and "letter" in result["data"]["text/html"]


def test_progress_without_a_spark_ui_is_livys_fraction_with_the_reason(kernel):
    _, kc = kernel
    ours = [s for s in livy_sessions() if s["state"] in ("idle", "busy")]
    assert ours and not ours[0]["appInfo"].get("sparkUiUrl"), "Livy in local mode reports no Spark UI"
    reply, msgs = run_full(kc, multi_job(0.05))
    assert reply["status"] == "ok", reply
    updates = [m["content"] for m in msgs if m["msg_type"] == "update_display_data"
               and m["content"]["transient"]["display_id"].startswith("livy-progress-")]
    assert updates, [m["msg_type"] for m in msgs]
    final = updates[-1]["data"]["text/plain"]
    assert "Livy reports no Spark UI for this session" in final, final
    lines = [u["data"]["text/plain"] for u in updates[:-1]]
    percents = [int(re.search(r"(\d+)% of the jobs so far", line).group(1)) for line in lines]
    assert percents == sorted(percents), lines
    assert not any(re.search(r"\d+/\d+ tasks", t) for t in lines + [final, updates[-1]["data"]["text/html"]])


def test_interrupt_cancels_the_statement_and_the_session_stays(kernel):
    km, kc = kernel
    msg_id = kc.execute("import time\nsc.parallelize(range(2), 2).map(lambda x: time.sleep(120)).count()")
    # Interrupt once the statement runs on Livy (its status shows busy), not before.
    started = threading.Event()

    def watch():
        import time as t
        for _ in range(300):
            if any(s["state"] == "busy" for s in livy_sessions()):
                started.set()
                return
            t.sleep(0.1)

    threading.Thread(target=watch, daemon=True).start()
    assert started.wait(60), "the statement never ran"
    km.interrupt_kernel()
    reply = kc.get_shell_msg(timeout=120)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=120)
    assert reply["content"]["status"] == "error"
    reply, outputs = run_cell(kc, "warm")
    assert reply["status"] == "ok"
    assert [c for t, c in outputs if t == "execute_result"][0]["data"]["text/plain"] == "4"


def test_the_rich_display_example_runs_through_nbconvert(tmp_path):
    out = tmp_path / "rich.out.ipynb"
    subprocess.run([str(VENV_BIN / "jupyter"), "nbconvert", "--to", "notebook", "--execute",
                    "--ExecutePreprocessor.timeout=600", str(ROOT / "examples" / "rich-display.ipynb"),
                    "--output", str(out)], check=True, timeout=900, env={**os.environ, "LIVY_URL": LIVY})
    nb = nbformat.read(str(out), as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not any(o.output_type == "error" for o in outputs)
    assert any("image/png" in o.get("data", {}) for o in outputs)
    assert any("application/vnd.dataresource+json" in o.get("data", {}) for o in outputs)
