"""%%local, -o VAR and %%send_to_spark through a real client: the kernel's own local Python (a
child ipykernel started on first use), DataFrames pulled from and pushed to the Spark session."""
import os

import psutil
import pytest

from conftest import request_messages, run_cell, stdout_of, warmed_kernel


# Kernels that only need %%local: no Spark session started behind them.
NO_SPARK = {**os.environ, "LIVY_KERNEL_SESSION_PRESTART": "false"}


def local_pythons(kernel_pid):
    """The local Python processes the kernel started (children running our startup code)."""
    try:
        kernel = psutil.Process(kernel_pid)
    except psutil.NoSuchProcess:
        return []
    found = []
    for p in kernel.children(recursive=True):
        try:
            if "livy-kernel-local" in " ".join(p.cmdline()):
                found.append(p)
        except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
            continue
    return found


@pytest.fixture(scope="module")
def kernel():
    yield from warmed_kernel("1 + 1")


def errors_of(outputs):
    return [c for t, c in outputs if t == "error"]


def test_no_local_python_before_first_use(kernel):
    km, kc = kernel
    assert local_pythons(km.provisioner.process.pid) == []


def test_local_runs_python_and_prints(kernel):
    _, kc = kernel
    reply, outputs = run_cell(kc, "%%local\nimport sys\nprint('local', sys.version_info[0])\nx = 41")
    assert reply["status"] == "ok", outputs
    assert "local 3" in stdout_of(outputs)
    reply, outputs = run_cell(kc, "%%local\nx + 1")
    results = [c for t, c in outputs if t == "execute_result"]
    assert results and results[0]["data"]["text/plain"] == "42"


def test_local_pandas_last_expression_is_html(kernel):
    _, kc = kernel
    reply, outputs = run_cell(kc, "%%local\nimport pandas as pd\npd.DataFrame({'a': [1, 2], 'b': ['x', 'y']})")
    assert reply["status"] == "ok", outputs
    data = [c["data"] for t, c in outputs if t == "execute_result"][0]
    assert "<table" in data["text/html"] and "text/plain" in data


def test_local_matplotlib_gives_png(kernel):
    _, kc = kernel
    reply, outputs = run_cell(kc, "%%local\nimport matplotlib.pyplot as plt\nplt.plot([1, 3, 2])\nplt.show()")
    assert reply["status"] == "ok", outputs
    pngs = [c["data"]["image/png"] for t, c in outputs if t == "display_data" and "image/png" in c["data"]]
    assert pngs and len(pngs[0]) > 100


def test_local_error_is_an_error_reply_with_the_local_traceback(kernel):
    _, kc = kernel
    reply, outputs = run_cell(kc, "%%local\ndef boom():\n    return 1 / 0\nboom()")
    assert reply["status"] == "error"
    assert reply["ename"] == "ZeroDivisionError"
    assert any("boom" in line for line in reply["traceback"])
    assert len(errors_of(outputs)) == 1


def interrupt_once_printing(km, kc, code):
    """Runs code that prints before it blocks, interrupts the kernel once that print arrived
    (the code runs in the child by then), and returns the execute reply's content."""
    msg_id = kc.execute(code)
    request_messages(kc, msg_id, timeout=30, until=lambda m: m["msg_type"] == "stream")
    km.interrupt_kernel()
    reply = kc.get_shell_msg(timeout=60)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=60)
    return reply["content"]


def test_interrupt_stops_local_code(kernel):
    km, kc = kernel
    run_cell(kc, "%%local\nkept = 41")
    reply = interrupt_once_printing(km, kc, "%%local\nimport time\nprint('sleeping', flush=True)\ntime.sleep(60)")
    assert reply["status"] == "error"
    assert reply["ename"] == "KeyboardInterrupt"
    reply, outputs = run_cell(kc, "%%local\nprint('still', kept)")
    assert "still 41" in stdout_of(outputs)


def test_shutdown_leaves_no_local_python():
    from jupyter_client.manager import start_new_kernel
    km, kc = start_new_kernel(kernel_name="pyspark-livy", startup_timeout=60, env=NO_SPARK)
    try:
        reply, outputs = run_cell(kc, "%%local\nimport os\nprint(os.getpid())")
        assert reply["status"] == "ok", outputs
        child = psutil.Process(int(stdout_of(outputs).strip()))
        assert child.is_running()
        km.restart_kernel(now=False)
        child.wait(timeout=30)
        assert not child.is_running()
        # The restarted kernel has none until asked.
        assert local_pythons(km.provisioner.process.pid) == []
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_sigkill_of_the_kernel_leaves_no_local_python():
    from jupyter_client.manager import start_new_kernel
    km, kc = start_new_kernel(kernel_name="pyspark-livy", startup_timeout=60, env=NO_SPARK)
    try:
        reply, outputs = run_cell(kc, "%%local\nimport os\nprint(os.getpid())")
        child = psutil.Process(int(stdout_of(outputs).strip()))
        km.provisioner.process.kill()
        child.wait(timeout=30)
        assert not child.is_running()
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


TYPED_VIEW = """
from pyspark.sql import Row
import datetime
rows = [Row(i=1, f=1.5, s="a", b=True, d=datetime.date(2024, 1, 2), t=datetime.datetime(2024, 1, 2, 3, 4, 5),
            n=None, st=Row(x=1, y="p")),
        Row(i=2, f=None, s=None, b=False, d=datetime.date(2024, 2, 3), t=datetime.datetime(2024, 2, 3, 4, 5, 6),
            n=7, st=Row(x=2, y="q"))]
spark.createDataFrame(rows, "i long, f double, s string, b boolean, d date, t timestamp, n int, st struct<x:int,y:string>"
                      ).createOrReplaceTempView("typed")
spark.range(30000).selectExpr("id", "id * 2 AS twice", "concat('row ', id) AS label").createOrReplaceTempView("big")
"""


def local_json(kc, expr):
    """The JSON value of a Python expression evaluated in the local Python."""
    import json
    reply, outputs = run_cell(kc, "%%local\nimport json\nprint(json.dumps(" + expr + ", default=str))")
    assert reply["status"] == "ok", outputs
    return json.loads(stdout_of(outputs).strip().splitlines()[-1])


def test_sql_o_brings_typed_rows_into_local_pandas(kernel):
    _, kc = kernel
    reply, outputs = run_cell(kc, TYPED_VIEW)
    assert reply["status"] == "ok", outputs
    reply, outputs = run_cell(kc, "%%sql -o typed_df\nSELECT * FROM typed ORDER BY i")
    assert reply["status"] == "ok", outputs
    assert "Brought 2 rows into the local pandas DataFrame typed_df." in stdout_of(outputs)
    shown = [c["data"] for t, c in outputs if t == "execute_result"]
    assert shown and "<table" in shown[0]["text/html"]
    dtypes = local_json(kc, "{c: str(t) for c, t in typed_df.dtypes.items()}")
    assert list(dtypes) == ["i", "f", "s", "b", "d", "t", "n", "st"]
    assert dtypes["i"] == "int64" and dtypes["f"] == "float64" and dtypes["b"] == "bool"
    assert dtypes["d"].startswith("datetime64") and dtypes["t"].startswith("datetime64")
    assert dtypes["n"] == "Int64"
    values = local_json(kc, "[typed_df.s.isna().tolist(), typed_df.st[0], str(typed_df.t[1]), str(typed_df.d[0].date()),"
                            " typed_df.f.isna().tolist(), int(typed_df.n[1])]")
    assert values == [[False, True], {"x": 1, "y": "p"}, "2024-02-03 04:05:06", "2024-01-02", [False, True], 7]


def test_sql_o_caps_rows_and_says_so_and_chunks_big_results(kernel):
    _, kc = kernel
    reply, outputs = run_cell(kc, "%%sql -o capped -q\nSELECT * FROM big")
    assert reply["status"] == "ok", outputs
    out = stdout_of(outputs)
    assert "Brought 2500 rows" in out and "-n 2500 cut them" in out
    assert not [c for t, c in outputs if t == "execute_result"]
    # 30,000 rows travel in three chunks of 10,000.
    reply, outputs = run_cell(kc, "%%sql -o everything -n -1 -q\nSELECT * FROM big")
    assert reply["status"] == "ok", outputs
    assert "Brought 30000 rows" in stdout_of(outputs) and "cut" not in stdout_of(outputs)
    assert local_json(kc, "[len(everything), int(everything.twice.sum()), everything.label[29999], str(everything.id.dtype)]") \
        == [30000, 2 * sum(range(30000)), "row 29999", "int64"]


def test_spark_o_brings_a_session_dataframe(kernel):
    _, kc = kernel
    reply, outputs = run_cell(kc, "%%spark -o small -n 5\nsmall = spark.range(100).selectExpr('id AS k')")
    assert reply["status"] == "ok", outputs
    assert "Brought 5 rows into the local pandas DataFrame small." in stdout_of(outputs)
    assert local_json(kc, "small.k.tolist()") == [0, 1, 2, 3, 4]
    reply, _ = run_cell(kc, "%%spark -o nothing_here\nx = 1")
    assert reply["status"] == "error" and "no DataFrame named nothing_here" in reply["evalue"]


def test_pretty_o_shows_the_table_and_brings_the_last_lines_dataframe(kernel):
    _, kc = kernel
    reply, outputs = run_cell(kc, "%%pretty -o squares -n 3\nsquared = spark.range(10).selectExpr('id', 'id * id AS sq')\n"
                                  "squared.orderBy('id')")
    assert reply["status"] == "ok", outputs
    shown = [c["data"] for t, c in outputs if t == "execute_result"]
    assert shown and shown[0]["text/html"].count("<tr>") == 4, shown   # the header and 3 rows
    out = stdout_of(outputs)
    assert "Brought 3 rows into the local pandas DataFrame squares." in out and "-n 3 cut them" in out, out
    assert local_json(kc, "[squares.columns.tolist(), squares.sq.tolist(), str(squares.sq.dtype)]") \
        == [["id", "sq"], [0, 1, 4], "int64"]
    # The session keeps no hidden reference to the DataFrame once its rows are brought.
    reply, outputs = run_cell(kc, "print('_livy_kernel_pretty_value' in globals())")
    assert stdout_of(outputs).strip() == "False", outputs
    reply, outputs = run_cell(kc, "%%pretty -o not_a_frame\n1 + 1")
    assert reply["status"] == "error", outputs
    assert reply["evalue"] == "%%pretty -o not_a_frame brings a Spark DataFrame, and the cell's last line gives a value of type int.", reply
    assert local_json(kc, "'not_a_frame' in globals()") is False


def test_send_to_spark_a_dataframe_and_a_string(kernel):
    _, kc = kernel
    reply, outputs = run_cell(kc, "%%local\nimport pandas as pd\n"
                                  "local_df = pd.DataFrame({'k': [1, 2, 3], 'v': [0.5, None, 2.5], 'name': ['a', 'b', None],"
                                  " 'flag': [True, False, True], 'when': pd.to_datetime(['2024-01-01 10:00:00', '2024-01-02 00:00:00', '2024-01-03 00:00:00'])})\n"
                                  "greeting = 'hello \"spark\"\\nbye'")
    assert reply["status"] == "ok", outputs
    reply, outputs = run_cell(kc, "%%send_to_spark -i local_df -t df -n remote_df")
    assert reply["status"] == "ok", outputs
    assert "Sent 3 rows of the local DataFrame local_df to the Spark session as the Spark DataFrame remote_df." \
        in stdout_of(outputs)
    reply, outputs = run_cell(kc, "print(remote_df.dtypes)\nprint(remote_df.agg({'k': 'sum'}).first()[0], "
                                  "remote_df.filter('name IS NULL').count(), remote_df.orderBy('k').first()['when'])")
    assert reply["status"] == "ok", outputs
    text = stdout_of(outputs)
    assert "('k', 'bigint'), ('v', 'double'), ('name', 'string'), ('flag', 'boolean'), ('when', 'timestamp')" in text
    assert "6 1 2024-01-01 10:00:00" in text
    reply, outputs = run_cell(kc, "%%send_to_spark -i greeting")
    assert reply["status"] == "ok", outputs
    reply, outputs = run_cell(kc, "print(repr(greeting))")
    assert "'hello \"spark\"\\nbye'" in stdout_of(outputs)


def test_send_to_spark_big_frame_is_chunked_and_capped(kernel):
    _, kc = kernel
    # About 9 MB of JSON lines: three chunks of the kernel's 4 MB, each row whole on the other side.
    run_cell(kc, "%%local\nbig_local = pd.DataFrame({'i': range(25000), 's': ['%05d' % i + 'x' * 350 for i in range(25000)]})")
    reply, outputs = run_cell(kc, "%%send_to_spark -i big_local -t df -m -1")
    assert reply["status"] == "ok", outputs
    reply, outputs = run_cell(kc, "from pyspark.sql import functions as F\n"
                                  "print(big_local.count(), big_local.agg({'i': 'max'}).first()[0],"
                                  " big_local.filter(F.substring('s', 1, 5).cast('int') != F.col('i')).count(),"
                                  " big_local.filter(F.length('s') != 355).count())")
    assert "25000 24999 0 0" in stdout_of(outputs)
    reply, outputs = run_cell(kc, "%%send_to_spark -i big_local -t df -n capped_remote")
    assert "It has 25000 rows: -m 2500 cut them" in stdout_of(outputs)


@pytest.mark.parametrize("cell,message", [
    ("%%send_to_spark -i no_such_var", "no local variable named no_such_var"),
    ("%%send_to_spark -i nothing", "is None"),
    ("%%send_to_spark -i greeting -t df", "is a str, not a pandas DataFrame"),
    ("%%send_to_spark -t df", "needs -i VAR"),
])
def test_send_to_spark_mistakes_are_clear(kernel, cell, message):
    _, kc = kernel
    run_cell(kc, "%%local\nnothing = None")
    reply, _ = run_cell(kc, cell)
    assert reply["status"] == "error"
    assert message in reply["evalue"], reply["evalue"]


def test_local_code_that_ignores_the_interrupt_is_ended_not_hung():
    from jupyter_client.manager import start_new_kernel
    km, kc = start_new_kernel(kernel_name="pyspark-livy", startup_timeout=60, env=NO_SPARK)
    try:
        reply, outputs = run_cell(kc, "%%local\nimport os\nprint(os.getpid())")
        child = psutil.Process(int(stdout_of(outputs).strip()))
        reply = interrupt_once_printing(km, kc, "%%local\nimport signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                                                "print('ignoring', flush=True)\ntime.sleep(120)")
        assert reply["status"] == "error"
        assert "did not stop" in reply["evalue"]
        child.wait(timeout=30)
        reply, outputs = run_cell(kc, "%%local\nprint('fresh')")
        assert reply["status"] == "ok" and "fresh" in stdout_of(outputs)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_a_notebook_pulls_plots_and_pushes_back_through_nbclient():
    """The sparkmagic workflow as a notebook run by nbclient (its own kernel: nbclient's async
    client cannot share the module's blocking one; the one extra Spark session of this module)."""
    import nbformat
    from nbclient import NotebookClient
    cells = ["spark.range(12).selectExpr('id % 3 AS bucket', 'id').createOrReplaceTempView('nb_src')",
             "%%sql -o counts\nSELECT bucket, count(*) AS n FROM nb_src GROUP BY bucket ORDER BY bucket",
             "%%local\nimport matplotlib.pyplot as plt\ncounts.plot.bar(x='bucket', y='n')\nplt.show()",
             "%%local\ncounts['share'] = counts.n / counts.n.sum()\ncounts",
             "%%send_to_spark -i counts -t df -n counts_back",
             "print(sorted((r.bucket, r.n) for r in counts_back.collect()))"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "pyspark-livy", "display_name": "PySpark (Livy)", "language": "python"}
    NotebookClient(nb, kernel_name="pyspark-livy", timeout=300).execute()
    outs = [c.outputs for c in nb.cells]
    assert any("Brought 3 rows" in o.get("text", "") for o in outs[1])
    assert any(o.output_type == "display_data" and "image/png" in o.data for o in outs[2])
    assert any(o.output_type == "execute_result" and "<table" in o.data["text/html"] for o in outs[3])
    assert "[(0, 4), (1, 4), (2, 4)]" in "".join(o.get("text", "") for o in outs[5])
