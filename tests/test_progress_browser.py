"""The progress widget in a real browser: JupyterLab 4 + ipywidgets 8 (stock, no extension of
ours), driven headless by Playwright on Debian's chromium. Screenshots go to tests/output/."""
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from conftest import KERNEL_NAME, ROOT

OUTPUT = ROOT / "tests" / "output"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

WARM = "warm = sc.parallelize(range(4), 2).count()"
MULTI_STAGE = """import time
def slow(i):
    time.sleep(0.05)
    return i
rdd = sc.parallelize(range(120), 4).map(slow)
print(rdd.count())
print(sorted(rdd.map(lambda x: (x % 3, 1)).reduceByKey(lambda a, b: a + b).collect()))
"""


def chromium_path():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    subprocess.run([str(ROOT / "scripts" / "setup-browser")], check=False)
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="module")
def browser():
    path = chromium_path()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium could not be installed (scripts/setup-browser failed) and CI must run this test")
        pytest.skip("chromium could not be installed (scripts/setup-browser failed)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    nb = {"cells": [{"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {}, "outputs": [],
                     "source": src} for i, src in enumerate([WARM, MULTI_STAGE])],
          "metadata": {"kernelspec": {"name": KERNEL_NAME, "display_name": "PySpark (Livy)", "language": "python"}},
          "nbformat": 4, "nbformat_minor": 5}
    (root / "progress.ipynb").write_text(json.dumps(nb))
    token = uuid.uuid4().hex
    port = free_port()
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(root / ".settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(root / ".workspaces"), "JUPYTER_RUNTIME_DIR": str(root / ".runtime")}
    log = open(root / "lab.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
                             f"--ServerApp.port={port}", f"--IdentityProvider.token={token}",
                             f"--ServerApp.root_dir={root}", "--LabApp.news_url=", "--ServerApp.open_browser=False",
                             "--allow-root"],
                            cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("jupyter lab did not start: " + (root / "lab.log").read_text()[-2000:])
    yield f"http://127.0.0.1:{port}", token, root
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()


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
    page.goto(f"{base}/lab/tree/progress.ipynb?token={token}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    # Wait until the kernel is connected (the status shows "Idle"), then run both cells.
    page.wait_for_function("() => document.body.innerText.includes('Idle')", timeout=120_000)
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
    assert "[(0, 40), (1, 40), (2, 40)]" in cell.inner_text()
    page.screenshot(path=str(OUTPUT / "progress-widget-final.png"), full_page=True)
