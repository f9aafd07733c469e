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


def test_a_cell_runs_with_its_prints_and_last_value(kernel):
    _, kc = kernel
    reply, outputs = run_cell(kc, "print('hello')\nspark.range(5).count()")
    assert reply["status"] == "ok", reply
    # Livy's REPL prints a plain last value into the statement's text/plain, after the prints.
    assert stdout_of(outputs) == "hello\n5\n"


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
    if "False" in stdout_of(run_cell(kc, "import importlib.util\nprint(importlib.util.find_spec('matplotlib') "
                                         "is not None)")[1]):
        pytest.skip("matplotlib is not installed in Livy's Python (scripts/test-real-livy installs it)")
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
    tables = [c["data"]["text/html"] for t, c in outputs if t in ("execute_result", "display_data")
              and "text/html" in c["data"] and not c.get("transient", {}).get("display_id")]
    assert len(tables) == 1, outputs
    assert "one" in tables[0] and "letter" in tables[0] and "x" in tables[0]


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
    assert stdout_of(outputs) == "4\n", "the session and its variables survived the cancel"


def test_the_rich_display_example_runs_through_nbconvert(tmp_path, kernel):
    _, kc = kernel
    if "False" in stdout_of(run_cell(kc, "import importlib.util\nprint(all(importlib.util.find_spec(m) is not None "
                                         "for m in ('pandas', 'matplotlib')))")[1]):
        pytest.skip("the example uses pandas and matplotlib, which Livy's Python lacks")
    out = tmp_path / "rich.out.ipynb"
    subprocess.run([str(VENV_BIN / "jupyter"), "nbconvert", "--to", "notebook", "--execute",
                    "--ExecutePreprocessor.timeout=600", str(ROOT / "examples" / "rich-display.ipynb"),
                    "--output", str(out)], check=True, timeout=900, env={**os.environ, "LIVY_URL": LIVY})
    nb = nbformat.read(str(out), as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not any(o.output_type == "error" for o in outputs)
    assert any("image/png" in o.get("data", {}) for o in outputs)
    assert any("application/vnd.dataresource+json" in o.get("data", {}) for o in outputs)


RESTART = os.environ.get("LIVY_KERNEL_TEST_LIVY_RESTART")


@pytest.mark.skipif(not RESTART, reason="needs a command that restarts the Livy (scripts/test-real-livy sets it)")
def test_a_restarted_livy_that_gave_the_id_to_someone_else_is_told_apart(tmp_path):
    """Livy without recovery numbers sessions from 0 again after a restart: the kernel's id may now
    be another user's session. The kernel must notice (by the name it gave its session), never run
    the cell there, and start a session of its own."""
    import json
    import time
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"livy_server_heartbeat_timeout_seconds": 6}))   # a heartbeat every 2 s
    subprocess.run(RESTART, shell=True, check=True, timeout=180)   # ids from 0: the kernel's session is 0
    theirs = None
    gen = warmed_kernel("x = 'mine'", env={"LIVY_URL": LIVY, "LIVY_KERNEL_CONFIG": str(config)})
    km, kc = next(gen)
    try:
        [ours] = [s for s in livy_sessions() if s["state"] == "idle"]
        subprocess.run(RESTART, shell=True, check=True, timeout=180)
        # Someone else's session now holds the kernel's id.
        r = requests.post(LIVY.rstrip("/") + "/sessions", json={"kind": "pyspark", "name": "someone-elses"},
                          headers={"X-Requested-By": "test"}, timeout=30)
        r.raise_for_status()
        theirs = r.json()
        assert theirs["id"] == ours["id"], "Livy reused the id, as it does without recovery"
        deadline = time.time() + 180
        while time.time() < deadline and requests.get(f"{LIVY.rstrip('/')}/sessions/{theirs['id']}",
                                                      timeout=10).json()["state"] != "idle":
            time.sleep(1)
        reply, outputs = run_cell(kc, "print(x)", timeout=300)
        stderr = "".join(c["text"] for t, c in outputs if t == "stream" and c["name"] == "stderr")
        assert f"is now another session ('someone-elses')" in stderr, stderr
        # The cell ran in a new session of the kernel's own, where x is not defined.
        assert reply["status"] == "error" and reply["ename"] == "NameError", reply
        mine = [s for s in livy_sessions() if s.get("name", "").startswith("livy-kernel-")]
        assert mine and all(s["id"] != theirs["id"] for s in mine)
        statements = requests.get(f"{LIVY.rstrip('/')}/sessions/{theirs['id']}/statements", timeout=10).json()
        assert statements["total_statements"] == 0, "nothing of the kernel's ran in the other session"
    finally:
        try:
            next(gen)
        except StopIteration:
            pass
        if theirs is not None:
            requests.delete(f"{LIVY.rstrip('/')}/sessions/{theirs['id']}", headers={"X-Requested-By": "test"},
                            timeout=30)


def test_sql_rows_come_down_to_local_pandas_and_go_back_to_spark(kernel):
    _, kc = kernel
    reply, outputs = run_cell(kc, "%%sql -o counts -n -1\nSELECT id, id % 3 AS m, CAST(id AS STRING) AS s FROM range(12000)")
    assert reply["status"] == "ok", reply
    reply, outputs = run_cell(kc, "%%local\nprint(len(counts), list(counts.columns), str(counts['id'].dtype))")
    assert reply["status"] == "ok", reply
    assert stdout_of(outputs) == "12000 ['id', 'm', 's'] int64\n"
    reply, outputs = run_cell(kc, "%%send_to_spark -i counts -t df -n back -m 20000")
    assert reply["status"] == "ok", reply
    reply, outputs = run_cell(kc, "print(back.count(), back.where('m = 1').count())")
    assert stdout_of(outputs) == "12000 4000\n"
    reply, outputs = run_cell(kc, "%%pretty -o top -n 4\nback.orderBy('id', ascending=False)")
    assert reply["status"] == "ok", reply
    assert [c for t, c in outputs if t == "execute_result"], outputs
    reply, outputs = run_cell(kc, "%%local\nprint(top['id'].tolist())")
    assert stdout_of(outputs) == "[11999, 11998, 11997, 11996]\n", outputs


def test_a_frame_bigger_than_one_statement_chunk_reaches_spark_whole(kernel):
    # About 6 MB of rows: two of the kernel's 4 MB statements on Livy, and Spark's JSON reader
    # with the local frame's schema (a timestamp keeps its wall clock, a date stays a date).
    _, kc = kernel
    reply, outputs = run_cell(kc, "%%local\nimport pandas as pd\n"
                                  "wide = pd.DataFrame({'i': range(15000), 's': ['%05d' % i + 'y' * 400 for i in range(15000)],"
                                  " 'ts': pd.Timestamp('2026-12-04 10:11:12.345678'), 'day': pd.Timestamp('2026-12-04').date()})")
    assert reply["status"] == "ok", outputs
    reply, outputs = run_cell(kc, "%%send_to_spark -i wide -t df -n wide_back -m -1")
    assert reply["status"] == "ok", outputs
    assert "Sent 15000 rows" in stdout_of(outputs), outputs
    reply, outputs = run_cell(kc, "from pyspark.sql import functions as F\n"
                                  "print(wide_back.count(), wide_back.filter(F.length('s') != 405).count(),"
                                  " wide_back.filter(F.substring('s', 1, 5).cast('int') != F.col('i')).count())\n"
                                  "print(wide_back.dtypes)\n"
                                  "r = wide_back.first(); print(r.ts.isoformat(), r.day.isoformat())")
    assert stdout_of(outputs) == ("15000 0 0\n[('i', 'bigint'), ('s', 'string'), ('ts', 'timestamp'), ('day', 'date')]\n"
                                  "2026-12-04T10:11:12.345678 2026-12-04\n"), outputs


def test_attach_to_a_session_made_by_someone_else_and_leave_it_running():
    base = LIVY.rstrip("/")
    headers = {"X-Requested-By": "colleague"}
    sid = requests.post(base + "/sessions", json={"kind": "pyspark"}, headers=headers, timeout=30).json()["id"]
    try:
        import time
        deadline = time.time() + 300
        while requests.get("%s/sessions/%d" % (base, sid), timeout=10).json()["state"] != "idle":
            assert time.time() < deadline, "the colleague's session never became idle"
            time.sleep(0.5)
        for km, kc in warmed_kernel("x = 1", env={"LIVY_URL": LIVY}):
            reply, outputs = run_cell(kc, "%%%%attach -f %d" % sid)
            assert reply["status"] == "ok", reply
            reply, outputs = run_cell(kc, "shared = 'from the notebook'; print(shared)")
            assert "from the notebook" in stdout_of(outputs), outputs
            st = requests.post("%s/sessions/%d/statements" % (base, sid), json={"code": "print(shared)"},
                               headers=headers, timeout=30).json()
            while st["state"] not in ("available", "error", "cancelled"):
                time.sleep(0.2)
                st = requests.get("%s/sessions/%d/statements/%d" % (base, sid, st["id"]), timeout=10).json()
            assert "from the notebook" in st["output"]["data"]["text/plain"], st
        # the kernel was shut down: the attached session is still there and usable
        assert requests.get("%s/sessions/%d" % (base, sid), timeout=10).json()["state"] == "idle"
    finally:
        requests.delete("%s/sessions/%d" % (base, sid), headers=headers, timeout=30)
