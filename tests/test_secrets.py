"""The secret grep for Basic auth, and Basic auth with a wrong password: a notebook with %%info, a
Spark job and an error runs on an endpoint with Basic auth; its password shows in none of the saved
notebook, the kernel's stderr or %%info. A wrong password is one sentence in the first cell, which
shows neither password. (Kerberos and TLS run the same grep in their own modules, through
secret_helpers; the AWS SigV4 tests add their secret keys there too.)"""
import base64

import pytest

from conftest import LocalLivy
from secret_helpers import assert_no_secrets, cell_texts, run_notebook

WRONG_PASSWORD = "not-the-Basic-pw-4417"


@pytest.fixture(scope="module")
def livy():
    livy = LocalLivy()
    yield livy
    livy.stop()


def test_the_basic_password_shows_nowhere(livy, tmp_path):
    path = tmp_path / "basic.ipynb"
    nb, stderr = run_notebook(path, [
        "print(spark.range(5).count())",
        "%%info",
        "raise ValueError('a cell that fails')",
    ], {**livy.env(), "LIVY_KERNEL_PROGRESS": "off", "LIVY_KERNEL_LOG_LEVEL": "debug"})
    texts = cell_texts(nb)
    assert "5" in texts and "Basic_Access" in texts and "a cell that fails" in texts, texts
    assert len(livy.password) >= 8
    assert_no_secrets({"the Basic password": livy.password},
                      {"saved notebook": path, "kernel stderr (debug)": stderr, "outputs": texts},
                      basic_user=livy.username)


def test_a_wrong_basic_password_is_one_sentence(livy, tmp_path):
    path = tmp_path / "wrong.ipynb"
    nb, stderr = run_notebook(path, ["print(1)", "%%info"],
                              {**livy.env(), "LIVY_PASSWORD": WRONG_PASSWORD, "LIVY_KERNEL_PROGRESS": "off"})
    error = [o for o in nb.cells[0].outputs if o.output_type == "error"]
    assert error, nb.cells[0].outputs
    evalue = error[0].evalue
    assert "Livy answered HTTP 401 (not authenticated: check the username and password)" in evalue, evalue
    assert "maximum retry" not in evalue and "\tat " not in "".join(error[0].traceback), error
    assert_no_secrets({"the wrong password": WRONG_PASSWORD, "the right password": livy.password},
                      {"saved notebook": path, "kernel stderr": stderr}, basic_user=livy.username)


def test_the_grep_finds_a_secret_in_each_form_it_travels_in(tmp_path):
    log = tmp_path / "log"
    log.write_text("DEBUG Authorization: Basic bGl2eTpzM2NyZXQtcHc=\n")   # base64("livy:s3cret-pw")
    with pytest.raises(AssertionError, match="the password in log"):
        assert_no_secrets({"the password": "s3cret-pw"}, {"log": log}, basic_user="livy")
    keytab = bytes(range(256)) * 2
    with pytest.raises(AssertionError, match="keytab in notebook"):
        assert_no_secrets({"keytab": keytab}, {"notebook": "x" + base64.b64encode(keytab[:30]).decode()[:40]})
    clean = tmp_path / "clean"
    clean.write_text("DEBUG Authorization: [masked]\n")
    assert_no_secrets({"the password": "s3cret-pw", "keytab": keytab}, {"log": clean, "text": "nothing here"})
