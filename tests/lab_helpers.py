"""Shared by the browser tests: headless Debian chromium through Playwright, and a JupyterLab
server on a notebook of given cells, talking to our kernelspec."""
import json
import os
import re
import shutil
import socket
import subprocess
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import KERNEL_NAME, ROOT

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium_path():
    for attempt in range(2):
        for name in ("chromium", "chromium-browser"):
            path = shutil.which(name)
            if path:
                return path
        if attempt == 0:
            subprocess.run([str(ROOT / "scripts" / "setup-browser")], check=False)
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


def write_notebook(path: Path, sources):
    nb = {"cells": [{"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {}, "outputs": [],
                     "source": src} for i, src in enumerate(sources)],
          "metadata": {"kernelspec": {"name": KERNEL_NAME, "display_name": "PySpark (Livy)", "language": "python"}},
          "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(nb))


def open_notebook(page, base, token, name):
    """Opens notebook `name` of the lab's root and waits until its kernel is connected and idle."""
    page.goto(f"{base}/lab/tree/{name}?token={token}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    wait_for_idle_kernel(page)


def wait_for_idle_kernel(page, timeout=120_000):
    """Until the shown notebook's kernel is connected and idle, as its toolbar's execution indicator
    says (JupyterLab 4 and Notebook 7)."""
    page.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]:visible').first.wait_for(timeout=timeout)


STARTED = re.compile(r"\[(\*|\d+)\]")


def run_cell_in_page(page, cell, attempts=3):
    """Runs `cell` (its editor clicked, Shift+Enter) and returns once the front end shows it queued
    or run ("[*]" or "[n]"). Under load a notebook just opened sometimes drops the run (the selection
    moves on, the prompt stays "[ ]", nothing reaches the kernel: seen in CI with JupyterLab and
    Notebook 7 alike), so it is run again; nothing of it ran, so nothing runs twice. When the front
    end dropped it because it believed there was no kernel yet, it asks with its "Select Kernel"
    dialog (seen once in CI, the kernel started and idle meanwhile): the kernel it preselects is
    accepted, as a user would, before the next try."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    prompt = cell.locator(".jp-InputArea-prompt").filter(has_text=STARTED)
    busy = page.locator('.jp-Notebook-ExecutionIndicator[data-status="busy"]:visible')
    for _ in range(attempts):
        accept_kernel_dialog(page)
        cell.locator(".jp-InputArea-editor").click()
        page.keyboard.press("Shift+Enter")
        try:
            prompt.wait_for(timeout=20_000)
            return
        except PlaywrightTimeout:
            # A busy kernel got the run and the prompt is only late (seen in CI: pressed again,
            # the cell ran twice): wait for it rather than run it again.
            if busy.count():
                prompt.wait_for(timeout=120_000)
                return
            continue
    raise AssertionError("the front end never ran the cell (%d tries)" % attempts)


def accept_kernel_dialog(page):
    """If JupyterLab's "Select Kernel" dialog is up, accepts the kernel it preselects and waits until
    the notebook's kernel is idle."""
    dialog = page.locator(".jp-Dialog").filter(has_text="Select Kernel")
    if dialog.count() and dialog.first.is_visible():
        dialog.first.locator("button.jp-mod-accept").click()
        dialog.first.wait_for(state="detached", timeout=30_000)
        wait_for_idle_kernel(page)


def run_first_cell(page, base, token, name):
    """Opens notebook `name`, runs its first cell and returns that cell's locator (not waiting for it to end)."""
    open_notebook(page, base, token, name)
    cell = page.locator(".jp-Cell").first
    run_cell_in_page(page, cell)
    return cell


def run_warm_then_second(page):
    """Runs the notebook's first cell (the warm-up: the kernel's first cell starts the Spark
    session) alone until it is done, then the second; returns the second cell's locator."""
    first = page.locator(".jp-Cell").first
    run_cell_in_page(page, first)
    # Done: a number in its prompt (not "[*]"); any number, should a retry have run it again.
    first.locator(".jp-InputArea-prompt").filter(has_text=re.compile(r"\[\d+\]")).wait_for(timeout=150_000)
    second = page.locator(".jp-Cell").nth(1)
    run_cell_in_page(page, second)
    return second


def check_widget_then_snapshot(page, cell, live_png):
    """The kernel's progress display of a two-job cell (progress_helpers.multi_job): live, the
    ipywidgets bars (IntProgress renders as .widget-hprogress) and stage table, screenshot to
    `live_png`; at the end, the static snapshot that replaces the widget, every bar at 100%."""
    live_bar = cell.locator(".jp-OutputArea .widget-hprogress")
    live_bar.first.wait_for(timeout=150_000)
    cell.locator(".jp-OutputArea .jupyter-widgets table.livy-progress-stages").first.wait_for(timeout=60_000)
    assert cell.get_by_text("Spark Job Progress").first.is_visible()
    assert live_bar.count() >= 2, "an overall bar and one per job"
    page.screenshot(path=str(live_png), full_page=True)
    snapshot = cell.locator(".livy-progress-snapshot")
    snapshot.wait_for(timeout=150_000)
    assert snapshot.locator("table.livy-progress-stages").is_visible()
    widths = snapshot.locator(".livy-progress-bar > div").evaluate_all("els => els.map(e => e.style.width)")
    assert widths == ["100%", "100%", "100%"], widths
    assert "COMPLETE" in snapshot.inner_text()
    # The snapshot comes before the cell's printed output: wait for the cell to finish ([2]).
    cell.locator(".jp-InputArea-prompt:has-text('[2]')").wait_for(timeout=60_000)
    assert "[(0, 40), (1, 40), (2, 40)]" in cell.inner_text()


@contextmanager
def jupyter_lab(root: Path, jupyter: list, extra_env=None, app="lab"):
    """Runs `jupyter lab` (the command `jupyter`, e.g. [python, "-m", "jupyter"]; with app="notebook",
    Notebook 7's `jupyter notebook`) on `root` with its own settings, workspaces and runtime dirs
    there; yields (base URL, token); its log is root/lab.log. JUPYTER_PATH (set by conftest's
    kernelspec fixture) makes it find our kernelspec."""
    token = uuid.uuid4().hex
    port = free_port()
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(root / ".settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(root / ".workspaces"), "JUPYTER_RUNTIME_DIR": str(root / ".runtime"),
           **(extra_env or {})}
    log_path = root / "lab.log"
    with open(log_path, "w") as log:
        quiet = ["--LabApp.news_url="] if app == "lab" else []
        proc = subprocess.Popen([*jupyter, app, "--no-browser", "--ServerApp.ip=127.0.0.1",
                                 f"--ServerApp.port={port}", f"--IdentityProvider.token={token}",
                                 f"--ServerApp.root_dir={root}", *quiet, "--ServerApp.open_browser=False",
                                 "--allow-root"],
                                cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.time() + 60
            while True:
                if proc.poll() is not None:
                    pytest.fail(f"jupyter {app} exited: " + log_path.read_text()[-3000:])
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1):
                        break
                except OSError:
                    if time.time() > deadline:
                        pytest.fail(f"jupyter {app} did not start: " + log_path.read_text()[-3000:])
                    time.sleep(0.3)
            yield f"http://127.0.0.1:{port}", token
        finally:
            proc.terminate()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
