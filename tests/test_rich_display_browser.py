"""display() from the Spark session in a real browser: JupyterLab 4 on our kernelspec, driven
headless by Playwright on Debian's chromium. A Spark DataFrame shows as an HTML table, a
matplotlib figure as an image, a plotly figure as plotly's chart and
displayHTML as HTML; a Bokeh figure as Bokeh's plot (BokehJS inlined: the machine is offline).
Screenshots: tests/output/rich-display.png, rich-display-bokeh.png."""
import re
import sys

import pytest

from conftest import ROOT
from lab_helpers import browser, jupyter_lab, open_notebook, run_cell_in_page, run_first_cell, write_notebook  # noqa: F401 (browser is a fixture)

OUTPUT = ROOT / "tests" / "output"

CELL = ("display(spark.range(5).selectExpr('id', 'id * id AS square'))\n"
        "displayHTML('<h3 class=\"from-session\">Hello <i>from</i> the session</h3>')\n"
        "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
        "fig, ax = plt.subplots(figsize=(4, 3))\nax.bar(['a', 'b', 'c'], [3, 7, 5])\ndisplay(fig)\n"
        "import plotly.graph_objects as go\n"
        "display(go.Figure(go.Bar(x=['x', 'y', 'z'], y=[2, 6, 4])))\n"
        "print('done')")

BOKEH = ("from bokeh.settings import settings\n"
         "settings.resources.set_value('inline')\n"
         "from bokeh.plotting import figure\n"
         "p = figure(title='Bokeh from the session', width=420, height=300)\n"
         "p.scatter([1, 2, 3, 4], [4, 6, 5, 7], size=14)\n"
         "display(p)")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab-rich")
    write_notebook(root / "rich.ipynb", [CELL, BOKEH])
    with jupyter_lab(root, [sys.executable, "-m", "jupyter"]) as (base, token):
        yield base, token, root


def test_session_displays_render_as_table_html_and_image(browser, lab):
    base, token, _ = lab
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1100, "height": 1000})
    try:
        cell = run_first_cell(page, base, token, "rich.ipynb")
        cell.locator(".jp-InputArea-prompt:has-text('[1]')").wait_for(timeout=240_000)
        outputs = cell.locator(".jp-OutputArea")
        table = outputs.locator("table").filter(has_text="square").first
        table.wait_for(timeout=30_000)
        cells = [int(t) for t in table.locator("tbody tr td").all_inner_texts() if t.strip().isdigit()]
        assert [0, 0, 1, 1, 2, 4, 3, 9, 4, 16] == cells[:10], cells
        assert outputs.locator("h3.from-session i").inner_text() == "from"
        image = outputs.locator("img").first
        assert image.get_attribute("src").startswith("data:image/png;base64,")
        assert image.evaluate("img => img.naturalWidth") > 100
        # plotly's JupyterLab renderer (shipped in the plotly wheel) draws the session's figure.
        plot = outputs.locator(".js-plotly-plot").first
        plot.wait_for(timeout=30_000)
        assert plot.locator("g.point, path.point, .bars path").count() >= 3
        plot.scroll_into_view_if_needed()
        plot.screenshot(path=str(OUTPUT / "rich-display-plotly.png"))
        text = outputs.inner_text()
        assert "done" in text and "livy-kernel-display" not in text, "the transport never shows"
        page.screenshot(path=str(OUTPUT / "rich-display.png"), full_page=True)
    except Exception:
        page.screenshot(path=str(OUTPUT / "rich-display-failure.png"), full_page=True)
        raise
    finally:
        page.close()


def test_a_bokeh_figure_from_the_session_is_drawn_by_bokehjs(browser, lab):
    base, token, _ = lab
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1100, "height": 800})
    try:
        # The notebook's second cell, in the kernel (and Spark session) the first test used, if it ran.
        open_notebook(page, base, token, "rich.ipynb")
        cell = page.locator(".jp-Cell").nth(1)
        run_cell_in_page(page, cell)
        cell.locator(".jp-InputArea-prompt").filter(has_text=re.compile(r"\[\d+\]")).wait_for(timeout=240_000)
        # BokehJS renders the figure into its div (in a shadow root, which Playwright's CSS pierces).
        canvas = cell.locator(".jp-OutputArea [data-root-id] canvas").first
        canvas.wait_for(timeout=60_000)
        assert canvas.evaluate("c => c.width") > 100
        assert "livy-kernel-display" not in cell.locator(".jp-OutputArea").inner_text()
        cell.locator(".jp-OutputArea").screenshot(path=str(OUTPUT / "rich-display-bokeh.png"))
    except Exception:
        page.screenshot(path=str(OUTPUT / "rich-display-bokeh-failure.png"), full_page=True)
        raise
    finally:
        page.close()
