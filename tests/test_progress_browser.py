"""The progress widget in a real browser: JupyterLab 4 + ipywidgets 8 (stock, no extension of
ours), driven headless by Playwright on Debian's chromium. Screenshots go to tests/output/."""
import sys

import pytest

from conftest import ROOT
from lab_helpers import browser, jupyter_lab, open_notebook, write_notebook  # noqa: F401 (browser is a fixture)
from progress_helpers import WARM, multi_job

OUTPUT = ROOT / "tests" / "output"

# Slower tasks than the jupyter_client tests' MULTI_JOB, so the browser sees the live widget.
MULTI_STAGE = multi_job(0.05)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    write_notebook(root / "progress.ipynb", [WARM, MULTI_STAGE])
    with jupyter_lab(root, [sys.executable, "-m", "jupyter"]) as (base, token):
        yield base, token, root


def test_widget_bars_and_stage_table_reach_100_percent(browser, lab):
    base, token, root = lab
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    try:
        check_notebook(page, base, token)
    except Exception:
        page.screenshot(path=str(OUTPUT / "progress-widget-failure.png"), full_page=True)
        raise
    finally:
        page.close()


def check_notebook(page, base, token):
    open_notebook(page, base, token, "progress.ipynb")
    # Run both cells.
    page.locator(".jp-Cell").first.click()
    page.keyboard.press("Shift+Enter")
    page.keyboard.press("Shift+Enter")
    cell = page.locator(".jp-Cell").nth(1)
    # Live: the ipywidgets accordion with progress bars and the stage table.
    # ipywidgets 8 renders IntProgress as .widget-hprogress inside the Accordion.
    live_bar = cell.locator(".jp-OutputArea .widget-hprogress")
    live_bar.first.wait_for(timeout=150_000)
    cell.locator(".jp-OutputArea .jupyter-widgets table.livy-progress-stages").first.wait_for(timeout=60_000)
    assert cell.get_by_text("Spark Job Progress").first.is_visible()
    assert live_bar.count() >= 2, "an overall bar and one per job"
    page.screenshot(path=str(OUTPUT / "progress-widget-live.png"), full_page=True)
    # End: the static snapshot replaces the widget; every bar at 100%.
    cell.locator(".livy-progress-snapshot").wait_for(timeout=150_000)
    snapshot = cell.locator(".livy-progress-snapshot")
    assert snapshot.locator("table.livy-progress-stages").is_visible()
    widths = snapshot.locator(".livy-progress-bar > div").evaluate_all("els => els.map(e => e.style.width)")
    assert widths == ["100%", "100%", "100%"], widths
    assert "COMPLETE" in snapshot.inner_text()
    # The snapshot comes before the cell's printed output: wait for the cell to finish ([2]).
    cell.locator(".jp-InputArea-prompt:has-text('[2]')").wait_for(timeout=60_000)
    assert "[(0, 40), (1, 40), (2, 40)]" in cell.inner_text()
    page.screenshot(path=str(OUTPUT / "progress-widget-final.png"), full_page=True)
