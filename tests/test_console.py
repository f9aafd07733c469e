"""jupyter console (its real prompt_toolkit interface) driven through a pseudo-terminal."""
import os
import re

import pexpect

from conftest import KERNEL_NAME, VENV_BIN

PROMPT = r"In \[\S*?(\d+)\S*?\]: "


def test_console_runs_a_multiline_cell(tmp_path):
    env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm", "HOME": str(tmp_path)}
    # jupyter_console gives is_complete 1 s, then stops asking the kernel for the rest of the session
    # (and sends the loop's first line alone): too little for a loaded machine.
    child = pexpect.spawn(str(VENV_BIN / "jupyter"), ["console", "--kernel", KERNEL_NAME,
                                                      "--ZMQTerminalInteractiveShell.kernel_is_complete_timeout=30"],
                          encoding="utf-8", timeout=300, dimensions=(40, 200), env=env)
    log = open(tmp_path / "console.log", "w")
    child.logfile_read = log
    try:
        child.expect(PROMPT)
        child.send("total = 0\r")
        child.expect(PROMPT)
        # Enter after a block header asks the kernel's is_complete: "incomplete" with an indent,
        # so the console opens a continuation line and indents it; a blank line runs the cell.
        child.send("for i in range(4):\r")
        child.expect(r"\.\.\.: ")
        child.send("total += i * 10\r")
        # The finished line, then the next continuation prompt drawn to its end (the cursor shown
        # again): only then is the blank line an answer to that prompt.
        child.expect(r"10(\x1b\[[0-9;]*m)*\s*\n[^\n]*\.\.\.: [^\n]*?\x1b\[\?25h")
        child.send("\r")
        child.expect(PROMPT)
        child.send("print('total is', total, spark.range(3).count())\r")
        child.expect(r"total is 60 3")
        child.expect(PROMPT)
        child.send("1/0\r")
        child.expect("ZeroDivisionError")
        child.expect(PROMPT)
        child.sendcontrol("d")
        if child.expect([r"exit \(\[y\]/n\)", pexpect.EOF], timeout=60) == 0:
            child.send("y\r")
            child.expect(pexpect.EOF, timeout=60)
    finally:
        child.close(force=True)
        log.close()
    text = (tmp_path / "console.log").read_text()
    # The kernel's own log lines must not land in the user's terminal.
    assert not re.search(r"\] INFO livykernel", text), "kernel INFO logging leaked into the console"


def test_typing_exit_ends_the_console(tmp_path):
    # exit is answered by the kernel with ask_exit, so the console leaves without asking and
    # shuts the kernel down; no Spark session is needed for that.
    env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm", "HOME": str(tmp_path),
           "LIVY_KERNEL_SESSION_PRESTART": "false"}
    child = pexpect.spawn(str(VENV_BIN / "jupyter"), ["console", "--kernel", KERNEL_NAME],
                          encoding="utf-8", timeout=120, dimensions=(40, 200), env=env)
    try:
        child.expect(PROMPT)
        child.send("exit\r")
        assert child.expect([r"Shutting down kernel", r"\(\[y\]/n\)"], timeout=60) == 0, child.before
        child.expect(pexpect.EOF, timeout=60)
    finally:
        child.close(force=True)
