"""The sparkmonitor front end (pip install sparkmonitor==3.3.0, its prebuilt JupyterLab 4 extension,
unmodified) showing our kernel's Spark jobs in a real browser: headless Debian chromium via
Playwright. JupyterLab runs from a separate venv (.venv-sparkmonitor, scripts/requirements-
sparkmonitor.txt) so the stock JupyterLab of the ipywidgets browser test stays untouched.
Screenshots and the SparkMonitor comm frames seen by the browser go to tests/output/."""
import json
import os
import subprocess

import pytest

from conftest import ROOT
from lab_helpers import (browser, jupyter_lab, open_notebook, run_warm_then_second,  # noqa: F401 (browser is a fixture)
                         write_notebook)
from progress_helpers import WARM, multi_job

OUTPUT = ROOT / "tests" / "output"
# Slow enough tasks (about 1.5 s a job) that rows are first rendered while their stages run.
MULTI_JOB = multi_job(0.05)
VENV = ROOT / ".venv-sparkmonitor"


@pytest.fixture(scope="module")
def monitor_venv():
    """The JupyterLab + sparkmonitor venv, created or refreshed idempotently (stamp of the requirements)."""
    subprocess.run([str(ROOT / "scripts" / "setup-python-env"), "sparkmonitor"], check=True, cwd=ROOT,
                   env={**os.environ, "LIVY_KERNEL_VENV": str(VENV)})
    ext = VENV / "share" / "jupyter" / "labextensions" / "sparkmonitor" / "package.json"
    assert ext.is_file(), "sparkmonitor did not install its prebuilt JupyterLab extension"
    assert json.loads(ext.read_text())["version"] == "3.3.0"
    return VENV


@pytest.fixture(scope="module")
def lab(tmp_path_factory, monitor_venv):
    root = tmp_path_factory.mktemp("lab-sparkmonitor")
    write_notebook(root / "monitor.ipynb", [WARM, MULTI_JOB])
    # The venv's own share/jupyter supplies the sparkmonitor labextension.
    try:
        with jupyter_lab(root, [str(monitor_venv / "bin" / "jupyter")],
                         {"JUPYTER_CONFIG_DIR": str(root / ".config")}) as (base, token):
            yield base, token, root
    finally:
        OUTPUT.mkdir(parents=True, exist_ok=True)
        (OUTPUT / "sparkmonitor-lab.log").write_text((root / "lab.log").read_text())


def test_sparkmonitor_extension_shows_our_jobs(browser, lab):
    base, token, root = lab
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 1200})
    frames = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: record_frame(frames, payload)))
    console = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    try:
        check_notebook(page, base, token)
    except Exception:
        page.screenshot(path=str(OUTPUT / "sparkmonitor-failure.png"), full_page=True)
        raise
    finally:
        (OUTPUT / "sparkmonitor-frames.log").write_text("\n".join(frames))
        (OUTPUT / "sparkmonitor-console.log").write_text("\n".join(console))
        page.close()


def record_frame(frames, payload):
    """Keeps the SparkMonitor comm traffic the browser receives, as one JSON line per comm_msg
    content (JSON frames, or v1.kernel.websocket.jupyter.org binary frames: offsets, then parts)."""
    if isinstance(payload, str):
        msg = json.loads(payload)
        kind, content = msg.get("msg_type"), msg.get("content", {})
    else:
        count = int.from_bytes(payload[:8], "little")
        offsets = [int.from_bytes(payload[8 + 8 * i:16 + 8 * i], "little") for i in range(count)]
        parts = [payload[offsets[i]:offsets[i + 1]] for i in range(count - 1)]   # channel, header, parent, metadata, content
        if len(parts) < 5:
            return
        kind, content = json.loads(parts[1]).get("msg_type"), json.loads(parts[4])
    if kind == "comm_msg" and content.get("data", {}).get("msgtype") in ("fromscala", "commopen"):
        frames.append(json.dumps(content["data"]))


def check_notebook(page, base, token):
    open_notebook(page, base, token, "monitor.ipynb")
    watch_job_rows(page)
    cell = run_warm_then_second(page)
    # sparkmonitor's own per-cell display (React, class sparkMonitorCellRoot) with its job table.
    monitor = cell.locator(".sparkMonitorCellRoot")
    monitor.first.wait_for(timeout=150_000)
    assert "Apache Spark" in monitor.first.inner_text()
    page.screenshot(path=str(OUTPUT / "sparkmonitor-live.png"), full_page=True)
    # Done: the cell's output and both jobs COMPLETED in the badge and in the job table.
    cell.locator(".jp-InputArea-prompt:has-text('[2]')").wait_for(timeout=150_000)
    outputs = cell.locator(".jp-OutputArea")
    assert "[(0, 40), (1, 40), (2, 40)]" in outputs.inner_text()
    # One progress display per cell: sparkmonitor's panel, not also the kernel's widget or snapshot.
    assert "Spark Job Progress" not in outputs.inner_text()
    assert "Spark:" not in outputs.inner_text()
    assert outputs.locator(".widget-progress, .livy-progress-snapshot").count() == 0
    assert monitor.count() == 1
    rows = monitor.locator("table.jobtable tr.jobrow")
    page.wait_for_function(
        """el => { const r = el.querySelectorAll('tr.jobrow');
                   return r.length >= 2 && [...r].every(x => x.querySelector('.tditemjobstatus').textContent === 'COMPLETED'); }""",
        arg=monitor.first.element_handle(), timeout=60_000)
    statuses = rows.locator(".tditemjobstatus").all_inner_texts()
    assert len(statuses) >= 2 and set(statuses) == {"COMPLETED"}, statuses
    completed = int(monitor.locator(".badgecompletedcount").inner_text())
    assert completed == len(statuses), (completed, statuses)
    assert monitor.locator(".badgerunning").count() == 0
    assert monitor.locator(".badgefailed").count() == 0
    assert int(monitor.locator(".badgeexecutorcount").inner_text()) >= 1
    assert int(monitor.locator(".badgeexecutorcorescount").inner_text()) >= 1
    # Stage counts of the completed jobs: count is one stage, the reduceByKey collect two, all done
    # ("done/total", no "(n active)"). sparkmonitor 3.3.0 fixes a row's counts at its first render
    # (stage.status is not observable), so this holds only because the kernel rebuilds stale rows.
    stage_counts = rows.locator(".tdjobstages").all_inner_texts()
    assert stage_counts[-2:] == ["1/1", "2/2"], stage_counts
    assert all("active" not in c for c in stage_counts), stage_counts
    totals = [int(t.split("(")[0].split("/")[1]) for t in stage_counts]
    task_counts = rows.locator(".tdtasks .data").all_inner_texts()
    assert task_counts[-2:] == ["4/4", "8/8"], task_counts
    check_one_display_per_cell(page)
    check_completed_rows_were_never_stale(page)
    # Expanding a job row renders its stage sub-table from the store: every stage COMPLETED.
    for i in range(rows.count()):
        rows.nth(i).locator(".tdstagebutton").click()
    stage_rows = monitor.locator("table.stagetable tr.stagerow")
    stage_rows.nth(2).wait_for(timeout=60_000)
    stage_status = stage_rows.locator(".tdstagestatus").all_inner_texts()
    assert len(stage_status) == sum(totals) and set(stage_status) == {"COMPLETED"}, stage_status
    names = stage_rows.locator(".tdstagename").all_inner_texts()
    assert {"count", "reduceByKey", "collect"} <= set(names), names
    monitor.first.screenshot(path=str(OUTPUT / "sparkmonitor-cell.png"))
    page.screenshot(path=str(OUTPUT / "sparkmonitor-final.png"), full_page=True)


def check_one_display_per_cell(page):
    """Each cell shows at most one progress display: sparkmonitor's panel (its root gets the
    CellMonitor class once the cell has jobs), never also the kernel's widget or snapshot; the
    Spark cell has exactly sparkmonitor's."""
    per_cell = page.locator(".jp-Notebook .jp-Cell").evaluate_all(
        """cells => cells.map(c => c.querySelectorAll('.sparkMonitorCellRoot.CellMonitor').length
                                  + c.querySelectorAll('.jp-OutputArea .widget-progress, .jp-OutputArea .livy-progress-snapshot').length)""")
    assert per_cell[1] == 1 and all(n <= 1 for n in per_cell), per_cell


def watch_job_rows(page):
    """Records every state a sparkmonitor job row is rendered in ("id|status|stages"), from DOM
    mutations (the observer runs after each render, before the next comm message is handled)."""
    page.evaluate("""() => {
        window.__jobRowStates = [];
        const last = {};
        new MutationObserver(() => {
            for (const r of document.querySelectorAll('tr.jobrow')) {
                const state = [r.querySelector('.tdjobid').textContent, r.querySelector('.tditemjobstatus').textContent,
                               r.querySelector('.tdjobstages').textContent].join('|');
                const cell = r.closest('.jp-Cell');
                const key = [...document.querySelectorAll('.jp-Cell')].indexOf(cell) + ':' + state.split('|')[0];
                if (last[key] !== state) { last[key] = state; window.__jobRowStates.push(state); }
            }
        }).observe(document.body, {subtree: true, childList: true, characterData: true});
    }""")


def check_completed_rows_were_never_stale(page):
    """At no moment did a COMPLETED job's row show a stage as not done ("(n active)" or done/total short)."""
    states = page.evaluate("() => window.__jobRowStates")
    (OUTPUT / "sparkmonitor-row-states.log").write_text("\n".join(states))
    completed = [s for s in states if s.split("|")[1] == "COMPLETED"]
    assert completed, states
    for state in completed:
        stages = state.split("|")[2]
        done, total = stages.split("(")[0].split("/")
        skipped = int(stages.split("(")[1].split(" ")[0]) if "skipped" in stages else 0
        assert "active" not in stages and int(done) + skipped == int(total), (state, states)
