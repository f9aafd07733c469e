"""The secret grep: run a notebook as a user would (saved .ipynb, the kernel's stderr) and assert that
no secret of the run appears in anything the kernel writes or shows.

An auth test module collects what it used and what came out, then calls `assert_no_secrets`:

    nb_path, stderr = run_notebook(tmp_path / "basic.ipynb", ["%%info", "print(1)"], env)
    assert_no_secrets({"Basic password": pw}, {"notebook": nb_path, "kernel stderr": stderr,
                                               "first cell error": reply["evalue"]})

Each secret is also looked for in the forms it travels in (base64, an `Authorization: Basic` value for a
user name given with `basic_user`), so that a header logged whole is caught too."""
import base64
import os
import subprocess
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from conftest import KERNEL_NAME, VENV_BIN


def run_notebook(path, cells, env, timeout=600):
    """Writes `cells` as a notebook at `path`, runs it with nbconvert (errors allowed, as a user's saved
    notebook would hold them) with the kernel in `env`, and saves it in place. Returns the notebook and
    everything the kernel wrote to stderr (its log)."""
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "PySpark (Livy)", "language": "python"}
    nb.cells.extend(new_code_cell(c) for c in cells)
    nbformat.write(nb, str(path))
    run = subprocess.run([str(VENV_BIN / "jupyter"), "nbconvert", "--to", "notebook", "--execute", "--inplace",
                          "--ExecutePreprocessor.allow_errors=True", f"--ExecutePreprocessor.timeout={timeout}",
                          str(path)], env={**os.environ, **env}, capture_output=True, text=True, timeout=timeout + 120)
    assert run.returncode == 0, run.stderr[-3000:]
    return nbformat.read(str(path), as_version=4), run.stderr


def cell_texts(cells):
    """Every output of `cells` (a notebook's, or a list) as text: streams, results, displays, error values."""
    out = []
    for c in getattr(cells, "cells", cells):
        for o in c.get("outputs", []):
            if "text" in o:
                out.append(o["text"])
            for v in o.get("data", {}).values():
                out.append(v if isinstance(v, str) else str(v))
            if o.get("output_type") == "error":
                out.append(o.get("evalue", "") + "\n".join(o.get("traceback", [])))
    return "\n".join(out)


def _forms(secret, basic_user=None):
    raw = secret if isinstance(secret, bytes) else secret.encode()
    forms = {raw.decode("latin-1"), base64.b64encode(raw).decode()}
    if basic_user is not None:
        forms.add(base64.b64encode(f"{basic_user}:".encode() + raw).decode())
    # a long binary secret (keytab contents) would rarely be printed whole: any 24-byte stretch of it counts
    if len(raw) > 48 and not raw.isascii():
        forms = {base64.b64encode(raw[i:i + 24]).decode() for i in range(0, len(raw) - 24, 12)}
        forms.add(raw.hex()[:64])
    return {f for f in forms if len(f) >= 4}


def assert_no_secrets(secrets, places, basic_user=None):
    """secrets: {name: str or bytes}; places: {name: text, or a Path whose contents are read}. Fails
    naming the secret and the place where it showed."""
    assert secrets, "no secrets given"
    found = []
    for place, where in places.items():
        text = Path(where).read_text(errors="replace") if isinstance(where, Path) else str(where)
        for name, secret in secrets.items():
            if any(form in text for form in _forms(secret, basic_user)):
                found.append(f"{name} in {place}")
    assert not found, "secrets leaked: " + ", ".join(found)
