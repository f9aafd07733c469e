"""A %%local matplotlib plot in a real browser: JupyterLab 4 on our kernelspec, driven headless by
Playwright on Debian's chromium. The screenshot goes to tests/output/local-plot.png."""
import sys

import pytest

from conftest import ROOT
from lab_helpers import browser, jupyter_lab, run_first_cell, write_notebook  # noqa: F401 (browser is a fixture)

OUTPUT = ROOT / "tests" / "output"

PLOT = ("%%local\nimport matplotlib.pyplot as plt\nfig, ax = plt.subplots(figsize=(4, 3))\n"
        "ax.bar(['mon', 'tue', 'wed'], [3, 7, 5])\nax.set_title('local plot')\nplt.show()")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab-local")
    write_notebook(root / "local.ipynb", [PLOT])
    # Only the local Python is needed: no Spark session behind the kernel.
    with jupyter_lab(root, [sys.executable, "-m", "jupyter"], {"LIVY_KERNEL_SESSION_PRESTART": "false"}) as (base, token):
        yield base, token, root


def test_local_matplotlib_plot_renders_as_an_image(browser, lab):
    base, token, _ = lab
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1100, "height": 800})
    try:
        cell = run_first_cell(page, base, token, "local.ipynb")
        image = cell.locator(".jp-OutputArea img")
        image.wait_for(timeout=120_000)
        assert image.get_attribute("src").startswith("data:image/png;base64,")
        assert image.evaluate("img => img.naturalWidth") > 100
        cell.locator(".jp-InputArea-prompt:has-text('[1]')").wait_for(timeout=60_000)
        page.screenshot(path=str(OUTPUT / "local-plot.png"), full_page=True)
    except Exception:
        page.screenshot(path=str(OUTPUT / "local-plot-failure.png"), full_page=True)
        raise
    finally:
        page.close()
