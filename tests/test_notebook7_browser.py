"""Jupyter Notebook 7 (stock, with the ipywidgets front end) and our kernel in a real browser:
headless Debian chromium via Playwright. Notebook 7 runs from its own venv (.venv-notebook7,
scripts/requirements-notebook7.txt) so the other browser tests' JupyterLab gets no Notebook 7
lab extension. The kernel must be offered on the tree page's New menu and run a Spark cell whose
progress widget renders and ends in its final snapshot. Screenshots go to tests/output/."""
import json
import os
import subprocess

import pytest

from conftest import KERNEL_NAME, ROOT
from lab_helpers import (browser, check_widget_then_snapshot, jupyter_lab,  # noqa: F401 (browser is a fixture)
                         run_warm_then_second, wait_for_idle_kernel, write_notebook)
from progress_helpers import WARM, multi_job

OUTPUT = ROOT / "tests" / "output"
VENV = ROOT / ".venv-notebook7"
# Tasks slow enough (about 1.5 s a job) that the browser sees the live widget.
MULTI_STAGE = multi_job(0.05)


@pytest.fixture(scope="module")
def notebook7_venv():
    """Notebook 7's venv, created or refreshed idempotently (stamp of the requirements)."""
    subprocess.run([str(ROOT / "scripts" / "setup-python-env"), "notebook7"], check=True, cwd=ROOT,
                   env={**os.environ, "LIVY_KERNEL_VENV": str(VENV)})
    version = subprocess.run([str(VENV / "bin" / "python"), "-c", "import notebook; print(notebook.__version__)"],
                             check=True, capture_output=True, text=True).stdout.strip()
    assert int(version.split(".")[0]) == 7, version
    return VENV


@pytest.fixture(scope="module")
def server(tmp_path_factory, notebook7_venv, kernelspec):
    root = tmp_path_factory.mktemp("notebook7")
    write_notebook(root / "progress.ipynb", [WARM, MULTI_STAGE])
    try:
        with jupyter_lab(root, [str(notebook7_venv / "bin" / "jupyter")],
                         {"JUPYTER_CONFIG_DIR": str(root / ".config")}, app="notebook") as (base, token):
            yield base, token, json.loads((kernelspec / "kernel.json").read_text())["display_name"]
    finally:
        OUTPUT.mkdir(parents=True, exist_ok=True)
        (OUTPUT / "notebook7-server.log").write_text((root / "lab.log").read_text())


@pytest.fixture
def page(browser):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    p = browser.new_page(viewport={"width": 1280, "height": 1000})
    yield p
    p.close()


def test_tree_page_offers_our_kernel_in_the_new_menu(page, server):
    base, token, display_name = server
    try:
        page.goto(f"{base}/tree?token={token}")
        page.get_by_text("progress.ipynb").first.wait_for(timeout=60_000)
        # Notebook 7's "New" is a one-item menu bar; its menu lists a "new notebook" item per kernelspec.
        page.locator(".lm-MenuBar-item:has-text('New')").first.click()
        menu = page.locator(".lm-Menu").first
        menu.wait_for(timeout=60_000)
        item = menu.locator(".lm-Menu-item", has_text=display_name)
        item.first.wait_for(timeout=60_000)
        page.screenshot(path=str(OUTPUT / "notebook7-tree-new-menu.png"), full_page=True)
    except Exception:
        page.screenshot(path=str(OUTPUT / "notebook7-tree-failure.png"), full_page=True)
        raise
    # The kernelspec the menu lists is ours (not a display name that merely looks alike).
    specs = page.evaluate("""async ([base, token]) => {
        const r = await fetch(`${base}/api/kernelspecs?token=${token}`);
        return (await r.json()).kernelspecs; }""", [base, token])
    assert specs[KERNEL_NAME]["spec"]["display_name"] == display_name, sorted(specs)


def test_notebook_runs_a_spark_cell_with_the_progress_widget(page, server):
    base, token, display_name = server
    try:
        check_notebook(page, base, token, display_name)
    except Exception:
        page.screenshot(path=str(OUTPUT / "notebook7-failure.png"), full_page=True)
        raise


def check_notebook(page, base, token, display_name):
    page.goto(f"{base}/notebooks/progress.ipynb?token={token}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    # Notebook 7's header names the notebook's kernel.
    page.locator(".jp-KernelName, .jp-Toolbar-kernelName", has_text=display_name).first.wait_for(timeout=60_000)
    wait_for_idle_kernel(page)
    cell = run_warm_then_second(page)
    check_widget_then_snapshot(page, cell, OUTPUT / "notebook7-live.png")
    assert cell.locator(".jp-OutputArea .widget-hprogress").count() == 0, "the widget is closed at the end"
    page.screenshot(path=str(OUTPUT / "notebook7-final.png"), full_page=True)
