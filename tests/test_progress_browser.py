"""The progress widget in a real browser: JupyterLab 4 + ipywidgets 8 (stock, no extension of
ours), driven headless by Playwright on Debian's chromium. Screenshots go to tests/output/."""
import sys

import pytest

from conftest import ROOT
from lab_helpers import (browser, check_widget_then_snapshot, jupyter_lab, open_notebook, run_cell_in_page,  # noqa: F401 (browser is a fixture)
                         write_notebook)
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
    # Run both cells (the second queued behind the first).
    run_cell_in_page(page, page.locator(".jp-Cell").first)
    run_cell_in_page(page, page.locator(".jp-Cell").nth(1))
    check_widget_then_snapshot(page, page.locator(".jp-Cell").nth(1), OUTPUT / "progress-widget-live.png")
    page.screenshot(path=str(OUTPUT / "progress-widget-final.png"), full_page=True)
