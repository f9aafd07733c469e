"""Shared by the browser tests: headless Debian chromium through Playwright, and a JupyterLab
server on a notebook of given cells, talking to our kernelspec."""
import json
import os
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
    """Opens notebook `name` of the lab's root and waits until its kernel is connected (status "Idle")."""
    page.goto(f"{base}/lab/tree/{name}?token={token}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.wait_for_function("() => document.body.innerText.includes('Idle')", timeout=120_000)


@contextmanager
def jupyter_lab(root: Path, jupyter: list, extra_env=None):
    """Runs `jupyter lab` (the command `jupyter`, e.g. [python, "-m", "jupyter"]) on `root` with its
    own settings, workspaces and runtime dirs there; yields (base URL, token); its log is root/lab.log.
    JUPYTER_PATH (set by conftest's kernelspec fixture) makes it find our kernelspec."""
    token = uuid.uuid4().hex
    port = free_port()
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(root / ".settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(root / ".workspaces"), "JUPYTER_RUNTIME_DIR": str(root / ".runtime"),
           **(extra_env or {})}
    log_path = root / "lab.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen([*jupyter, "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
                                 f"--ServerApp.port={port}", f"--IdentityProvider.token={token}",
                                 f"--ServerApp.root_dir={root}", "--LabApp.news_url=", "--ServerApp.open_browser=False",
                                 "--allow-root"],
                                cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.time() + 60
            while True:
                if proc.poll() is not None:
                    pytest.fail("jupyter lab exited: " + log_path.read_text()[-3000:])
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1):
                        break
                except OSError:
                    if time.time() > deadline:
                        pytest.fail("jupyter lab did not start: " + log_path.read_text()[-3000:])
                    time.sleep(0.3)
            yield f"http://127.0.0.1:{port}", token
        finally:
            proc.terminate()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
