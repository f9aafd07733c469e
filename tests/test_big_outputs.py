"""Big outputs reach the front end cut to a configurable size with a note saying what was cut,
the kernel's memory stays bounded and nothing hangs: a 10 MB and a 100 MB print, a %%sql over a
million rows, a %table of 100,000 rows. One kernel (cap lowered to 1 MB) for the module."""
import threading

import psutil
import pytest

from conftest import run_cell, stdout_of, warmed_kernel

CAP = 1024 * 1024


@pytest.fixture(scope="module")
def kernel():
    yield from warmed_kernel("warm = 'up'", env={"LIVY_KERNEL_MAX_OUTPUT_BYTES": str(CAP)})


class PeakRss:
    """Samples the kernel's own RSS (not its children: the embedded endpoint's sessions) while a cell runs."""

    def __init__(self, pid):
        self.proc = psutil.Process(pid)
        self.peak = self.proc.memory_info().rss
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self):
        while not self.done.wait(0.02):
            self.peak = max(self.peak, self.proc.memory_info().rss)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()


def kernel_pid(km):
    return km.provisioner.process.pid


@pytest.mark.parametrize("mb", [10, 100])
def test_a_big_print_is_cut_to_the_kernels_cap_with_a_note(kernel, mb):
    km, kc = kernel
    with PeakRss(kernel_pid(km)) as rss:
        reply, outputs = run_cell(kc, f"print('x' * {mb} * 1024 * 1024)", timeout=600)
    assert reply["status"] == "ok", reply
    out = stdout_of(outputs)
    assert len(out) < CAP + 1000, len(out)
    assert out.startswith("x" * 1000)
    notes = "".join(c["text"] for t, c in outputs if t == "stream" and c["name"] == "stderr")
    assert "The output was cut: the first 1.0 MB of the 10.0 MB" in notes and "max_output_bytes" in notes, notes
    # The kernel holds the endpoint's answer (at most its 10 MB cap) a few times over, never 100 MB.
    print(f"peak kernel RSS for a {mb} MB print: {rss.peak / 2**20:.0f} MiB")
    assert rss.peak < 400 * 2**20, rss.peak
    reply, outputs = run_cell(kc, "print('next')")
    assert stdout_of(outputs) == "next\n"


def test_sql_over_a_million_rows_shows_the_first_rows_and_says_so(kernel):
    _, kc = kernel
    reply, outputs = run_cell(kc, "%%sql\nSELECT id, id * 2 AS twice FROM range(1000000)", timeout=600)
    assert reply["status"] == "ok", reply
    results = [c for t, c in outputs if t == "execute_result"]
    assert len(results) == 1, outputs
    text = results[0]["data"]["text/plain"]
    assert "2500" in text and "-n" in text, text[-500:]


def test_sql_of_all_million_rows_is_cut_by_size_with_a_note(kernel):
    # Once this ran the kernel out of heap (it shares it with the embedded endpoint) and the cell never ended.
    km, kc = kernel
    with PeakRss(kernel_pid(km)) as rss:
        reply, outputs = run_cell(kc, "%%sql -n -1\nSELECT id FROM range(1000000)", timeout=600)
    assert reply["status"] == "ok", reply
    results = [c for t, c in outputs if t == "execute_result"]
    assert len(results) == 1, outputs
    text = results[0]["data"]["text/plain"]
    caption = text.splitlines()[-1]
    assert caption.startswith("Showing the first ") and " of 1000000 rows: the table would be over the 5.0 MB " \
        "display_max_bytes limit" in caption, caption
    print(f"peak kernel RSS for %%sql -n -1 of 1,000,000 rows: {rss.peak / 2**20:.0f} MiB; {caption}")
    assert rss.peak < 450 * 2**20, rss.peak
    reply, outputs = run_cell(kc, "print('next')")
    assert stdout_of(outputs) == "next\n"


def test_a_table_of_100000_rows_is_cut_by_size_with_a_note(kernel):
    km, kc = kernel
    with PeakRss(kernel_pid(km)) as rss:
        reply, outputs = run_cell(kc, "rows = [{'id': i, 'name': 'row %d' % i} for i in range(100000)]\n%table rows",
                                  timeout=600)
    assert reply["status"] == "ok", reply
    results = [c for t, c in outputs if t == "execute_result"]
    assert len(results) == 1, outputs
    caption = results[0]["data"]["text/plain"].splitlines()[-1]
    assert caption.startswith("Showing the first ") and " of 100000 rows" in caption and "display_max_bytes" in caption, \
        caption
    print(f"peak kernel RSS for %table of 100,000 rows: {rss.peak / 2**20:.0f} MiB; {caption}")
    reply, outputs = run_cell(kc, "print('next')")
    assert stdout_of(outputs) == "next\n"
