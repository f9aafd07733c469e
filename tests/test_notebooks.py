"""Notebooks through nbconvert and papermill, on one shared standalone local endpoint."""
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import requests
from nbformat.v4 import new_code_cell, new_notebook

from conftest import KERNEL_NAME, ROOT, VENV_BIN

pytestmark = pytest.mark.usefixtures("livy_env")


@pytest.fixture(scope="module")
def livy_env(local_livy):
    saved = {k: os.environ.get(k) for k in ("LIVY_URL", "LIVY_USERNAME", "LIVY_PASSWORD")}
    os.environ.update(local_livy.env())
    yield local_livy
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


def sessions(livy):
    r = requests.get(livy.url + "/sessions", auth=livy.auth, timeout=10)
    r.raise_for_status()
    return [s for s in r.json()["sessions"] if s["state"] not in ("dead", "killed")]


def write_notebook(path, cells, parameters_cell=None):
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "PySpark (Livy)", "language": "python"}
    if parameters_cell is not None:
        nb.cells.append(new_code_cell(parameters_cell, metadata={"tags": ["parameters"]}))
    nb.cells.extend(new_code_cell(c) for c in cells)
    nbformat.write(nb, str(path))
    return path


def execute_example(name, tmp_path):
    """examples/<name>.ipynb run by nbconvert, as the notebook it writes."""
    out = tmp_path / (name + ".out.ipynb")
    subprocess.run([str(VENV_BIN / "jupyter"), "nbconvert", "--to", "notebook", "--execute",
                    "--ExecutePreprocessor.timeout=600", str(ROOT / "examples" / (name + ".ipynb")),
                    "--output", str(out)], check=True, timeout=900)
    return nbformat.read(str(out), as_version=4)


def test_nbconvert_executes_the_quickstart(tmp_path, livy_env):
    nb = execute_example("quickstart", tmp_path)
    assert nb.metadata["language_info"]["name"] == "python"
    texts = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "1000" in texts
    json_outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
                    if o.output_type == "execute_result" and "application/json" in o.data]
    assert json_outputs and json_outputs[0].data["application/json"]["buckets"] == 7
    assert not any(o.output_type == "error" for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert sessions(livy_env) == [], "the kernel left its Livy session behind"


def test_papermill_injects_parameters(tmp_path, livy_env):
    nb = write_notebook(tmp_path / "params.ipynb", ["print('rows =', spark.range(rows).count())"],
                        parameters_cell="rows = 5")
    out = tmp_path / "params.out.ipynb"
    subprocess.run([str(VENV_BIN / "papermill"), str(nb), str(out), "-p", "rows", "42", "--start-timeout", "120"],
                   check=True, timeout=900)
    result = nbformat.read(str(out), as_version=4)
    injected = [c for c in result.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and "rows = 42" in injected[0].source
    assert "rows = 42" in "".join(o.get("text", "") for o in result.cells[-1].outputs)


def test_papermill_stops_at_the_failing_cell(tmp_path, livy_env):
    nb = write_notebook(tmp_path / "fails.ipynb", [
        "print('before')",
        "spark.sql('SELECT * FROM missing_table').collect()",
        "print('after')",
    ])
    out = tmp_path / "fails.out.ipynb"
    proc = subprocess.run([str(VENV_BIN / "papermill"), str(nb), str(out), "--start-timeout", "120"],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode != 0
    assert "AnalysisException" in proc.stderr
    result = nbformat.read(str(out), as_version=4)
    code_cells = [c for c in result.cells if c.cell_type == "code"]
    failing = [c for c in code_cells if any(o.output_type == "error" for o in c.outputs)]
    assert len(failing) == 1 and "missing_table" in failing[0].source
    assert failing[0].metadata["papermill"]["exception"] is True
    last = code_cells[-1]
    assert last.source == "print('after')" and last.outputs == [] and last.execution_count is None


def test_nbconvert_executes_the_rich_display_example(tmp_path, livy_env):
    nb = execute_example("rich-display", tmp_path)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not any(o.output_type == "error" for o in outputs)
    # Spark job progress is a display too (a widget or a status line); ours are the ones display() wrote.
    shown = [o.data for o in outputs if o.output_type == "display_data" and not is_progress(o.data)]
    tables = [d["application/vnd.dataresource+json"]["data"] for d in shown
              if "application/vnd.dataresource+json" in d]
    assert [r["square"] for r in tables[0]] == [i * i for i in range(8)]
    assert [r["n"] for r in tables[1]] == [0, 1, 2, 3, 4]
    html = [d.get("text/html", "") for d in shown]
    assert any("<h3>Hello <i>from</i> the session</h3>" == h for h in html)
    assert any("<table" in h and "square" in h and "livy-table-caption" not in h for h in html), "pandas' own table"
    assert sum("background:#2a7" in h for h in html) == 2
    assert any("image/png" in d for d in shown)
    [result] = [o.data for o in outputs if o.output_type == "execute_result"]
    assert [r["square"] for r in result["application/vnd.dataresource+json"]["data"]] == [36, 49]
    assert sessions(livy_env) == [], "the kernel left its Livy session behind"


def is_progress(data):
    return "application/vnd.jupyter.widget-view+json" in data or set(data) == {"text/plain"}
