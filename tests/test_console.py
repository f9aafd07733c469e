"""jupyter console driven through a pseudo-terminal."""
import pexpect
import pytest

from conftest import KERNEL_NAME, VENV_BIN


def test_console_runs_a_multiline_cell(tmp_path):
    child = pexpect.spawn(str(VENV_BIN / "jupyter"), ["console", "--kernel", KERNEL_NAME, "--simple-prompt"],
                          encoding="utf-8", timeout=300, dimensions=(40, 200),
                          env={**__import__("os").environ, "HOME": str(tmp_path)})
    child.logfile_read = open(tmp_path / "console.log", "w")
    try:
        child.expect(r"In \[1\]: ")
        child.sendline("total = 0")
        child.expect(r"In \[2\]: ")
        # A block: is_complete says "incomplete" until the blank line.
        child.sendline("for i in range(4):")
        child.expect(r"\.\.\.: ")
        child.sendline("    total += i * 10")
        child.expect(r"\.\.\.: ")
        child.sendline("")
        child.expect(r"In \[3\]: ")
        child.sendline("print('total is', total, spark.range(3).count())")
        child.expect(r"total is 60 3")
        child.expect(r"In \[4\]: ")
        child.sendline("1/0")
        child.expect("ZeroDivisionError")
        child.expect(r"In \[5\]: ")
        child.sendeof()
        child.expect(["exit", pexpect.EOF])
        if child.isalive():
            child.sendline("y")
            child.expect(pexpect.EOF, timeout=60)
    finally:
        child.close(force=True)
