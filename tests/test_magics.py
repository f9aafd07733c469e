"""Magics (%%info, %%logs, %%configure, %%sql, …), Livy's in-code magics, completion and inspection,
through jupyter_client on ONE kernel running the embedded endpoint with real PySpark. The kernel reads
a config file holding a password and a secret Spark setting, which %%info must never show."""
import json
import os
import re
import time

import nbformat
import pytest
from jupyter_client.manager import start_new_kernel
from nbclient import NotebookClient

from conftest import KERNEL_NAME, ROOT, run_cell, stdout_of

PASSWORD = "pw-Sup3rS3cret-771"
SECRET_CONF = "AKIA-TEST-SECRET-314"


@pytest.fixture(scope="module")
def kc(tmp_path_factory):
    cfg = tmp_path_factory.mktemp("magics-config") / "config.json"
    cfg.write_text(json.dumps({
        "kernel_python_credentials": {"username": "carol", "password": PASSWORD},
        "session_configs": {"conf": {"spark.livykernel.fromfile": "yes",
                                     "spark.hadoop.fs.s3a.secret.key": SECRET_CONF}},
    }))
    # The "before the session" magics below need a kernel without a session, so no pre-start here
    # (tests/test_prestart.py covers it, and %%configure over a pre-started session).
    env = {**os.environ, "LIVY_KERNEL_CONFIG": str(cfg), "LIVY_KERNEL_SESSION_PRESTART": "false"}
    km, kc = start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=60, env=env)
    yield kc
    kc.stop_channels()
    km.shutdown_kernel(now=False)


def bundles(outputs, kind=("display_data", "execute_result")):
    """What a magic showed; a Spark job's progress display (there when a job runs long, as on a loaded machine) is not."""
    return [c["data"] for t, c in outputs if t in kind
            and not c.get("transient", {}).get("display_id", "").startswith("livy-progress-")]


def all_text(outputs):
    parts = []
    for t, c in outputs:
        if t == "stream":
            parts.append(c["text"])
        elif t in ("display_data", "execute_result", "update_display_data"):
            parts.extend(v if isinstance(v, str) else json.dumps(v) for v in c["data"].values())
        elif t == "error":
            parts.append(c["evalue"])
    return "\n".join(parts)


def ok(kc, code):
    reply, outputs = run_cell(kc, code)
    assert reply["status"] == "ok", (code, reply, outputs)
    return outputs


def error(kc, code):
    reply, outputs = run_cell(kc, code)
    assert reply["status"] == "error", (code, outputs)
    errors = [c for t, c in outputs if t == "error"]
    assert len(errors) == 1
    return reply


# ---- before the Spark session exists -------------------------------------------------------------

def test_help_lists_every_magic_as_html_and_text(kc):
    [bundle] = bundles(ok(kc, "%%help"))
    for name in ("info", "logs", "configure", "sql", "pretty", "cleanup", "delete", "help", "local",
                 "send_to_spark", "progress"):
        assert f"<code>%%{name}</code>" in bundle["text/html"], name
        assert f"%%{name}" in bundle["text/plain"], name
    assert "--grep TEXT" in bundle["text/plain"] and "%matplot plt" in bundle["text/plain"]
    # The local Python's magics and flags (tests/test_local_python.py runs them).
    assert "-o VAR" in bundle["text/plain"] and "-i VAR" in bundle["text/plain"]
    assert "Not supported" not in bundle["text/plain"]


def test_unknown_magic_names_close_matches(kc):
    reply = error(kc, "%%infoo")
    assert reply["ename"] == "UnknownMagic"
    assert "Did you mean %%info?" in reply["evalue"]
    assert "%%configure" in error(kc, "%%confgure\n{}")["evalue"]


def test_info_before_the_session_masks_secrets(kc):
    outputs = ok(kc, "%%info")
    [bundle] = bundles(outputs)
    assert set(bundle) >= {"text/html", "text/plain"}
    text = all_text(outputs)
    assert "No Spark session yet" in bundle["text/html"]
    assert "spark.livykernel.fromfile" in text and "spark.hadoop.fs.s3a.secret.key" in text
    assert PASSWORD not in text and SECRET_CONF not in text
    assert "********" in text


def test_logs_before_the_session_say_so(kc):
    assert "No Spark session has started" in stdout_of(ok(kc, "%%logs"))


def test_configure_errors_change_nothing(kc):
    reply = error(kc, '%%configure\n{\n  "conf": {"spark.sql.shuffle.partitions": "7"\n}')
    assert reply["ename"] == "JSONDecodeError"
    assert re.search(r"line \d+, column \d+", reply["evalue"]), reply["evalue"]
    reply = error(kc, '%%configure\n{"executorMemoy": "1g"}')
    assert "did you mean 'executorMemory'" in reply["evalue"]


def test_configure_before_the_session_merges_and_applies(kc):
    outputs = ok(kc, '%%configure\n{"conf": {"spark.sql.shuffle.partitions": "7"}}')
    assert "spark.sql.shuffle.partitions" in all_text(outputs)
    # The first code cell starts the session with the merged configuration.
    outputs = ok(kc, "print(spark.conf.get('spark.sql.shuffle.partitions'), spark.conf.get('spark.livykernel.fromfile'))")
    assert "7 yes" in stdout_of(outputs)


# ---- with a running session ----------------------------------------------------------------------

def test_configure_without_force_is_refused_and_changes_nothing(kc):
    reply = error(kc, '%%configure\n{"conf": {"spark.sql.shuffle.partitions": "9"}}')
    assert "-f" in reply["evalue"] and "Nothing was changed" in reply["evalue"]
    assert "7" in stdout_of(ok(kc, "print(spark.conf.get('spark.sql.shuffle.partitions'))"))


def test_info_shows_the_session_and_the_endpoint_sessions(kc):
    outputs = ok(kc, "%%info")
    [bundle] = bundles(outputs)
    assert "This kernel's Spark session" in bundle["text/html"]
    assert re.search(r"Session id:\s+\d+", bundle["text/plain"])
    assert "pyspark" in bundle["text/plain"] and "idle" in bundle["text/plain"]
    assert "livy-info-sessions" in bundle["text/html"] and "✔" in bundle["text/html"]
    text = all_text(outputs)
    assert PASSWORD not in text and SECRET_CONF not in text


def test_logs_default_paging_and_grep(kc):
    # Spark may log only a few lines on a quiet start: write some to the driver's own stderr.
    ok(kc, "import sys\nfor i in range(12):\n    print('drvmarker line', i, file=sys.__stderr__, flush=True)")
    default = stdout_of(ok(kc, "%%logs"))
    assert default.startswith("Livy log of session")
    five = stdout_of(ok(kc, "%%logs -n 5"))
    header, *lines = five.rstrip("\n").split("\n")
    assert len(lines) == 5, five
    m = re.search(r"lines (\d+)–(\d+) of (\d+)", header)
    assert m and int(m.group(2)) == int(m.group(3)) - 1, header  # the last lines
    first = stdout_of(ok(kc, "%%logs --from 0 -n 3"))
    assert "lines 0–2 of" in first and len(first.rstrip("\n").split("\n")) == 4
    everything = stdout_of(ok(kc, "%%logs --all"))
    total = int(re.search(r"of (\d+)", everything).group(1))
    assert len(everything.rstrip("\n").split("\n")) == total + 1
    grep = stdout_of(ok(kc, "%%logs --grep drvmarker"))
    assert "contain 'drvmarker'" in grep
    matched = grep.rstrip("\n").split("\n")[1:]
    assert len(matched) == 12 and all("drvmarker line" in l for l in matched), grep


def test_sql_renders_html_text_and_dataresource(kc):
    ok(kc, "spark.range(10).selectExpr('id', 'id * id AS sq').createOrReplaceTempView('squares')")
    outputs = ok(kc, "%%sql\nSELECT id, sq FROM squares ORDER BY id")
    [result] = bundles(outputs, kind=("execute_result",))
    assert set(result) >= {"text/html", "text/plain", "application/vnd.dataresource+json"}
    assert "<th>sq</th>" in result["text/html"] and "<td>81</td>" in result["text/html"]
    data = result["application/vnd.dataresource+json"]
    assert [f["name"] for f in data["schema"]["fields"]] == ["id", "sq"]
    assert data["schema"]["fields"][0]["type"] == "integer"
    assert data["data"][3] == {"id": 3, "sq": 9}
    assert "10 rows." in result["text/plain"]


def test_sql_states_the_row_cap(kc):
    [result] = bundles(ok(kc, "%%sql -n 3\nSELECT * FROM squares"), kind=("execute_result",))
    assert len(result["application/vnd.dataresource+json"]["data"]) == 3
    assert "capped by -n 3" in result["text/plain"] and "capped by -n 3" in result["text/html"]


def test_sql_with_quotes_backslashes_and_triple_quotes(kc):
    # Spark SQL escapes with backslashes: 'it\'s' is it's and 'back\\slash' is back\slash.
    triple = '"' * 3
    sql = ("%%sql\n"
           + r"""SELECT 'it\'s' AS a, "dq" AS b, 'x""" + triple + r"""y' AS c, 'back\\slash' AS d, "'''" AS e""")
    [result] = bundles(ok(kc, sql), kind=("execute_result",))
    row = result["application/vnd.dataresource+json"]["data"][0]
    assert row == {"a": "it's", "b": "dq", "c": 'x"""y', "d": "back\\slash", "e": "'''"}, row


def test_sql_quiet_sample_and_errors(kc):
    outputs = ok(kc, "%%sql -q\nSELECT * FROM squares")
    assert bundles(outputs) == []
    [sampled] = bundles(ok(kc, "%%sql -m sample -r 0.5\nSELECT * FROM squares"), kind=("execute_result",))
    assert "sampled with fraction 0.5" in sampled["text/plain"]
    reply = error(kc, "%%sql\nSELECT * FROM no_such_table_here")
    assert reply["ename"] == "AnalysisException"
    assert "no_such_table_here" in reply["evalue"]
    assert "Traceback" not in "\n".join(reply["traceback"]) and len(reply["traceback"]) == 1


def test_livy_in_code_magics_pass_through(kc):
    [j] = bundles(ok(kc, "d = {'a': [1, 2]}\n%json d"))
    assert j["application/json"] == {"a": [1, 2]} and "text/plain" in j
    [t] = bundles(ok(kc, "rows = [{'k': 'x', 'v': 1}, {'k': 'y', 'v': 2}]\n%table rows"))
    assert "<th>k</th>" in t["text/html"] and "application/vnd.livy.table.v1+json" in t
    outputs = ok(kc, "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
                     "plt.figure(); plt.plot([1, 2, 3])\n%matplot plt")
    assert any("image/png" in b for b in bundles(outputs))


def test_pretty_shows_a_dataframe_as_a_table(kc):
    outputs = ok(kc, "%%pretty\nprint('before')\nspark.range(4).selectExpr('id', 'id * 2 AS twice')")
    assert "before" in stdout_of(outputs)
    [result] = bundles(outputs, kind=("execute_result",))
    assert "<th>twice</th>" in result["text/html"] and "<td>6</td>" in result["text/html"]
    ok(kc, "evens = spark.range(6).where('id % 2 = 0')")
    [named] = bundles(ok(kc, "%%pretty evens"), kind=("execute_result",))
    assert "<td>4</td>" in named["text/html"] and "3 rows." in named["text/plain"]
    [plain] = bundles(ok(kc, "%%pretty\n1 + 1"), kind=("execute_result",))
    assert plain["text/plain"] == "2"


def test_helpers_leave_the_namespace_and_underscore_alone(kc):
    ok(kc, "41 + 1")
    ok(kc, "%%sql\nSELECT 1 AS one")
    kc.complete("spark.ra", 8, reply=True, timeout=30)
    out = stdout_of(ok(kc, "print(_, [n for n in globals() if n.startswith('_livy_kernel')])"))
    assert out.strip() == "42 []", out


def test_progress_magic(kc):
    assert "text" in stdout_of(ok(kc, "%%progress text"))
    assert "on" in stdout_of(ok(kc, "%%progress on"))
    assert error(kc, "%%progress loud")["ename"] == "UsageError"


def until_answered(ask, answered, timeout=60):
    """Asks again (as a user presses Tab again) while the kernel's 1.5 s budget for the session's
    answer runs out, as it can on a loaded machine; the last reply."""
    deadline = time.time() + timeout
    reply = ask()
    while not answered(reply) and time.time() < deadline:
        reply = ask()
    return reply


def test_completion_of_python_names_and_magics(kc):
    reply = until_answered(lambda: kc.complete("spark.rea", 9, reply=True, timeout=30)["content"],
                           lambda r: "spark.read" in r["matches"])
    assert "spark.read" in reply["matches"], reply
    assert reply["cursor_start"] == 0 and reply["cursor_end"] == 9
    reply = kc.complete("%%con", 5, reply=True, timeout=30)["content"]
    assert reply["matches"] == ["%%configure"] and reply["cursor_start"] == 0
    reply = kc.complete("%%logs --g", 10, reply=True, timeout=30)["content"]
    assert reply["matches"] == ["--grep"]


def test_inspect_shows_the_docstring(kc):
    reply = until_answered(lambda: kc.inspect("spark.range(10)", 8, reply=True, timeout=30)["content"],
                           lambda r: r["found"])
    assert reply["found"] is True
    text = reply["data"]["text/plain"]
    assert "Signature: spark.range(" in text and "DataFrame" in text, text


def test_delete_refuses_own_and_explains_mistakes(kc):
    own = int(re.search(r"Session id:\s+(\d+)", bundles(ok(kc, "%%info"))[0]["text/plain"]).group(1))
    assert "this kernel's own session" in error(kc, f"%%delete -f -s {own}")["evalue"]
    assert "-f" in error(kc, "%%delete -s 999")["evalue"]
    assert "no session 999" in error(kc, "%%delete -f -s 999")["evalue"]


def test_configure_force_recreates_the_session(kc):
    before = re.search(r"Session id:\s+(\d+)", bundles(ok(kc, "%%info"))[0]["text/plain"]).group(1)
    outputs = ok(kc, '%%configure -f\n{"conf": {"spark.sql.shuffle.partitions": "5"}}')
    text = all_text(outputs)
    assert "ready" in text and "started with this configuration" in text
    after = re.search(r"Session id:\s+(\d+)", bundles(ok(kc, "%%info"))[0]["text/plain"]).group(1)
    assert after != before
    out = stdout_of(ok(kc, "print(spark.conf.get('spark.sql.shuffle.partitions'), spark.conf.get('spark.livykernel.fromfile'))"))
    assert "5 yes" in out


def test_cleanup_needs_force_then_deletes_everything(kc):
    assert "-f" in error(kc, "%%cleanup")["evalue"]
    out = stdout_of(ok(kc, "%%cleanup -f"))
    assert "this kernel's" in out
    assert "No Spark session has started" in stdout_of(ok(kc, "%%logs"))


def test_the_magics_notebook_runs_without_error(tmp_path):
    nb = nbformat.read(str(ROOT / "examples" / "magics.ipynb"), as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name=KERNEL_NAME, resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not any(o.output_type == "error" for o in outputs)
    assert any("application/vnd.dataresource+json" in o.get("data", {}) for o in outputs)
