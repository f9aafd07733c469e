"""display() and displayHTML() from the Spark session, through jupyter_client on one kernel that
runs its own embedded Livy endpoint with real PySpark. The helpers travel only through Livy's
text/plain, so what passes here works the same on Apache Livy."""
import base64
import importlib.util
import re

import pytest

from conftest import run_cell, stderr_of, stdout_of, warmed_kernel


@pytest.fixture(scope="module")
def kernel():
    yield from warmed_kernel("warm = 'up'")


def ours(t, c):
    # Spark job progress is a display too, but one with a display_id, updated in place.
    return t == "display_data" and not c.get("transient", {}).get("display_id")


def displays(outputs):
    return [c for t, c in outputs if ours(t, c)]


def kinds(outputs):
    """The cell's outputs in order, each stream as its text (adjacent pieces joined, as a front end shows them)."""
    out = []
    for t, c in outputs:
        if t == "stream" and c["name"] == "stdout":
            if out and out[-1].startswith("stdout:"):
                out[-1] += c["text"]
            else:
                out.append("stdout:" + c["text"])
        elif ours(t, c):
            out.append("display")
        elif t not in ("execute_input", "display_data", "update_display_data"):
            out.append(t)
    return out


def ok(kc, code):
    reply, outputs = run_cell(kc, code)
    assert reply["status"] == "ok", (reply, outputs)
    return outputs


def test_helpers_are_there_without_an_import_and_leave_nothing_else(kernel):
    _, kc = kernel
    outputs = ok(kc, "print(callable(display), callable(displayHTML), "
                     "[n for n in globals() if n.startswith('_livy_kernel')])")
    assert stdout_of(outputs) == "True True []\n"


def test_spark_dataframe_is_an_html_table_whose_rows_match(kernel):
    _, kc = kernel
    outputs = ok(kc, 'df = spark.range(5).toDF("id")\ndisplay(df)')
    [shown] = displays(outputs)
    data = shown["data"]
    html = data["text/html"]
    cells = [int(v) for v in re.findall(r"<td>(\d+)</td>", html)]
    collected = [int(v) for v in stdout_of(ok(kc, 'print(" ".join(str(r.id) for r in df.collect()))')).split()]
    assert cells == collected == [0, 1, 2, 3, 4]
    assert "id: bigint" in html and "5 rows." in html
    resource = data["application/vnd.dataresource+json"]
    assert resource["schema"]["fields"] == [{"name": "id", "type": "integer"}]
    assert resource["data"] == [{"id": i} for i in range(5)]
    assert "id" in data["text/plain"] and "application/vnd.livy-kernel.table+json" not in data
    assert stdout_of(outputs) == ""


def test_rows_are_capped_with_a_note_and_limit_raises_the_cap(kernel):
    _, kc = kernel
    [capped] = displays(ok(kc, "display(spark.range(30).toDF('n'))"))
    assert len(capped["data"]["application/vnd.dataresource+json"]["data"]) == 20
    assert "Showing the first 20 rows" in capped["data"]["text/html"]
    [three] = displays(ok(kc, "display(spark.range(30).toDF('n'), limit=3)"))
    assert [r["n"] for r in three["data"]["application/vnd.dataresource+json"]["data"]] == [0, 1, 2]


def test_prints_and_displays_keep_their_order(kernel):
    _, kc = kernel
    outputs = ok(kc, "class Card:\n"
                     "    def _repr_html_(self):\n"
                     "        return '<b>card</b>'\n"
                     "    def __repr__(self):\n"
                     "        return 'Card()'\n"
                     "print('a')\ndisplay(Card())\nprint('b')\ndisplay(Card(), Card())\nprint('c')")
    assert kinds(outputs) == ["stdout:a\n", "display", "stdout:b\n", "display", "display", "stdout:c\n"]
    first = displays(outputs)[0]["data"]
    assert first == {"text/html": "<b>card</b>", "text/plain": "Card()"}


def test_display_html(kernel):
    _, kc = kernel
    [shown] = displays(ok(kc, 'displayHTML("<b>x</b>")'))
    assert shown["data"]["text/html"] == "<b>x</b>"


def test_richest_forms_and_any_mime_bundle(kernel):
    _, kc = kernel
    outputs = ok(kc, "class Chart:\n"
                     "    def _repr_mimebundle_(self, include=None, exclude=None):\n"
                     "        return {'application/vnd.plotly.v1+json': {'data': [{'y': [1, 2]}]}}\n"
                     "class Doc:\n"
                     "    def _repr_markdown_(self):\n"
                     "        return '# title'\n"
                     "    def _repr_latex_(self):\n"
                     "        return r'$x^2$'\n"
                     "    def _repr_svg_(self):\n"
                     "        return '<svg></svg>'\n"
                     "    def _repr_png_(self):\n"
                     "        return b'\\x89PNG\\r\\n'\n"
                     "    def _repr_json_(self):\n"
                     "        return {'k': [1]}\n"
                     "display(Chart(), Doc())")
    chart, doc = displays(outputs)
    assert chart["data"]["application/vnd.plotly.v1+json"] == {"data": [{"y": [1, 2]}]}
    assert "Chart object" in chart["data"]["text/plain"]
    d = doc["data"]
    assert d["text/markdown"] == "# title" and d["text/latex"] == "$x^2$" and d["image/svg+xml"] == "<svg></svg>"
    assert base64.b64decode(d["image/png"]) == b"\x89PNG\r\n"
    assert d["application/json"] == {"k": [1]}


def test_a_broken_repr_html_falls_back_to_text(kernel):
    _, kc = kernel
    outputs = ok(kc, "class Broken:\n"
                     "    def _repr_html_(self):\n"
                     "        raise ValueError('no html')\n"
                     "    def __repr__(self):\n"
                     "        return 'Broken()'\n"
                     "display(Broken())")
    [shown] = displays(outputs)
    assert shown["data"] == {"text/plain": "Broken()"}


def test_display_leaves_underscore_alone(kernel):
    _, kc = kernel
    ok(kc, "6 * 7")
    ok(kc, "display(1)\ndisplayHTML('<i>y</i>')")
    assert stdout_of(ok(kc, "print(_)")) == "42\n"
    broken = ok(kc, "class Broken:\n"
                    "    def _repr_html_(self):\n"
                    "        raise ValueError('no html')\n"
                    "    def __repr__(self):\n"
                    "        return 'Broken()'\n"
                    "Broken()")
    assert stdout_of(broken) == "Broken()\n", "no rich form after all: Livy's repr"


def test_pandas_dataframe_shows_its_own_html(kernel):
    _, kc = kernel
    if "False" in stdout_of(ok(kc, "import importlib.util\nprint(importlib.util.find_spec('pandas') is not None)")):
        pytest.skip("pandas is not installed in the session's Python")
    [shown] = displays(ok(kc, "import pandas as pd\ndisplay(pd.DataFrame({'a': [1, 2], 'b': ['x', 'y']}))"))
    assert "<table" in shown["data"]["text/html"] and "<td>x</td>" in shown["data"]["text/html"]
    assert "a" in shown["data"]["text/plain"]
    [series] = displays(ok(kc, "display(pd.Series([3, 4], name='s'))"))
    assert "<td>4</td>" in series["data"]["text/html"] and "Name: s" in series["data"]["text/plain"]


def test_matplotlib_figure_is_a_png(kernel):
    _, kc = kernel
    if "False" in stdout_of(ok(kc, "import importlib.util\nprint(importlib.util.find_spec('matplotlib') is not None)")):
        pytest.skip("matplotlib is not installed in the session's Python")
    [shown] = displays(ok(kc, "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
                              "fig, ax = plt.subplots()\nax.plot([1, 3, 2])\ndisplay(fig)"))
    assert base64.b64decode(shown["data"]["image/png"])[:8] == b"\x89PNG\r\n\x1a\n"
    [svg] = displays(ok(kc, "display(fig, format='svg')"))
    assert "image/png" not in svg["data"]
    assert svg["data"]["image/svg+xml"].lstrip().startswith("<?xml") and "<svg" in svg["data"]["image/svg+xml"]
    reply, outputs = run_cell(kc, "display(fig, format='gif')")
    assert reply["status"] == "error" and "takes 'png' or 'svg'" in reply["evalue"]


def test_plotly_figure_is_its_own_mime_type_with_html_beside(kernel):
    _, kc = kernel
    if "False" in stdout_of(ok(kc, "import importlib.util\nprint(importlib.util.find_spec('plotly') is not None)")):
        pytest.skip("plotly is not installed in the session's Python")
    code = "import plotly.graph_objects as go\nfig = go.Figure(go.Bar(x=['a', 'b'], y=[3, 5]))\n"
    [shown] = displays(ok(kc, code + "display(fig)"))
    spec = shown["data"]["application/vnd.plotly.v1+json"]
    assert spec["data"][0]["type"] == "bar" and list(spec["data"][0]["y"]) == [3, 5]
    assert "plotly" in shown["data"]["text/html"]
    [result] = [c for t, c in ok(kc, "fig") if t == "execute_result"]
    assert "application/vnd.plotly.v1+json" in result["data"], "a figure as the last expression too"


def test_an_oversized_bundle_is_dropped_with_its_size(kernel):
    _, kc = kernel
    outputs = ok(kc, "class Big:\n"
                     "    def _repr_html_(self):\n"
                     "        return 'x' * (6 * 1024 * 1024)\n"
                     "    def __repr__(self):\n"
                     "        return 'Big()'\n"
                     "display(Big())\nprint('still here')")
    assert displays(outputs) == []
    assert "was dropped: it is over the 5.0 MB limit" in stderr_of(outputs)
    assert "6.0 MB" in stderr_of(outputs)
    assert stdout_of(outputs) == "still here\n"


def test_a_malformed_frame_is_a_note_never_the_marker(kernel):
    _, kc = kernel
    outputs = ok(kc, "print('a')\nprint('\\x1elivy-kernel-display:not base64\\x03')\nprint('b')")
    assert stdout_of(outputs) == "a\nb\n"
    assert "could not be decoded" in stderr_of(outputs)
    assert "\x1e" not in stderr_of(outputs) + stdout_of(outputs)


def test_display_inside_pretty_is_a_display_not_its_frame(kernel):
    _, kc = kernel
    outputs = ok(kc, "%%pretty\nprint('p')\ndisplayHTML('<b>in pretty</b>')\nspark.range(2).toDF('id')")
    assert [d["data"]["text/html"] for d in displays(outputs)] == ["<b>in pretty</b>"]
    assert stdout_of(outputs) == "p\n"
    assert any(t == "execute_result" for t, _ in outputs)


def test_a_rich_last_expression_is_the_cells_result_and_sets_underscore(kernel):
    _, kc = kernel
    outputs = ok(kc, "print('p')\nspark.range(3).toDF('id')")
    [result] = [c for t, c in outputs if t == "execute_result"]
    assert re.findall(r"<td>(\d+)</td>", result["data"]["text/html"]) == ["0", "1", "2"]
    assert stdout_of(outputs) == "p\n" and displays(outputs) == []
    assert stdout_of(ok(kc, "print(type(_).__name__, _.columns)")) == "DataFrame ['id']\n"
    plain = ok(kc, "40 + 2")
    assert stdout_of(plain) == "42\n" and not [t for t, _ in plain if t == "execute_result"]
    assert stdout_of(ok(kc, "print(_)")) == "42\n"


@pytest.fixture
def plain_repr_kernel():
    yield from warmed_kernel("warm = 'up'", env={"LIVY_KERNEL_RICH_RESULTS": "false",
                                                 "LIVY_KERNEL_DISPLAY_MAX_ROWS": "3",
                                                 "LIVY_KERNEL_DISPLAY_MAX_BYTES": "4096"})


def test_rich_results_off_keeps_livys_plain_repr(plain_repr_kernel):
    _, kc = plain_repr_kernel
    outputs = ok(kc, "spark.range(3)")
    assert stdout_of(outputs) == "DataFrame[id: bigint]\n"
    assert not [t for t, _ in outputs if t == "execute_result"]
    [shown] = displays(ok(kc, "display(spark.range(2))"))
    assert "application/vnd.dataresource+json" in shown["data"], "display() itself still works"


def test_row_and_size_caps_are_settings(plain_repr_kernel):
    _, kc = plain_repr_kernel
    [capped] = displays(ok(kc, "display(spark.range(10).toDF('n'))"))
    assert [r["n"] for r in capped["data"]["application/vnd.dataresource+json"]["data"]] == [0, 1, 2]
    assert "Showing the first 3 rows" in capped["data"]["text/html"]
    outputs = ok(kc, "displayHTML('x' * 10000)\nprint('still here')")
    assert displays(outputs) == []
    assert "was dropped: it is over the 4.0 KB limit for one output (the display_max_bytes setting)" in stderr_of(outputs)
    assert stdout_of(outputs) == "still here\n"


def test_helpers_come_back_in_a_new_session(kernel):
    _, kc = kernel
    ok(kc, "%%configure -f\n{}")
    [shown] = displays(ok(kc, 'displayHTML("<b>again</b>")'))
    assert shown["data"]["text/html"] == "<b>again</b>"


def test_vega_lite_from_altair_and_jpeg(kernel):
    _, kc = kernel
    outputs = ok(kc, "import altair as alt, pandas as pd\n"
                     "chart = alt.Chart(pd.DataFrame({'a': ['x', 'y'], 'b': [3, 4]})).mark_bar().encode(x='a', y='b')\n"
                     "class Photo:\n"
                     "    def _repr_jpeg_(self):\n"
                     "        return b'\\xff\\xd8\\xff\\xe0'\n"
                     "display(chart, Photo())")
    vega, photo = displays(outputs)
    spec = next(v for k, v in vega["data"].items() if k.startswith("application/vnd.vegalite.v"))
    assert spec["mark"]["type"] == "bar" if isinstance(spec["mark"], dict) else spec["mark"] == "bar"
    assert [row["b"] for row in next(iter(spec["datasets"].values()))] == [3, 4]
    assert base64.b64decode(photo["data"]["image/jpeg"]) == b"\xff\xd8\xff\xe0"


def test_a_bokeh_figure_comes_as_bokehs_own_notebook_outputs(kernel):
    _, kc = kernel
    outputs = ok(kc, "from bokeh.plotting import figure\n"
                     "p = figure(title='from the session')\n"
                     "p.line([1, 2, 3], [4, 6, 5])\n"
                     "display(p)\n"
                     "p")
    shown = displays(outputs)
    # As bokeh.io.show() under IPython: BokehJS' loader, the figure's div, the script embedding it.
    loader, div, script = shown[:3]
    assert "application/vnd.bokehjs_load.v0+json" in loader["data"], loader
    assert "Bokeh" in loader["data"]["application/javascript"]
    assert "application/vnd.bokehjs_exec.v0+json" in script["data"]
    figure_id = script["metadata"]["application/vnd.bokehjs_exec.v0+json"]["id"]
    assert div["data"]["text/html"].strip().startswith("<div") and 'data-root-id="%s"' % figure_id in div["data"]["text/html"]
    assert div["data"]["text/plain"].startswith("figure("), div
    assert "from the session" in script["data"]["application/javascript"]
    assert figure_id in script["data"]["application/javascript"]
    # The last expression shows the same way, not as the model's attribute table.
    assert [s["data"].keys() for s in shown[3:]] == [s["data"].keys() for s in shown[:3]]
    assert not any(t == "execute_result" for t, _ in outputs), outputs
